import type { FastifyInstance, FastifyReply } from 'fastify';
import { h } from 'preact';
import { renderToString } from 'preact-render-to-string';
import { caseAccess } from '../access/access.service.ts';
import { NotFoundError } from '../lib/errors.ts';
import { findCaseOfPerson } from '../persons/persons.repository.ts';
import { isId } from '../lib/ids.ts';
import type { ServiceContext } from '../services.ts';
import { requirePageReader } from '../web/guards.ts';
import { pageContext, queryOf, sendPage } from '../web/page.ts';
import { getWgeidReport } from './reports.service.ts';
import { wgeidDocx } from './wgeid.docx.ts';
import { WgeidPage, WgeidStandalone } from './wgeid.views.tsx';
import type { WgeidCommunication } from './wgeid.ts';

/** The standalone WGEID document, as a file to keep or send (also `GET /api/v1/…/reports/wgeid?format=html`). */
export function wgeidDocumentHtml(communication: WgeidCommunication): string {
  return `<!doctype html>\n${renderToString(h(WgeidStandalone, { communication }))}`;
}

export function wgeidFileName(communication: WgeidCommunication, extension: 'html' | 'docx'): string {
  return `wgeid-${communication.case_number.replace(/[^A-Za-z0-9-]/g, '')}.${extension}`;
}

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

/** Sends the communication as a file to keep or send: the HTML document or the Word one. */
export async function sendWgeidFile(reply: FastifyReply, communication: WgeidCommunication, format: 'html' | 'docx'): Promise<FastifyReply> {
  const [type, body] = format === 'docx' ? [DOCX, await wgeidDocx(communication)] : ['text/html; charset=utf-8', wgeidDocumentHtml(communication)];
  return reply
    .type(type)
    .header('cache-control', 'no-store')
    .header('content-disposition', `attachment; filename="${wgeidFileName(communication, format)}"`)
    .send(body);
}

/** `/persons/{id}/reports/wgeid`: the communication to review, print or download (`?format=html` or `docx`). */
export function reportPages(app: FastifyInstance, ctx: ServiceContext): void {
  app.get<{ Params: { id: string } }>('/persons/:id/reports/wgeid', { preHandler: requirePageReader }, async (request, reply) => {
    if (!isId(request.params.id)) throw new NotFoundError('person');
    const communication = await getWgeidReport(ctx, request.principal!, request.params.id);
    const format = queryOf(request).format;
    if (format === 'html' || format === 'docx') return sendWgeidFile(reply, communication, format);
    const page = pageContext(request, reply);
    const personName = communication.elements.a.value?.name ?? communication.case_number;
    // The links to fill what is missing are for those who may write this case (a viewer member may not).
    const found = await findCaseOfPerson(ctx.db, communication.person_id);
    const canWrite = page.canWrite && found !== null && (await caseAccess(ctx, request.principal!, found.case_id)).write;
    return sendPage(reply, 200, WgeidPage({ page, communication, personName, canWrite }));
  });
}
