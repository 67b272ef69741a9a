import type { FastifyInstance } from 'fastify';
import { principalOf, requireReader, requireWriter } from '../http/auth.ts';
import { ErrorResponse, IdParams, ListOf, RetractBody } from '../http/schemas.ts';
import { etag, expectedVersion } from '../records/versioning.ts';
import type { ServiceContext } from '../services.ts';
import { presentSource } from './sources.presenter.ts';
import {
  CreateSourceBody,
  ListSourcesQuery,
  SourceOutput,
  UpdateSourceBody,
  type CreateSourceInput,
  type UpdateSourceInput,
} from './sources.schemas.ts';
import { createSource, getSource, listSources, retractSource, updateSource } from './sources.service.ts';

const tags = ['sources'];
const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse, 422: ErrorResponse };

export function sourceRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  app.post<{ Body: CreateSourceInput }>(
    '/api/v1/sources',
    { preHandler: requireWriter, schema: { tags, body: CreateSourceBody, response: { 201: SourceOutput, ...errors } } },
    async (request, reply) => {
      const source = await createSource(ctx, principalOf(request), request.body);
      return reply.code(201).header('etag', etag(source.version)).header('location', `/api/v1/sources/${source.id}`).send(presentSource(source));
    },
  );

  app.get<{ Querystring: ListSourcesQuery }>(
    '/api/v1/sources',
    { preHandler: requireReader, schema: { tags, querystring: ListSourcesQuery, response: { 200: ListOf(SourceOutput), ...errors } } },
    async (request) => {
      const page = await listSources(ctx, principalOf(request), request.query);
      return { items: page.items.map(presentSource), next_cursor: page.next_cursor };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/sources/:id',
    { preHandler: requireReader, schema: { tags, params: IdParams, response: { 200: SourceOutput, ...errors } } },
    async (request, reply) => {
      const source = await getSource(ctx, principalOf(request), request.params.id);
      return reply.header('etag', etag(source.version)).send(presentSource(source));
    },
  );

  app.patch<{ Params: { id: string }; Body: UpdateSourceInput }>(
    '/api/v1/sources/:id',
    { preHandler: requireWriter, schema: { tags, params: IdParams, body: UpdateSourceBody, response: { 200: SourceOutput, ...errors } } },
    async (request, reply) => {
      const expected = expectedVersion(request.headers['if-match'], request.body.version);
      const source = await updateSource(ctx, principalOf(request), request.params.id, request.body, expected);
      return reply.header('etag', etag(source.version)).send(presentSource(source));
    },
  );

  app.post<{ Params: { id: string }; Body: { reason: string; version?: number } }>(
    '/api/v1/sources/:id/retract',
    { preHandler: requireWriter, schema: { tags, params: IdParams, body: RetractBody, response: { 200: SourceOutput, ...errors } } },
    async (request, reply) => {
      const ifMatch = request.headers['if-match'];
      const expected = ifMatch || request.body.version ? expectedVersion(ifMatch, request.body.version) : undefined;
      const source = await retractSource(ctx, principalOf(request), request.params.id, request.body.reason, expected);
      return reply.header('etag', etag(source.version)).send(presentSource(source));
    },
  );
}
