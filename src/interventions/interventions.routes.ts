import type { FastifyInstance } from 'fastify';
import { principalOf, requireReader, requireWriter } from '../http/auth.ts';
import { ErrorResponse, IdParams, ListOf, RetractBody } from '../http/schemas.ts';
import { etag, expectedVersion } from '../records/versioning.ts';
import type { ServiceContext } from '../services.ts';
import { presentIntervention } from './interventions.presenter.ts';
import {
  CreateInterventionBody,
  InterventionOutput,
  ListInterventionsQuery,
  UpdateInterventionBody,
  type CreateInterventionInput,
  type UpdateInterventionInput,
} from './interventions.schemas.ts';
import { createIntervention, getIntervention, listInterventions, retractIntervention, updateIntervention } from './interventions.service.ts';

const tags = ['interventions'];
const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse, 422: ErrorResponse };

export function interventionRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  app.post<{ Body: CreateInterventionInput }>(
    '/api/v1/interventions',
    { preHandler: requireWriter, schema: { tags, body: CreateInterventionBody, response: { 201: InterventionOutput, ...errors } } },
    async (request, reply) => {
      const intervention = await createIntervention(ctx, principalOf(request), request.body);
      return reply
        .code(201)
        .header('etag', etag(intervention.version))
        .header('location', `/api/v1/interventions/${intervention.id}`)
        .send(presentIntervention(intervention));
    },
  );

  app.get<{ Querystring: ListInterventionsQuery }>(
    '/api/v1/interventions',
    { preHandler: requireReader, schema: { tags, querystring: ListInterventionsQuery, response: { 200: ListOf(InterventionOutput), ...errors } } },
    async (request) => {
      const page = await listInterventions(ctx, principalOf(request), request.query);
      return { items: page.items.map(presentIntervention), next_cursor: page.next_cursor };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/interventions/:id',
    { preHandler: requireReader, schema: { tags, params: IdParams, response: { 200: InterventionOutput, ...errors } } },
    async (request, reply) => {
      const intervention = await getIntervention(ctx, principalOf(request), request.params.id);
      return reply.header('etag', etag(intervention.version)).send(presentIntervention(intervention));
    },
  );

  app.patch<{ Params: { id: string }; Body: UpdateInterventionInput }>(
    '/api/v1/interventions/:id',
    { preHandler: requireWriter, schema: { tags, params: IdParams, body: UpdateInterventionBody, response: { 200: InterventionOutput, ...errors } } },
    async (request, reply) => {
      const expected = expectedVersion(request.headers['if-match'], request.body.version);
      const intervention = await updateIntervention(ctx, principalOf(request), request.params.id, request.body, expected);
      return reply.header('etag', etag(intervention.version)).send(presentIntervention(intervention));
    },
  );

  app.post<{ Params: { id: string }; Body: { reason: string; version?: number } }>(
    '/api/v1/interventions/:id/retract',
    { preHandler: requireWriter, schema: { tags, params: IdParams, body: RetractBody, response: { 200: InterventionOutput, ...errors } } },
    async (request, reply) => {
      const ifMatch = request.headers['if-match'];
      const expected = ifMatch || request.body.version ? expectedVersion(ifMatch, request.body.version) : undefined;
      const intervention = await retractIntervention(ctx, principalOf(request), request.params.id, request.body.reason, expected);
      return reply.header('etag', etag(intervention.version)).send(presentIntervention(intervention));
    },
  );
}
