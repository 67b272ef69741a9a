import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { principalOf, requireReader } from '../http/auth.ts';
import { ErrorResponse } from '../http/schemas.ts';
import { presentPerson } from '../persons/persons.presenter.ts';
import { PersonOutput } from '../persons/persons.schemas.ts';
import type { ServiceContext } from '../services.ts';
import { loadSearchKey } from './search-keys.ts';
import { SearchQuery } from './search.schemas.ts';
import { searchEverything } from './search.service.ts';
import type { TextHit } from './text-search.service.ts';

const TextHitOutput = Type.Object({
  entity: Type.String({ description: 'the kind of record: person, source, event, status_entry, intervention, evidence' }),
  id: Type.String(),
  person_id: Type.Union([Type.String(), Type.Null()], { description: 'the person the record is about' }),
  case_number: Type.Union([Type.String(), Type.Null()], { description: 'of the case the record is filed under; null for an organisation-wide record' }),
  field: Type.String({ description: 'the field the snippet is from, e.g. notes, title, description, note' }),
  snippet: Type.String({ description: 'plain text, about 160 characters around the first matching word' }),
  score: Type.Number({ description: '0 to 1: 1 when every word is found as typed' }),
});

const SearchOutput = Type.Object({
  items: Type.Array(
    Type.Object({
      person: PersonOutput,
      score: Type.Number({ description: '0 to 1' }),
      explanation: Type.String({ description: 'which name forms matched, e.g. "Cyrillic Жұматай ≈ Latin Zhumatai"' }),
    }),
    { description: 'persons found by name' },
  ),
  text_hits: Type.Array(TextHitOutput, { description: 'records whose free text holds every word of the query (secret fields only for readers allowed them)' }),
  next_cursor: Type.Null(),
});

const presentTextHit = (hit: TextHit) => ({
  entity: hit.entity,
  id: hit.id,
  person_id: hit.person_id,
  case_number: hit.case_number,
  field: hit.field,
  snippet: hit.snippet,
  score: hit.score,
});

export function searchRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  app.get<{ Querystring: SearchQuery }>(
    '/api/v1/search',
    {
      preHandler: requireReader,
      schema: { tags: ['search'], summary: 'Persons by any form of a name, in any script, and records by the words of their free text', querystring: SearchQuery, response: { 200: SearchOutput, 400: ErrorResponse, 401: ErrorResponse } },
    },
    async (request) => {
      const found = await searchEverything(ctx, await loadSearchKey(ctx), principalOf(request), request.query);
      return {
        items: found.persons.map((hit) => ({ person: presentPerson(hit.person), score: hit.score, explanation: hit.explanation })),
        text_hits: found.text.map(presentTextHit),
        next_cursor: null,
      };
    },
  );
}
