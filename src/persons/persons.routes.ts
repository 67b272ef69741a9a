import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { principalOf, requireReader, requireWriter } from '../http/auth.ts';
import { ErrorResponse, IdParams, ListOf, ListQuery, RetractBody } from '../http/schemas.ts';
import { etag, expectedVersion } from '../records/versioning.ts';
import type { ServiceContext } from '../services.ts';
import { DuplicateItem } from '../search/duplicates.schemas.ts';
import { presentDuplicates } from '../search/duplicates.routes.ts';
import { CREATE_DUPLICATES, findDuplicatesOf, listMergedFrom, QUICK_BUDGET } from '../search/duplicates.service.ts';
import { presentPerson, presentRevision } from './persons.presenter.ts';
import {
  CreatePersonBody,
  ListPersonsQuery,
  PersonOutput,
  UpdatePersonBody,
  type CreatePersonInput,
  type UpdatePersonInput,
} from './persons.schemas.ts';
import { createPerson, getPersonWithTimeline, listPersons, personHistory, retractPerson, updatePerson } from './persons.service.ts';

const tags = ['persons'];
// A new person's answer names the records it may duplicate (GET …/duplicates has them all).
const CreatedPersonOutput = Type.Composite([PersonOutput, Type.Object({ possible_duplicates: Type.Array(DuplicateItem) })], { additionalProperties: true });
const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse };

export function personRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  app.post<{ Body: CreatePersonInput }>(
    '/api/v1/persons',
    { preHandler: requireWriter, schema: { tags, body: CreatePersonBody, response: { 201: CreatedPersonOutput, ...errors } } },
    async (request, reply) => {
      const person = await createPerson(ctx, principalOf(request), request.body);
      const possible = presentDuplicates(await findDuplicatesOf(ctx, principalOf(request), person.id, { limit: CREATE_DUPLICATES, budget: QUICK_BUDGET }));
      return reply
        .code(201)
        .header('etag', etag(person.version))
        .header('location', `/api/v1/persons/${person.id}`)
        .send({ ...presentPerson(person, { timeline: [], merged_from: [] }), possible_duplicates: possible });
    },
  );

  app.get<{ Querystring: ListPersonsQuery }>(
    '/api/v1/persons',
    { preHandler: requireReader, schema: { tags, querystring: ListPersonsQuery, response: { 200: ListOf(PersonOutput), ...errors } } },
    async (request) => {
      const page = await listPersons(ctx, principalOf(request), request.query);
      return { items: page.items.map((p) => presentPerson(p)), next_cursor: page.next_cursor };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/persons/:id',
    { preHandler: requireReader, schema: { tags, params: IdParams, response: { 200: PersonOutput, ...errors } } },
    async (request, reply) => {
      const { person, timeline } = await getPersonWithTimeline(ctx, principalOf(request), request.params.id);
      const mergedFrom = (await listMergedFrom(ctx, principalOf(request), person.id)).map((merged) => merged.id);
      return reply.header('etag', etag(person.version)).send(presentPerson(person, { timeline, merged_from: mergedFrom }));
    },
  );

  app.patch<{ Params: { id: string }; Body: UpdatePersonInput }>(
    '/api/v1/persons/:id',
    { preHandler: requireWriter, schema: { tags, params: IdParams, body: UpdatePersonBody, response: { 200: PersonOutput, ...errors } } },
    async (request, reply) => {
      const expected = expectedVersion(request.headers['if-match'], request.body.version);
      const person = await updatePerson(ctx, principalOf(request), request.params.id, request.body, expected);
      return reply.header('etag', etag(person.version)).send(presentPerson(person));
    },
  );

  app.post<{ Params: { id: string }; Body: { reason: string; version?: number } }>(
    '/api/v1/persons/:id/retract',
    { preHandler: requireWriter, schema: { tags, params: IdParams, body: RetractBody, response: { 200: PersonOutput, ...errors } } },
    async (request, reply) => {
      const ifMatch = request.headers['if-match'];
      const expected = ifMatch || request.body.version ? expectedVersion(ifMatch, request.body.version) : undefined;
      const person = await retractPerson(ctx, principalOf(request), request.params.id, request.body.reason, expected);
      return reply.header('etag', etag(person.version)).send(presentPerson(person));
    },
  );

  app.get<{ Params: { id: string }; Querystring: { limit?: number; cursor?: string } }>(
    '/api/v1/persons/:id/history',
    {
      preHandler: requireReader,
      schema: { tags, params: IdParams, querystring: Type.Object(ListQuery, { additionalProperties: false }) },
    },
    async (request) => {
      const page = await personHistory(ctx, principalOf(request), request.params.id, request.query);
      return { items: page.items.map(presentRevision), next_cursor: page.next_cursor };
    },
  );
}
