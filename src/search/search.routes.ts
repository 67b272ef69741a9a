import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { principalOf, requireReader } from '../http/auth.ts';
import { ErrorResponse } from '../http/schemas.ts';
import { presentPerson } from '../persons/persons.presenter.ts';
import { PersonOutput } from '../persons/persons.schemas.ts';
import type { ServiceContext } from '../services.ts';
import { loadSearchKey } from './search-keys.ts';
import { SearchQuery } from './search.schemas.ts';
import { searchPersons } from './search.service.ts';

const SearchOutput = Type.Object({
  items: Type.Array(
    Type.Object({
      person: PersonOutput,
      score: Type.Number({ description: '0 to 1' }),
      explanation: Type.String({ description: 'which name forms matched, e.g. "Cyrillic Жұматай ≈ Latin Zhumatai"' }),
    }),
  ),
  next_cursor: Type.Null(),
});

export function searchRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  app.get<{ Querystring: SearchQuery }>(
    '/api/v1/search',
    { preHandler: requireReader, schema: { tags: ['search'], summary: 'Persons by any form of a name, in any script', querystring: SearchQuery, response: { 200: SearchOutput, 400: ErrorResponse, 401: ErrorResponse } } },
    async (request) => {
      const hits = await searchPersons(ctx, await loadSearchKey(ctx), principalOf(request), request.query);
      return { items: hits.map((hit) => ({ person: presentPerson(hit.person), score: hit.score, explanation: hit.explanation })), next_cursor: null };
    },
  );
}
