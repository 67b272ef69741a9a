import type { FastifyInstance, FastifyReply } from 'fastify';
import { h } from 'preact';
import { renderToString } from 'preact-render-to-string';
import { caseAccess } from '../access/access.service.ts';
import type { Principal } from '../auth/roles.ts';
import { listDirectoryChoices } from '../directory/directory.service.ts';
import { InvalidInputError, NotFoundError } from '../lib/errors.ts';
import { findCaseOfPerson } from '../persons/persons.repository.ts';
import { isId } from '../lib/ids.ts';
import type { ServiceContext } from '../services.ts';
import { requirePageReader, requirePageWriter } from '../web/guards.ts';
import { pageContext, queryOf, seeOther, sendPage } from '../web/page.ts';
import { fieldValues } from '../web/record-pages.tsx';
import type { PublicDocument } from './public-document.ts';
import { PublicDocumentPage, PublicDocumentStandalone, SaveDraftForm } from './public-document.views.tsx';
import { DOCUMENT_KINDS, type DocumentKindParam } from './reports.schemas.ts';
import { addresseeIdsOf, createDocumentIntervention, getPublicDocument, getWgeidReport } from './reports.service.ts';
import { wgeidDocx } from './wgeid.docx.ts';
import { WgeidPage, WgeidStandalone } from './wgeid.views.tsx';
import type { WgeidCommunication } from './wgeid.ts';

/** The standalone WGEID document, as a file to keep or send (also `GET /api/v1/…/reports/wgeid?format=html`). */
export function wgeidDocumentHtml(communication: WgeidCommunication): string {
  return `<!doctype html>\n${renderToString(h(WgeidStandalone, { communication }))}`;
}

const fileStem = (caseNumber: string) => caseNumber.replace(/[^A-Za-z0-9-]/g, '');

export function wgeidFileName(communication: WgeidCommunication, extension: 'html' | 'docx'): string {
  return `wgeid-${fileStem(communication.case_number)}.${extension}`;
}

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

function sendFile(reply: FastifyReply, type: string, fileName: string, body: string | Buffer): FastifyReply {
  return reply.type(type).header('cache-control', 'no-store').header('content-disposition', `attachment; filename="${fileName}"`).send(body);
}

/** Sends the communication as a file to keep or send: the HTML document or the Word one. */
export async function sendWgeidFile(reply: FastifyReply, communication: WgeidCommunication, format: 'html' | 'docx'): Promise<FastifyReply> {
  if (format === 'docx') return sendFile(reply, DOCX, wgeidFileName(communication, format), await wgeidDocx(communication));
  return sendFile(reply, 'text/html; charset=utf-8', wgeidFileName(communication, format), wgeidDocumentHtml(communication));
}

/** An urgent action or a brief as one self-contained HTML file. */
export function sendPublicDocumentFile(reply: FastifyReply, doc: PublicDocument): FastifyReply {
  const html = `<!doctype html>\n${renderToString(h(PublicDocumentStandalone, { doc }))}`;
  return sendFile(reply, 'text/html; charset=utf-8', `${doc.kind.replace('_', '-')}-${fileStem(doc.case_number)}.html`, html);
}

/** Whether the reader may change the case (the fill-in links, the save button). */
async function mayWrite(ctx: ServiceContext, principal: Principal, canWriteRole: boolean, personId: string): Promise<boolean> {
  const found = await findCaseOfPerson(ctx.db, personId);
  return canWriteRole && found !== null && (await caseAccess(ctx, principal, found.case_id)).write;
}

/**
 * `/persons/{id}/reports/wgeid`, `…/urgent_action` and `…/brief`: the documents to review, print or
 * download (`?format=html`, `docx` for WGEID); `POST …/{kind}/interventions` saves one as a draft
 * intervention and goes to it.
 */
export function reportPages(app: FastifyInstance, ctx: ServiceContext): void {
  app.get<{ Params: { id: string } }>('/persons/:id/reports/wgeid', { preHandler: requirePageReader }, async (request, reply) => {
    if (!isId(request.params.id)) throw new NotFoundError('person');
    const communication = await getWgeidReport(ctx, request.principal!, request.params.id);
    const format = queryOf(request).format;
    if (format === 'html' || format === 'docx') return sendWgeidFile(reply, communication, format);
    const page = pageContext(request, reply);
    const personName = communication.elements.a.value?.name ?? communication.case_number;
    // The links to fill what is missing are for those who may write this case (a viewer member may not).
    const canWrite = await mayWrite(ctx, request.principal!, page.canWrite, communication.person_id);
    const saveForm = canWrite ? SaveDraftForm({ personId: communication.person_id, kind: 'wgeid', to: [], i18n: page.i18n }) : null;
    return sendPage(reply, 200, WgeidPage({ page, communication, personName, canWrite, saveForm }));
  });

  for (const kind of ['urgent_action', 'brief'] as const) {
    app.get<{ Params: { id: string } }>(`/persons/:id/reports/${kind}`, { preHandler: requirePageReader }, async (request, reply) => {
      if (!isId(request.params.id)) throw new NotFoundError('person');
      const query = queryOf(request);
      const chosen = (addresseeIdsOf(query.to) ?? []).filter(isId).slice(0, 20);
      const doc = await getPublicDocument(ctx, request.principal!, request.params.id, kind, chosen.length ? chosen : undefined);
      if (query.format === 'html') return sendPublicDocumentFile(reply, doc);
      const page = pageContext(request, reply);
      const [entries, canWrite] = await Promise.all([listDirectoryChoices(ctx), mayWrite(ctx, request.principal!, page.canWrite, doc.person_id)]);
      return sendPage(reply, 200, PublicDocumentPage({ page, doc, caseNumber: doc.case_number, entries, chosen, canWrite }));
    });
  }

  app.post<{ Params: { id: string; kind: string } }>('/persons/:id/reports/:kind/interventions', { preHandler: requirePageWriter }, async (request, reply) => {
    const { id, kind } = request.params;
    if (!isId(id) || !(DOCUMENT_KINDS as readonly string[]).includes(kind)) throw new NotFoundError('person');
    const to = fieldValues(request.body, 'to');
    if (to.some((value) => !isId(value)) || to.length > 20) throw new InvalidInputError('to must name directory entries', { to: 'names no directory entry' });
    const intervention = await createDocumentIntervention(ctx, request.principal!, id, kind as DocumentKindParam, to.length ? [...new Set(to)] : undefined);
    return seeOther(reply, `/interventions/${intervention.id}/edit`);
  });
}
