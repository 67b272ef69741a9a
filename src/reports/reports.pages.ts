import type { FastifyInstance } from 'fastify';
import { h } from 'preact';
import { renderToString } from 'preact-render-to-string';
import { NotFoundError } from '../lib/errors.ts';
import { isId } from '../lib/ids.ts';
import type { ServiceContext } from '../services.ts';
import { requirePageReader } from '../web/guards.ts';
import { pageContext, queryOf, sendPage } from '../web/page.ts';
import { getWgeidReport } from './reports.service.ts';
import { WgeidPage, WgeidStandalone } from './wgeid.views.tsx';
import type { WgeidCommunication } from './wgeid.ts';

/** The standalone WGEID document, as a file to keep or send (also `GET /api/v1/…/reports/wgeid?format=html`). */
export function wgeidDocumentHtml(communication: WgeidCommunication): string {
  return `<!doctype html>\n${renderToString(h(WgeidStandalone, { communication }))}`;
}

export function wgeidFileName(communication: WgeidCommunication): string {
  return `wgeid-${communication.case_number.replace(/[^A-Za-z0-9-]/g, '')}.html`;
}

/** `/persons/{id}/reports/wgeid`: the communication to review, print or download (`?format=html`). */
export function reportPages(app: FastifyInstance, ctx: ServiceContext): void {
  app.get<{ Params: { id: string } }>('/persons/:id/reports/wgeid', { preHandler: requirePageReader }, async (request, reply) => {
    if (!isId(request.params.id)) throw new NotFoundError('person');
    const communication = await getWgeidReport(ctx, request.principal!, request.params.id);
    if (queryOf(request).format === 'html') {
      return reply
        .type('text/html; charset=utf-8')
        .header('cache-control', 'no-store')
        .header('content-disposition', `attachment; filename="${wgeidFileName(communication)}"`)
        .send(wgeidDocumentHtml(communication));
    }
    const page = pageContext(request, reply);
    const personName = communication.elements.a.value?.name ?? communication.case_number;
    return sendPage(reply, 200, WgeidPage({ page, communication, personName, canWrite: page.canWrite }));
  });
}
