import type { FastifyInstance } from 'fastify';
import { principalOf, requireReader, requireWriter } from '../http/auth.ts';
import { ErrorResponse, IdParams, ListOf, RetractBody } from '../http/schemas.ts';
import { etag, expectedVersion } from '../records/versioning.ts';
import type { ServiceContext } from '../services.ts';
import { presentDirectoryEntry } from './directory.presenter.ts';
import {
  CreateDirectoryEntryBody,
  DirectoryEntryOutput,
  ListDirectoryQuery,
  UpdateDirectoryEntryBody,
  type CreateDirectoryEntryInput,
  type UpdateDirectoryEntryInput,
} from './directory.schemas.ts';
import { createDirectoryEntry, getDirectoryEntry, listDirectory, retractDirectoryEntry, updateDirectoryEntry } from './directory.service.ts';

const tags = ['directory'];
const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse, 422: ErrorResponse };

/** The directory of addressees: read by every signed-in user, kept by coordinators and admins. */
export function directoryRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  app.post<{ Body: CreateDirectoryEntryInput }>(
    '/api/v1/directory',
    { preHandler: requireWriter, schema: { tags, body: CreateDirectoryEntryBody, response: { 201: DirectoryEntryOutput, ...errors } } },
    async (request, reply) => {
      const entry = await createDirectoryEntry(ctx, principalOf(request), request.body);
      return reply.code(201).header('etag', etag(entry.version)).header('location', `/api/v1/directory/${entry.id}`).send(presentDirectoryEntry(entry));
    },
  );

  app.get<{ Querystring: ListDirectoryQuery }>(
    '/api/v1/directory',
    { preHandler: requireReader, schema: { tags, querystring: ListDirectoryQuery, response: { 200: ListOf(DirectoryEntryOutput), ...errors } } },
    async (request) => {
      const page = await listDirectory(ctx, principalOf(request), request.query);
      return { items: page.items.map(presentDirectoryEntry), next_cursor: page.next_cursor };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/directory/:id',
    { preHandler: requireReader, schema: { tags, params: IdParams, response: { 200: DirectoryEntryOutput, ...errors } } },
    async (request, reply) => {
      const entry = await getDirectoryEntry(ctx, principalOf(request), request.params.id);
      return reply.header('etag', etag(entry.version)).send(presentDirectoryEntry(entry));
    },
  );

  app.patch<{ Params: { id: string }; Body: UpdateDirectoryEntryInput }>(
    '/api/v1/directory/:id',
    { preHandler: requireWriter, schema: { tags, params: IdParams, body: UpdateDirectoryEntryBody, response: { 200: DirectoryEntryOutput, ...errors } } },
    async (request, reply) => {
      const expected = expectedVersion(request.headers['if-match'], request.body.version);
      const entry = await updateDirectoryEntry(ctx, principalOf(request), request.params.id, request.body, expected);
      return reply.header('etag', etag(entry.version)).send(presentDirectoryEntry(entry));
    },
  );

  app.post<{ Params: { id: string }; Body: { reason: string; version?: number } }>(
    '/api/v1/directory/:id/retract',
    { preHandler: requireWriter, schema: { tags, params: IdParams, body: RetractBody, response: { 200: DirectoryEntryOutput, ...errors } } },
    async (request, reply) => {
      const ifMatch = request.headers['if-match'];
      const expected = ifMatch || request.body.version ? expectedVersion(ifMatch, request.body.version) : undefined;
      const entry = await retractDirectoryEntry(ctx, principalOf(request), request.params.id, request.body.reason, expected);
      return reply.header('etag', etag(entry.version)).send(presentDirectoryEntry(entry));
    },
  );
}
