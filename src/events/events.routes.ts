import type { FastifyInstance } from 'fastify';
import { principalOf, requireReader, requireWriter } from '../http/auth.ts';
import { ErrorResponse, IdParams, ListOf, RetractBody } from '../http/schemas.ts';
import { etag, expectedVersion } from '../records/versioning.ts';
import type { ServiceContext } from '../services.ts';
import { presentEvent } from './events.presenter.ts';
import {
  CreateEventBody,
  EventOutput,
  ListEventsQuery,
  UpdateEventBody,
  type CreateEventInput,
  type UpdateEventInput,
} from './events.schemas.ts';
import { createEvent, getEvent, listEvents, retractEvent, updateEvent } from './events.service.ts';

const tags = ['events'];
const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse, 422: ErrorResponse };

export function eventRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  app.post<{ Body: CreateEventInput }>(
    '/api/v1/events',
    { preHandler: requireWriter, schema: { tags, body: CreateEventBody, response: { 201: EventOutput, ...errors } } },
    async (request, reply) => {
      const event = await createEvent(ctx, principalOf(request), request.body);
      return reply.code(201).header('etag', etag(event.version)).header('location', `/api/v1/events/${event.id}`).send(presentEvent(event));
    },
  );

  app.get<{ Querystring: ListEventsQuery }>(
    '/api/v1/events',
    { preHandler: requireReader, schema: { tags, querystring: ListEventsQuery, response: { 200: ListOf(EventOutput), ...errors } } },
    async (request) => {
      const page = await listEvents(ctx, principalOf(request), request.query);
      return { items: page.items.map(presentEvent), next_cursor: page.next_cursor };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/events/:id',
    { preHandler: requireReader, schema: { tags, params: IdParams, response: { 200: EventOutput, ...errors } } },
    async (request, reply) => {
      const event = await getEvent(ctx, principalOf(request), request.params.id);
      return reply.header('etag', etag(event.version)).send(presentEvent(event));
    },
  );

  app.patch<{ Params: { id: string }; Body: UpdateEventInput }>(
    '/api/v1/events/:id',
    { preHandler: requireWriter, schema: { tags, params: IdParams, body: UpdateEventBody, response: { 200: EventOutput, ...errors } } },
    async (request, reply) => {
      const expected = expectedVersion(request.headers['if-match'], request.body.version);
      const event = await updateEvent(ctx, principalOf(request), request.params.id, request.body, expected);
      return reply.header('etag', etag(event.version)).send(presentEvent(event));
    },
  );

  app.post<{ Params: { id: string }; Body: { reason: string; version?: number } }>(
    '/api/v1/events/:id/retract',
    { preHandler: requireWriter, schema: { tags, params: IdParams, body: RetractBody, response: { 200: EventOutput, ...errors } } },
    async (request, reply) => {
      const ifMatch = request.headers['if-match'];
      const expected = ifMatch || request.body.version ? expectedVersion(ifMatch, request.body.version) : undefined;
      const event = await retractEvent(ctx, principalOf(request), request.params.id, request.body.reason, expected);
      return reply.header('etag', etag(event.version)).send(presentEvent(event));
    },
  );
}
