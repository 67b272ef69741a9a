import type { FastifyInstance } from 'fastify';
import { principalOf, requireReader } from '../http/auth.ts';
import { ErrorResponse, IdParams } from '../http/schemas.ts';
import type { ServiceContext } from '../services.ts';
import { presentWgeidReport } from './reports.presenter.ts';
import { WgeidReportOutput, WgeidReportQuery } from './reports.schemas.ts';
import { sendWgeidFile } from './reports.pages.ts';
import { getWgeidReport } from './reports.service.ts';

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
}
