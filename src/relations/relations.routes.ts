import type { FastifyInstance } from 'fastify';
import { principalOf, requireReader, requireWriter } from '../http/auth.ts';
import { ErrorResponse, IdParams, ListOf, RetractBody } from '../http/schemas.ts';
import { etag, expectedVersion } from '../records/versioning.ts';
import type { ServiceContext } from '../services.ts';
import { presentRelation } from './relations.presenter.ts';
import {
  CreateRelationBody,
  ListRelationsQuery,
  RelationOutput,
  UpdateRelationBody,
  type CreateRelationInput,
  type UpdateRelationInput,
} from './relations.schemas.ts';
import { createRelation, getRelation, listRelations, retractRelation, updateRelation } from './relations.service.ts';

const tags = ['relations'];
const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse, 422: ErrorResponse };

export function relationRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  app.post<{ Body: CreateRelationInput }>(
    '/api/v1/relations',
    { preHandler: requireWriter, schema: { tags, body: CreateRelationBody, response: { 201: RelationOutput, ...errors } } },
    async (request, reply) => {
      const relation = await createRelation(ctx, principalOf(request), request.body);
      return reply
        .code(201)
        .header('etag', etag(relation.version))
        .header('location', `/api/v1/relations/${relation.id}`)
        .send(presentRelation(relation));
    },
  );

  app.get<{ Querystring: ListRelationsQuery }>(
    '/api/v1/relations',
    { preHandler: requireReader, schema: { tags, querystring: ListRelationsQuery, response: { 200: ListOf(RelationOutput), ...errors } } },
    async (request) => {
      const page = await listRelations(ctx, principalOf(request), request.query);
      return { items: page.items.map(presentRelation), next_cursor: page.next_cursor };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/relations/:id',
    { preHandler: requireReader, schema: { tags, params: IdParams, response: { 200: RelationOutput, ...errors } } },
    async (request, reply) => {
      const relation = await getRelation(ctx, principalOf(request), request.params.id);
      return reply.header('etag', etag(relation.version)).send(presentRelation(relation));
    },
  );

  app.patch<{ Params: { id: string }; Body: UpdateRelationInput }>(
    '/api/v1/relations/:id',
    { preHandler: requireWriter, schema: { tags, params: IdParams, body: UpdateRelationBody, response: { 200: RelationOutput, ...errors } } },
    async (request, reply) => {
      const expected = expectedVersion(request.headers['if-match'], request.body.version);
      const relation = await updateRelation(ctx, principalOf(request), request.params.id, request.body, expected);
      return reply.header('etag', etag(relation.version)).send(presentRelation(relation));
    },
  );

  app.post<{ Params: { id: string }; Body: { reason: string; version?: number } }>(
    '/api/v1/relations/:id/retract',
    { preHandler: requireWriter, schema: { tags, params: IdParams, body: RetractBody, response: { 200: RelationOutput, ...errors } } },
    async (request, reply) => {
      const ifMatch = request.headers['if-match'];
      const expected = ifMatch || request.body.version ? expectedVersion(ifMatch, request.body.version) : undefined;
      const relation = await retractRelation(ctx, principalOf(request), request.params.id, request.body.reason, expected);
      return reply.header('etag', etag(relation.version)).send(presentRelation(relation));
    },
  );
}
