import type { FastifyInstance } from 'fastify';
import { principalOf, requireReader, requireWriter } from '../http/auth.ts';
import { Type } from '@sinclair/typebox';
import { ErrorResponse, IdParams, ListOf } from '../http/schemas.ts';
import { etag } from '../records/versioning.ts';
import type { ServiceContext } from '../services.ts';
import { presentAlert } from './alerts.presenter.ts';
import { listAlertNotices } from '../notify/notify.service.ts';
import { AlertOutput, ListAlertsQuery, NoticeOutput, ResolveAlertBody, type ResolveAlertInput } from './alerts.schemas.ts';
import { acknowledgeAlert, getAlert, listAlerts, resolveAlert, startDrill } from './alerts.service.ts';

const tags = ['alerts'];
const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse, 422: ErrorResponse };

export function alertRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  app.get<{ Querystring: ListAlertsQuery }>(
    '/api/v1/alerts',
    { preHandler: requireReader, schema: { tags, querystring: ListAlertsQuery, response: { 200: ListOf(AlertOutput), ...errors } } },
    async (request) => {
      const page = await listAlerts(ctx, principalOf(request), request.query);
      return { items: page.items.map(presentAlert), next_cursor: page.next_cursor };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/alerts/:id',
    { preHandler: requireReader, schema: { tags, params: IdParams, response: { 200: AlertOutput, ...errors } } },
    async (request, reply) => {
      const alert = await getAlert(ctx, principalOf(request), request.params.id);
      return reply.header('etag', etag(alert.version)).send(presentAlert(alert));
    },
  );

  app.post<{ Params: { id: string } }>(
    '/api/v1/alerts/:id/ack',
    { preHandler: requireWriter, schema: { tags, params: IdParams, response: { 200: AlertOutput, ...errors } } },
    async (request, reply) => {
      const alert = await acknowledgeAlert(ctx, principalOf(request), request.params.id);
      return reply.header('etag', etag(alert.version)).send(presentAlert(alert));
    },
  );

  app.post<{ Params: { id: string }; Body: ResolveAlertInput }>(
    '/api/v1/alerts/:id/resolve',
    { preHandler: requireWriter, schema: { tags, params: IdParams, body: ResolveAlertBody, response: { 200: AlertOutput, ...errors } } },
    async (request, reply) => {
      const alert = await resolveAlert(ctx, principalOf(request), request.params.id, request.body);
      return reply.header('etag', etag(alert.version)).send({ ...presentAlert(alert), appeal_draft_id: alert.appeal_draft_id });
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/alerts/:id/notifications',
    { preHandler: requireReader, schema: { tags, params: IdParams, response: { 200: Type.Object({ items: Type.Array(NoticeOutput) }), ...errors } } },
    async (request) => ({ items: await listAlertNotices(ctx, principalOf(request), request.params.id) }),
  );

  app.post<{ Params: { id: string } }>(
    '/api/v1/watches/:id/drill',
    { preHandler: requireWriter, schema: { tags, params: IdParams, response: { 201: AlertOutput, ...errors } } },
    async (request, reply) => {
      const alert = await startDrill(ctx, principalOf(request), request.params.id);
      return reply.code(201).header('location', `/api/v1/alerts/${alert.id}`).send(presentAlert(alert));
    },
  );
}
