import type { FastifyInstance } from 'fastify';
import { principalOf, requireReader, requireWriter } from '../http/auth.ts';
import { ErrorResponse, IdParams } from '../http/schemas.ts';
import { presentPerson } from '../persons/persons.presenter.ts';
import { CreatePersonBody, PersonOutput, type CreatePersonInput } from '../persons/persons.schemas.ts';
import { etag, expectedVersion } from '../records/versioning.ts';
import type { ServiceContext } from '../services.ts';
import type { DistinctPair } from './duplicates.repository.ts';
import {
  DistinctBody,
  DistinctOutput,
  DuplicateList,
  MergeBody,
  UnmergeBody,
  type DistinctInput,
  type MergeInput,
  type UnmergeInput,
} from './duplicates.schemas.ts';
import { checkDraftDuplicates, findDuplicatesOf, markDistinct, mergePerson, undoDistinct, unmergePerson, type DuplicateCandidate } from './duplicates.service.ts';

const tags = ['duplicates'];
const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse, 422: ErrorResponse };

export function presentDuplicates(candidates: DuplicateCandidate[]) {
  return candidates.map((c) => ({ person: presentPerson(c.person), score: c.score, reasons: c.reasons.map((r) => ({ field: r.field, weight: r.weight, text: r.text })) }));
}

function presentPair(pair: DistinctPair) {
  return {
    person_a: pair.person_a,
    person_b: pair.person_b,
    different: pair.undone_at === null,
    decided_by: pair.decided_by,
    decided_at: pair.decided_at,
    reason: pair.reason,
    undone_at: pair.undone_at,
    version: pair.version,
  };
}

/** A version from If-Match or the body when one is sent; else the current one. */
function optionalVersion(ifMatch: string | undefined, bodyVersion: number | undefined): number | undefined {
  return ifMatch || bodyVersion ? expectedVersion(ifMatch, bodyVersion) : undefined;
}

export function duplicateRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  app.get<{ Params: { id: string } }>(
    '/api/v1/persons/:id/duplicates',
    { preHandler: requireReader, schema: { tags, summary: 'Possible duplicates of a person, best first, with reasons', params: IdParams, response: { 200: DuplicateList, ...errors } } },
    async (request) => ({ items: presentDuplicates(await findDuplicatesOf(ctx, principalOf(request), request.params.id)), next_cursor: null }),
  );

  app.post<{ Body: CreatePersonInput }>(
    '/api/v1/persons/duplicates/check',
    { preHandler: requireReader, schema: { tags, summary: 'Possible duplicates of a person not yet created (writes nothing)', body: CreatePersonBody, response: { 200: DuplicateList, ...errors } } },
    async (request) => ({ items: presentDuplicates(await checkDraftDuplicates(ctx, principalOf(request), request.body)), next_cursor: null }),
  );

  app.post<{ Params: { id: string }; Body: MergeInput }>(
    '/api/v1/persons/:id/merge',
    { preHandler: requireWriter, schema: { tags, summary: 'Merge this person into another (duplicate_of); both ids keep resolving', params: IdParams, body: MergeBody, response: { 200: PersonOutput, ...errors } } },
    async (request, reply) => {
      const person = await mergePerson(ctx, principalOf(request), request.params.id, request.body.into, request.body.reason, optionalVersion(request.headers['if-match'], request.body.version));
      return reply.header('etag', etag(person.version)).send(presentPerson(person));
    },
  );

  app.post<{ Params: { id: string }; Body: UnmergeInput }>(
    '/api/v1/persons/:id/unmerge',
    { preHandler: requireWriter, schema: { tags, summary: 'Undo a merge', params: IdParams, body: UnmergeBody, response: { 200: PersonOutput, ...errors } } },
    async (request, reply) => {
      const person = await unmergePerson(ctx, principalOf(request), request.params.id, request.body.reason, optionalVersion(request.headers['if-match'], request.body.version));
      return reply.header('etag', etag(person.version)).send(presentPerson(person));
    },
  );

  app.post<{ Params: { id: string }; Body: DistinctInput }>(
    '/api/v1/persons/:id/not-duplicate',
    { preHandler: requireWriter, schema: { tags, summary: 'Decide that two persons are different people', params: IdParams, body: DistinctBody, response: { 200: DistinctOutput, ...errors } } },
    async (request) => presentPair(await markDistinct(ctx, principalOf(request), request.params.id, request.body.other_id, request.body.reason ?? null)),
  );

  app.post<{ Params: { id: string }; Body: DistinctInput }>(
    '/api/v1/persons/:id/not-duplicate/undo',
    { preHandler: requireWriter, schema: { tags, summary: 'Undo a "different people" decision', params: IdParams, body: DistinctBody, response: { 200: DistinctOutput, ...errors } } },
    async (request) => presentPair(await undoDistinct(ctx, principalOf(request), request.params.id, request.body.other_id, request.body.reason ?? null)),
  );
}
