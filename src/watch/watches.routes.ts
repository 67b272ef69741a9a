import type { FastifyInstance } from 'fastify';
import { principalOf, requireReader, requireWriter } from '../http/auth.ts';
import { ErrorResponse, IdParams, ListOf } from '../http/schemas.ts';
import { etag } from '../records/versioning.ts';
import type { ServiceContext } from '../services.ts';
import { presentContact, presentWatch } from './watches.presenter.ts';
import { CheckinOutput, ContactBody, CreateWatchBody, ListWatchesQuery, WatchOutput, type ContactInput, type CreateWatchInput } from './watches.schemas.ts';
import { createWatch, getWatch, listWatches, reportContact } from './watches.service.ts';

const tags = ['watches'];
const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse, 422: ErrorResponse };

export function watchRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  app.post<{ Body: CreateWatchInput }>(
    '/api/v1/watches',
    { preHandler: requireWriter, schema: { tags, body: CreateWatchBody, response: { 201: WatchOutput, ...errors } } },
    async (request, reply) => {
      const { watch, checkinSecret } = await createWatch(ctx, principalOf(request), request.body);
      return reply
        .code(201)
        .header('etag', etag(watch.version))
        .header('location', `/api/v1/watches/${watch.id}`)
        // The link is the person's key: shown in this answer only, never stored or sent again.
        .header('cache-control', 'no-store')
        .send({ ...presentWatch(watch, ctx.clock.now()), checkin_url: `/c/${checkinSecret}` });
    },
  );

  app.get<{ Querystring: ListWatchesQuery }>(
    '/api/v1/watches',
    { preHandler: requireReader, schema: { tags, querystring: ListWatchesQuery, response: { 200: ListOf(WatchOutput), ...errors } } },
    async (request) => {
      const page = await listWatches(ctx, principalOf(request), request.query);
      const now = ctx.clock.now();
      return { items: page.items.map((watch) => presentWatch(watch, now)), next_cursor: page.next_cursor };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/watches/:id',
    { preHandler: requireReader, schema: { tags, params: IdParams, response: { 200: WatchOutput, ...errors } } },
    async (request, reply) => {
      const watch = await getWatch(ctx, principalOf(request), request.params.id);
      return reply.header('etag', etag(watch.version)).send(presentWatch(watch, ctx.clock.now()));
    },
  );

  app.post<{ Params: { id: string }; Body: ContactInput }>(
    '/api/v1/watches/:id/contact',
    { preHandler: requireWriter, schema: { tags, params: IdParams, body: ContactBody, response: { 201: CheckinOutput, ...errors } } },
    async (request, reply) => {
      const { checkin, watch } = await reportContact(ctx, principalOf(request), request.params.id, request.body);
      return reply.code(201).send(presentContact(checkin, watch));
    },
  );
}
