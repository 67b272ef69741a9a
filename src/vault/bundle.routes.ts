import type { FastifyInstance, FastifyReply } from 'fastify';
import { principalOf, requireReader } from '../http/auth.ts';
import { requirePageReader } from '../web/guards.ts';
import { ErrorResponse, IdParams } from '../http/schemas.ts';
import type { ServiceContext } from '../services.ts';
import { bundleArchive, prepareBundle, type PreparedBundle } from './bundle.service.ts';
import type { Vault } from './evidence.service.ts';
import { contentDisposition } from './file-names.ts';

const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse };

/** The web UI's "export bundle": the same archive as `vigil bundle export`, for the case's coordinators; audited. */
export function bundleRoutes(vault: Vault) {
  return (app: FastifyInstance, ctx: ServiceContext): void => {
    app.get<{ Params: { id: string } }>(
      '/api/v1/persons/:id/bundle',
      {
        preHandler: requireReader,
        schema: { tags: ['evidence'], summary: "The case's evidence bundle (ustar): files, custody events, revisions and their proofs to one signed checkpoint", params: IdParams, produces: ['application/x-tar'], response: errors },
      },
      async (request, reply) => sendBundle(ctx, vault, reply, await prepareBundle(ctx, vault, principalOf(request), request.params.id)),
    );

    // The person page's link: the same archive, for a signed-in coordinator.
    app.get<{ Params: { id: string } }>('/persons/:id/bundle', { preHandler: requirePageReader, schema: { hide: true, params: IdParams } }, async (request, reply) =>
      sendBundle(ctx, vault, reply, await prepareBundle(ctx, vault, principalOf(request), request.params.id)),
    );
  };
}

function sendBundle(ctx: ServiceContext, vault: Vault, reply: FastifyReply, prepared: PreparedBundle): FastifyReply {
  return reply
    .type('application/x-tar')
    .header('content-disposition', contentDisposition('attachment', prepared.fileName))
    .header('cache-control', 'no-store')
    .send(bundleArchive(ctx, vault, prepared));
}
