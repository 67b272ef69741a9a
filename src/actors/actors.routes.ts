import type { FastifyInstance } from 'fastify';
import { principalOf, requireReader, requireWriter } from '../http/auth.ts';
import { ErrorResponse, IdParams, ListOf, RetractBody } from '../http/schemas.ts';
import { etag, expectedVersion } from '../records/versioning.ts';
import type { ServiceContext } from '../services.ts';
import { presentActor } from './actors.presenter.ts';
import {
  ActorOutput,
  CreateActorBody,
  ListActorsQuery,
  UpdateActorBody,
  type CreateActorInput,
  type UpdateActorInput,
} from './actors.schemas.ts';
import { createActor, getActor, listActors, retractActor, updateActor } from './actors.service.ts';

const tags = ['actors'];
const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse, 422: ErrorResponse };

export function actorRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  app.post<{ Body: CreateActorInput }>(
    '/api/v1/actors',
    { preHandler: requireWriter, schema: { tags, body: CreateActorBody, response: { 201: ActorOutput, ...errors } } },
    async (request, reply) => {
      const actor = await createActor(ctx, principalOf(request), request.body);
      return reply.code(201).header('etag', etag(actor.version)).header('location', `/api/v1/actors/${actor.id}`).send(presentActor(actor));
    },
  );

  app.get<{ Querystring: ListActorsQuery }>(
    '/api/v1/actors',
    { preHandler: requireReader, schema: { tags, querystring: ListActorsQuery, response: { 200: ListOf(ActorOutput), ...errors } } },
    async (request) => {
      const page = await listActors(ctx, principalOf(request), request.query);
      return { items: page.items.map(presentActor), next_cursor: page.next_cursor };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/actors/:id',
    { preHandler: requireReader, schema: { tags, params: IdParams, response: { 200: ActorOutput, ...errors } } },
    async (request, reply) => {
      const actor = await getActor(ctx, principalOf(request), request.params.id);
      return reply.header('etag', etag(actor.version)).send(presentActor(actor));
    },
  );

  app.patch<{ Params: { id: string }; Body: UpdateActorInput }>(
    '/api/v1/actors/:id',
    { preHandler: requireWriter, schema: { tags, params: IdParams, body: UpdateActorBody, response: { 200: ActorOutput, ...errors } } },
    async (request, reply) => {
      const expected = expectedVersion(request.headers['if-match'], request.body.version);
      const actor = await updateActor(ctx, principalOf(request), request.params.id, request.body, expected);
      return reply.header('etag', etag(actor.version)).send(presentActor(actor));
    },
  );

  app.post<{ Params: { id: string }; Body: { reason: string; version?: number } }>(
    '/api/v1/actors/:id/retract',
    { preHandler: requireWriter, schema: { tags, params: IdParams, body: RetractBody, response: { 200: ActorOutput, ...errors } } },
    async (request, reply) => {
      const ifMatch = request.headers['if-match'];
      const expected = ifMatch || request.body.version ? expectedVersion(ifMatch, request.body.version) : undefined;
      const actor = await retractActor(ctx, principalOf(request), request.params.id, request.body.reason, expected);
      return reply.header('etag', etag(actor.version)).send(presentActor(actor));
    },
  );
}
