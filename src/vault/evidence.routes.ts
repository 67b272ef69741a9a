import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { principalOf, requireReader, requireWriter } from '../http/auth.ts';
import { ErrorResponse, IdParams, ListOf, RetractBody } from '../http/schemas.ts';
import { validate } from '../http/validation.ts';
import { InvalidInputError } from '../lib/errors.ts';
import { etag, expectedVersion } from '../records/versioning.ts';
import type { ServiceContext } from '../services.ts';
import { sendContent } from './content.ts';
import { presentEvidence } from './evidence.presenter.ts';
import { CustodyBody, EvidenceMeta, EvidenceOutput, ListEvidenceQuery, type CustodyInput } from './evidence.schemas.ts';
import { custodyTrail, getEvidence, listEvidence, planUpload, recordTransfer, retractEvidence, type Vault } from './evidence.service.ts';
import { proveSubjects } from './proofs.service.ts';
import { streamUpload } from './upload.ts';

const tags = ['evidence'];
const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse, 413: ErrorResponse, 422: ErrorResponse };

/** The `meta` part: JSON, checked like any API body. */
export function parseMeta(text: string | undefined): ReturnType<typeof validate<typeof EvidenceMeta>> {
  if (text === undefined) throw new InvalidInputError('send a "meta" part before the file, with at least person_ids', { meta: 'required before the file' });
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new InvalidInputError('the "meta" part is not valid JSON', { meta: 'JSON' });
  }
  return validate(EvidenceMeta, value);
}

const ProofOutput = Type.Object({
  checkpoint: Type.String({ description: 'the C2SP signed checkpoint the proofs lead to' }),
  tree_size: Type.Integer(),
  root_hash: Type.String(),
  verifier_key: Type.String(),
  items: Type.Array(
    Type.Object({
      event_id: Type.String(),
      leaf_index: Type.Integer(),
      data: Type.String({ description: 'leaf input, base64: SHA-256(salt ‖ statement)' }),
      salt: Type.String(),
      statement: Type.String({ description: 'RFC 8785 JSON of the custody event' }),
      hashes: Type.Array(Type.String()),
    }),
  ),
});

export function evidenceRoutes(vault: Vault) {
  return (app: FastifyInstance, ctx: ServiceContext): void => {
    app.post(
      '/api/v1/evidence',
      {
        preHandler: requireWriter,
        schema: {
          tags,
          summary: 'Upload evidence (multipart/form-data: a "meta" JSON part, then the "file" part)',
          consumes: ['multipart/form-data'],
          response: { 201: EvidenceOutput, ...errors },
        },
      },
      async (request, reply) => {
        const principal = principalOf(request);
        const received = await streamUpload(ctx, vault, request, principal, (fields) => planUpload(ctx, principal, parseMeta(fields.meta)));
        const custody = await custodyTrail(ctx, received.item);
        return reply
          .code(201)
          .header('etag', etag(received.item.version))
          .header('location', `/api/v1/evidence/${received.item.id}`)
          .send(presentEvidence(received.item, { custody, duplicate_of: received.duplicate_of }));
      },
    );

    app.get<{ Querystring: ListEvidenceQuery }>(
      '/api/v1/evidence',
      { preHandler: requireReader, schema: { tags, querystring: ListEvidenceQuery, response: { 200: ListOf(EvidenceOutput), ...errors } } },
      async (request) => {
        const page = await listEvidence(ctx, principalOf(request), request.query);
        return { items: page.items.map((item) => presentEvidence(item)), next_cursor: page.next_cursor };
      },
    );

    app.get<{ Params: { id: string } }>(
      '/api/v1/evidence/:id',
      { preHandler: requireReader, schema: { tags, params: IdParams, response: { 200: EvidenceOutput, ...errors } } },
      async (request, reply) => {
        const item = await getEvidence(ctx, principalOf(request), request.params.id);
        return reply.header('etag', etag(item.version)).send(presentEvidence(item, { custody: await custodyTrail(ctx, item) }));
      },
    );

    app.get<{ Params: { id: string }; Querystring: { download?: boolean } }>(
      '/api/v1/evidence/:id/content',
      {
        preHandler: requireReader,
        schema: { tags, summary: 'The original bytes; supports Range', params: IdParams, querystring: Type.Object({ download: Type.Optional(Type.Boolean()) }, { additionalProperties: false }) },
      },
      async (request, reply) => {
        const principal = principalOf(request);
        return sendContent(ctx, vault, request, reply, principal, await getEvidence(ctx, principal, request.params.id));
      },
    );

    app.get<{ Params: { id: string } }>(
      '/api/v1/evidence/:id/proof',
      { preHandler: requireReader, schema: { tags, summary: 'Inclusion proofs of the item’s custody events to the newest checkpoint', params: IdParams, response: { 200: ProofOutput, ...errors } } },
      async (request) => {
        const item = await getEvidence(ctx, principalOf(request), request.params.id);
        const events = await custodyTrail(ctx, item);
        const proven = await proveSubjects(ctx, vault, [{ subject: 'custody', ids: events.map((event) => event.id) }]);
        return {
          checkpoint: proven.checkpoint.note,
          tree_size: proven.checkpoint.size,
          root_hash: proven.checkpoint.root.toString('base64'),
          verifier_key: proven.verifier_key,
          items: proven.statements.map((statement) => ({
            event_id: statement.subject_id,
            leaf_index: statement.leaf_index,
            data: statement.data,
            salt: statement.salt,
            statement: statement.statement,
            hashes: statement.hashes,
          })),
        };
      },
    );

    app.post<{ Params: { id: string }; Body: CustodyInput }>(
      '/api/v1/evidence/:id/custody',
      { preHandler: requireWriter, schema: { tags, summary: 'Record a transfer of the file to another party', params: IdParams, body: CustodyBody, response: { 201: EvidenceOutput, ...errors } } },
      async (request, reply) => {
        const item = await recordTransfer(ctx, principalOf(request), request.params.id, request.body);
        return reply.code(201).send(presentEvidence(item, { custody: await custodyTrail(ctx, item) }));
      },
    );

    app.post<{ Params: { id: string }; Body: { reason: string; version?: number } }>(
      '/api/v1/evidence/:id/retract',
      { preHandler: requireWriter, schema: { tags, params: IdParams, body: RetractBody, response: { 200: EvidenceOutput, ...errors } } },
      async (request, reply) => {
        const ifMatch = request.headers['if-match'];
        const expected = ifMatch || request.body.version ? expectedVersion(ifMatch, request.body.version) : undefined;
        const item = await retractEvidence(ctx, principalOf(request), request.params.id, request.body.reason, expected);
        return reply.header('etag', etag(item.version)).send(presentEvidence(item, { custody: await custodyTrail(ctx, item) }));
      },
    );
  };
}
