import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { principalOf, requireReader, requireWriter } from '../http/auth.ts';
import { ErrorResponse, IdParams, RetractBody } from '../http/schemas.ts';
import { presentStatus } from '../persons/persons.presenter.ts';
import { etag, expectedVersion } from '../records/versioning.ts';
import type { ServiceContext } from '../services.ts';
import { CreateStatusBody, StatusParams, type CreateStatusInput } from './statuses.schemas.ts';
import { addStatusEntry, listStatuses, retractStatusEntry } from './statuses.service.ts';

const tags = ['timeline'];
const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse, 422: ErrorResponse };

export function statusRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  app.post<{ Params: { id: string }; Body: CreateStatusInput }>(
    '/api/v1/persons/:id/statuses',
    { preHandler: requireWriter, schema: { tags, params: IdParams, body: CreateStatusBody, response: errors } },
    async (request, reply) => {
      const entry = await addStatusEntry(ctx, principalOf(request), request.params.id, request.body);
      return reply.code(201).header('etag', etag(entry.version)).send(presentStatus(entry));
    },
  );

  app.get<{ Params: { id: string }; Querystring: { include_retracted?: boolean } }>(
    '/api/v1/persons/:id/statuses',
    {
      preHandler: requireReader,
      schema: {
        tags,
        params: IdParams,
        querystring: Type.Object({ include_retracted: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
        response: errors,
      },
    },
    async (request) => {
      const entries = await listStatuses(ctx, principalOf(request), request.params.id, request.query.include_retracted ?? false);
      return { items: entries.map(presentStatus), next_cursor: null };
    },
  );

  app.post<{ Params: { id: string; status_id: string }; Body: { reason: string; version?: number } }>(
    '/api/v1/persons/:id/statuses/:status_id/retract',
    { preHandler: requireWriter, schema: { tags, params: StatusParams, body: RetractBody, response: errors } },
    async (request) => {
      const ifMatch = request.headers['if-match'];
      const expected = ifMatch || request.body.version ? expectedVersion(ifMatch, request.body.version) : undefined;
      const entry = await retractStatusEntry(ctx, principalOf(request), request.params.id, request.params.status_id, request.body.reason, expected);
      return presentStatus(entry);
    },
  );
}
