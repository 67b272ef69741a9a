import type { FastifyInstance } from 'fastify';
import { principalOf, requireWriter } from '../http/auth.ts';
import { ErrorResponse, IdParams } from '../http/schemas.ts';
import { etag, expectedVersion } from '../records/versioning.ts';
import type { ServiceContext } from '../services.ts';
import { TravelBody, TravelEndBody, UpdateWatchBody, type TravelEndInput, type TravelInput, type UpdateWatchInput } from './schedules.schemas.ts';
import { endTravel, startTravel, updateWatch } from './schedules.service.ts';
import { presentWatch } from './watches.presenter.ts';
import { WatchOutput } from './watches.schemas.ts';

const tags = ['watches'];
const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse, 422: ErrorResponse };

/** The version a change names, if it names one: If-Match or a `version` field. */
function optionalVersion(ifMatch: string | undefined, bodyVersion: number | undefined): number | undefined {
  return ifMatch || bodyVersion ? expectedVersion(ifMatch, bodyVersion) : undefined;
}

/** A watch's schedule after creation: PATCH (schedule and state), travel mode on and off. */
export function watchScheduleRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  app.patch<{ Params: { id: string }; Body: UpdateWatchInput }>(
    '/api/v1/watches/:id',
    { preHandler: requireWriter, schema: { tags, params: IdParams, body: UpdateWatchBody, response: { 200: WatchOutput, ...errors } } },
    async (request, reply) => {
      const expected = expectedVersion(request.headers['if-match'], request.body.version);
      const watch = await updateWatch(ctx, principalOf(request), request.params.id, request.body, expected);
      return reply.header('etag', etag(watch.version)).send(presentWatch(watch, ctx.clock.now()));
    },
  );

  app.post<{ Params: { id: string }; Body: TravelInput }>(
    '/api/v1/watches/:id/travel',
    { preHandler: requireWriter, schema: { tags, params: IdParams, body: TravelBody, response: { 200: WatchOutput, ...errors } } },
    async (request, reply) => {
      const expected = optionalVersion(request.headers['if-match'], request.body.version);
      const watch = await startTravel(ctx, principalOf(request), request.params.id, request.body, expected);
      return reply.header('etag', etag(watch.version)).send(presentWatch(watch, ctx.clock.now()));
    },
  );

  app.post<{ Params: { id: string }; Body: TravelEndInput | undefined }>(
    '/api/v1/watches/:id/travel/end',
    {
      // Ending a trip needs no body; one, if sent, is checked.
      preValidation: async (request) => {
        request.body ??= {};
      },
      preHandler: requireWriter,
      schema: { tags, params: IdParams, body: TravelEndBody, response: { 200: WatchOutput, ...errors } },
    },
    async (request, reply) => {
      const expected = optionalVersion(request.headers['if-match'], request.body?.version);
      const watch = await endTravel(ctx, principalOf(request), request.params.id, expected);
      return reply.header('etag', etag(watch.version)).send(presentWatch(watch, ctx.clock.now()));
    },
  );
}
