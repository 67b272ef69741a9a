import type { FastifyInstance, FastifyRequest } from 'fastify';
import { principalOf, requireWriter } from '../http/auth.ts';
import { ErrorResponse, IdParams } from '../http/schemas.ts';
import { NotFoundError, UnauthenticatedError } from '../lib/errors.ts';
import { SIGNATURE_HEADER, verifySignature } from '../lib/signature.ts';
import { etag } from '../records/versioning.ts';
import type { ServiceContext } from '../services.ts';
import { presentAlert } from './alerts.presenter.ts';
import { AlertOutput } from './alerts.schemas.ts';
import { INBOUND_BODY_LIMIT, InboundBody, InboundParams, InboundReply, SosBody, type InboundInput, type SosInput } from './channels.schemas.ts';
import { isInboundGateway } from './inbound.ts';
import { receiveInboundMessage } from './inbound.service.ts';
import { loadSenderKey, type SenderKey } from './sender-key.ts';
import { reportSos } from './sos.service.ts';
import { createCheckinGuard } from './watches.service.ts';

const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse, 422: ErrorResponse };

/** `POST /api/v1/watches/{id}/sos`: a case worker or proxy reports an SOS; the alert opens at once. */
export function sosRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  app.post<{ Params: { id: string }; Body: SosInput }>(
    '/api/v1/watches/:id/sos',
    {
      preHandler: requireWriter,
      schema: {
        tags: ['watches'],
        description: 'Raises an SOS for the watch’s person: an `sos` alert opens at once (201), or the one already running is answered (200).',
        params: IdParams,
        body: SosBody,
        response: { 200: AlertOutput, 201: AlertOutput, ...errors },
      },
    },
    async (request, reply) => {
      const { alert, opened } = await reportSos(ctx, principalOf(request), request.params.id, request.body);
      return reply.code(opened ? 201 : 200).header('etag', etag(alert.version)).send(presentAlert(alert));
    },
  );
}

function invalidJson(): Error {
  return Object.assign(new Error('the request body is not valid JSON'), { code: 'FST_ERR_CTP_INVALID_JSON_BODY', statusCode: 400 });
}

/**
 * `POST /api/v1/inbound/{gateway}`: SMS, Signal and Telegram gateways relay what a sender wrote,
 * signed with VIGIL_INBOUND_SECRET as our own webhooks are (DESIGN §6). The signature covers the raw
 * bytes, so this route keeps them (its own JSON parser, in a scope of its own) and checks the
 * signature before it parses anything. Without a secret configured the endpoint does not exist (404):
 * a deployment without gateways offers nothing unauthenticated to probe.
 */
export function inboundRoutes(secret: string | undefined) {
  return (app: FastifyInstance, ctx: ServiceContext): void => {
    const guard = createCheckinGuard();
    let senderKey: Promise<SenderKey> | null = null;

    const checkSignedMessage = async (request: FastifyRequest<{ Params: { gateway: string } }>) => {
      if (!secret || !isInboundGateway(request.params.gateway)) throw new NotFoundError('inbound gateway');
      const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const header = request.headers[SIGNATURE_HEADER];
      const check = verifySignature(secret, typeof header === 'string' ? header : undefined, raw, ctx.clock.now());
      if (!check.ok) throw new UnauthenticatedError(`the message is not signed with the inbound secret (${SIGNATURE_HEADER}: ${check.problem})`);
      try {
        request.body = JSON.parse(raw.toString('utf8'));
      } catch {
        throw invalidJson();
      }
    };

    void app.register(async (scope) => {
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: INBOUND_BODY_LIMIT }, (_request, body, done) => done(null, body));
      scope.post<{ Params: { gateway: string }; Body: InboundInput }>(
        '/api/v1/inbound/:gateway',
        {
          preValidation: checkSignedMessage,
          schema: {
            tags: ['watches'],
            description:
              'A message relayed by a gateway, signed `X-Vigil-Signature: t=UNIX_SECONDS,v1=HEX` (HMAC-SHA256 of `t.body` with VIGIL_INBOUND_SECRET). ' +
              'The answer’s `reply` is the text to send back; it is the same for the PIN and the duress PIN.',
            security: [],
            params: InboundParams,
            body: InboundBody,
            response: { 200: InboundReply, 400: ErrorResponse, 401: ErrorResponse, 404: ErrorResponse, 413: ErrorResponse },
          },
        },
        async (request, reply) => {
          // Loaded once; a failed load is tried again by the next message.
          senderKey ??= loadSenderKey(ctx).catch((error: unknown) => {
            senderKey = null;
            throw error;
          });
          const gateway = request.params.gateway;
          if (!isInboundGateway(gateway)) throw new NotFoundError('inbound gateway');
          const text = await receiveInboundMessage(ctx, guard, await senderKey, gateway, request.body);
          return reply.header('cache-control', 'no-store').send({ reply: text });
        },
      );
    });
  };
}
