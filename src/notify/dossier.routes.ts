import type { FastifyInstance } from 'fastify';
import { principalOf, requireReader, requireWriter } from '../http/auth.ts';
import { ErrorResponse, IdParams } from '../http/schemas.ts';
import { etag } from '../records/versioning.ts';
import type { ServiceContext } from '../services.ts';
import type { Dossier } from './dossier.repository.ts';
import { DossierBody, DossierOutput, ReleaseOutput, VetoBody, type DossierInput, type VetoInput } from './dossier.schemas.ts';
import { getDossier, getRelease, setDossier, vetoRelease, type ReleaseView } from './dossier.service.ts';

const tags = ['watches'];
const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse, 422: ErrorResponse };

/** Statement and recipients are named only when the reader may have them (getDossier blanks them otherwise). */
function presentDossier(dossier: Dossier & { secrets_hidden?: true }) {
  return {
    watch_id: dossier.watch_id,
    ...(dossier.secrets_hidden ? {} : { statement: dossier.statement, recipients: dossier.recipients.map((target) => ('email' in target ? { email: target.email } : { webhook: target.webhook })) }),
    records: dossier.records,
    release_after: dossier.release_after,
    version: dossier.version,
    created_at: dossier.created_at,
    updated_at: dossier.updated_at,
  };
}

function presentRelease(release: ReleaseView) {
  return {
    id: release.id,
    alert_id: release.alert_id,
    state: release.state,
    release_at: release.release_at,
    released_at: release.released_at,
    drill: release.drill,
    vetoes: release.vetoes.map((veto) => ({ user_id: veto.user_id, at: veto.at, reason: veto.reason })),
    vetoes_needed: release.vetoes_needed,
  };
}

export function dossierRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  app.put<{ Params: { id: string }; Body: DossierInput }>(
    '/api/v1/watches/:id/dossier',
    { preHandler: requireWriter, schema: { tags, params: IdParams, body: DossierBody, response: { 200: DossierOutput, ...errors } } },
    async (request, reply) => {
      const dossier = await setDossier(ctx, principalOf(request), request.params.id, request.body);
      return reply.header('etag', etag(dossier.version)).send(presentDossier(dossier));
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/watches/:id/dossier',
    { preHandler: requireReader, schema: { tags, params: IdParams, response: { 200: DossierOutput, ...errors } } },
    async (request, reply) => {
      const dossier = await getDossier(ctx, principalOf(request), request.params.id);
      return reply.header('etag', etag(dossier.version)).send(presentDossier(dossier));
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/alerts/:id/dossier',
    { preHandler: requireReader, schema: { tags, params: IdParams, response: { 200: ReleaseOutput, ...errors } } },
    async (request) => presentRelease(await getRelease(ctx, principalOf(request), request.params.id)),
  );

  app.post<{ Params: { id: string }; Body: VetoInput }>(
    '/api/v1/alerts/:id/dossier/veto',
    { preHandler: requireWriter, schema: { tags, params: IdParams, body: VetoBody, response: { 200: ReleaseOutput, ...errors } } },
    async (request) => presentRelease(await vetoRelease(ctx, principalOf(request), request.params.id, request.body.reason)),
  );
}
