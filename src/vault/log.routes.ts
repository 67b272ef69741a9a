import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { requireReader } from '../http/auth.ts';
import { ErrorResponse } from '../http/schemas.ts';
import type { ServiceContext } from '../services.ts';
import type { Vault } from './evidence.service.ts';
import { consistencyProof, currentCheckpoint, inclusionProof, leaves, MAX_LEAVES_PER_PAGE } from './log.service.ts';

/**
 * The transparency log, as partners and verifiers read it (DESIGN §6). Leaves are salted
 * commitments: they reveal how many statements there are, nothing of what they say. Readers need a
 * token unless the deployment makes the log public (VIGIL_LOG_PUBLIC=1), so a partner's
 * `vigil log watch` can follow it without an account.
 */

const tags = ['log'];
const errors = { 400: ErrorResponse, 401: ErrorResponse, 404: ErrorResponse };
const Size = Type.Integer({ minimum: 0, maximum: 2 ** 40 });

const LeavesQuery = Type.Object({ start: Size, end: Size }, { additionalProperties: false });
const InclusionQuery = Type.Object({ index: Size, size: Type.Integer({ minimum: 1, maximum: 2 ** 40 }) }, { additionalProperties: false });
const ConsistencyQuery = Type.Object({ from: Type.Integer({ minimum: 1, maximum: 2 ** 40 }), to: Type.Integer({ minimum: 1, maximum: 2 ** 40 }) }, { additionalProperties: false });
const Hashes = Type.Array(Type.String({ description: 'SHA-256, base64' }));

export function logRoutes(vault: Vault, options: { public: boolean }) {
  const guard = options.public ? async (_request: FastifyRequest, _reply: FastifyReply) => undefined : requireReader;
  return (app: FastifyInstance, ctx: ServiceContext): void => {
    app.get(
      '/api/v1/log/checkpoint',
      { preHandler: guard, schema: { tags, summary: 'The newest signed checkpoint (C2SP tlog-checkpoint signed note)', produces: ['text/plain'] } },
      async (_request, reply) => {
        const checkpoint = await currentCheckpoint(ctx, vault.signer);
        return reply.type('text/plain; charset=utf-8').header('cache-control', 'no-store').send(checkpoint.note);
      },
    );

    app.get('/api/v1/log/key', { preHandler: guard, schema: { tags, summary: 'The verifier key: name+hexkeyid+base64key', produces: ['text/plain'] } }, async (_request, reply) =>
      reply.type('text/plain; charset=utf-8').send(`${vault.signer.verifierKey}\n`),
    );

    app.get<{ Querystring: Static<typeof LeavesQuery> }>(
      '/api/v1/log/leaves',
      {
        preHandler: guard,
        schema: {
          tags,
          summary: `Leaf inputs [start, end), at most ${MAX_LEAVES_PER_PAGE} at a time`,
          querystring: LeavesQuery,
          response: { 200: Type.Object({ items: Type.Array(Type.Object({ index: Type.Integer(), data: Type.String() })) }), ...errors },
        },
      },
      async (request) => ({ items: await leaves(ctx, request.query.start, request.query.end) }),
    );

    app.get<{ Querystring: Static<typeof InclusionQuery> }>(
      '/api/v1/log/proof/inclusion',
      { preHandler: guard, schema: { tags, querystring: InclusionQuery, response: { 200: Type.Object({ index: Type.Integer(), size: Type.Integer(), hashes: Hashes }), ...errors } } },
      async (request) => {
        const { index, size } = request.query;
        await currentCheckpoint(ctx, vault.signer);
        return { index, size, hashes: (await inclusionProof(ctx, index, size)).map((hash) => hash.toString('base64')) };
      },
    );

    app.get<{ Querystring: Static<typeof ConsistencyQuery> }>(
      '/api/v1/log/proof/consistency',
      { preHandler: guard, schema: { tags, querystring: ConsistencyQuery, response: { 200: Type.Object({ from: Type.Integer(), to: Type.Integer(), hashes: Hashes }), ...errors } } },
      async (request) => {
        const { from, to } = request.query;
        await currentCheckpoint(ctx, vault.signer);
        return { from, to, hashes: (await consistencyProof(ctx, from, to)).map((hash) => hash.toString('base64')) };
      },
    );
  };
}
