import type { FastifyInstance } from 'fastify';
import { principalOf, requireReader, requireWriter } from '../http/auth.ts';
import { ErrorResponse, IdParams } from '../http/schemas.ts';
import { presentIntervention } from '../interventions/interventions.presenter.ts';
import { InterventionOutput } from '../interventions/interventions.schemas.ts';
import { etag } from '../records/versioning.ts';
import type { ServiceContext } from '../services.ts';
import type { DocumentKind } from './public-document.ts';
import { presentPublicDocument, presentWgeidReport } from './reports.presenter.ts';
import {
  DocumentInterventionBody,
  DocumentParams,
  PublicDocumentOutput,
  PublicDocumentQuery,
  WgeidReportOutput,
  WgeidReportQuery,
  type DocumentInterventionInput,
  type DocumentKindParam,
} from './reports.schemas.ts';
import { sendPublicDocumentFile, sendWgeidFile } from './reports.pages.ts';
import { addresseeIdsOf, createDocumentIntervention, getPublicDocument, getWgeidReport } from './reports.service.ts';

const tags = ['reports'];
const errors = { 400: ErrorResponse, 401: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse };

export function reportRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  app.get<{ Params: { id: string }; Querystring: WgeidReportQuery }>(
    '/api/v1/persons/:id/reports/wgeid',
    { preHandler: requireReader, schema: { tags, params: IdParams, querystring: WgeidReportQuery, response: { 200: WgeidReportOutput, ...errors } } },
    async (request, reply) => {
      const communication = await getWgeidReport(ctx, principalOf(request), request.params.id);
      const format = request.query.format ?? 'json';
      return format === 'json' ? presentWgeidReport(communication) : sendWgeidFile(reply, communication, format);
    },
  );

  // The urgent action and the press brief: the person named only as her consent allows, no secret field.
  for (const kind of ['urgent_action', 'brief'] as const satisfies readonly DocumentKind[]) {
    app.get<{ Params: { id: string }; Querystring: PublicDocumentQuery }>(
      `/api/v1/persons/:id/reports/${kind}`,
      { preHandler: requireReader, schema: { tags, params: IdParams, querystring: PublicDocumentQuery, response: { 200: PublicDocumentOutput, ...errors, 422: ErrorResponse } } },
      async (request, reply) => {
        const doc = await getPublicDocument(ctx, principalOf(request), request.params.id, kind, addresseeIdsOf(request.query.to));
        return (request.query.format ?? 'json') === 'json' ? presentPublicDocument(doc) : sendPublicDocumentFile(reply, doc);
      },
    );
  }

  app.post<{ Params: { id: string; kind: DocumentKindParam }; Body: DocumentInterventionInput }>(
    '/api/v1/persons/:id/reports/:kind/interventions',
    {
      preHandler: requireWriter,
      schema: { tags, params: DocumentParams, body: DocumentInterventionBody, response: { 201: InterventionOutput, ...errors, 403: ErrorResponse, 422: ErrorResponse } },
    },
    async (request, reply) => {
      const intervention = await createDocumentIntervention(ctx, principalOf(request), request.params.id, request.params.kind, request.body?.to);
      return reply
        .code(201)
        .header('etag', etag(intervention.version))
        .header('location', `/api/v1/interventions/${intervention.id}`)
        .send(presentIntervention(intervention));
    },
  );
}
