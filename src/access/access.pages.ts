import type { FastifyInstance } from 'fastify';
import { findPersonIdByCaseNumber, formatCaseNumber } from '../persons/persons.repository.ts';
import { getPersonSummary } from '../persons/persons.service.ts';
import { ForbiddenError, InvalidInputError, NotFoundError, UnprocessableError } from '../lib/errors.ts';
import { isId } from '../lib/ids.ts';
import type { ServiceContext } from '../services.ts';
import { localiseFieldErrors, trimSpaces } from '../web/forms.ts';
import { requirePageReader, requirePageWriter } from '../web/guards.ts';
import { field, pageContext, queryOf, safeNext, seeOther, sendPage } from '../web/page.ts';
import {
  breakGlass,
  caseAccess,
  caseAuditTrail,
  caseRootExists,
  findActiveUserIdByEmail,
  listCaseMembers,
  markMyNoticesRead,
  removeCaseMember,
  requireCaseRead,
  setCaseMember,
} from './access.service.ts';
import { AccessView, BreakGlassView } from './access.views.tsx';

type Params = { Params: { id: string } };

/** The case's access page: members (managed by its coordinators) and, for them, its audit trail. */
export function accessPages(app: FastifyInstance, ctx: ServiceContext): void {
  const render = async (request: Parameters<typeof requirePageReader>[0], reply: Parameters<typeof requirePageReader>[1], id: string, extras: { status?: number; values?: { email: string; role: string }; errors?: Record<string, string> } = {}) => {
    if (!isId(id)) throw new NotFoundError('person');
    const principal = request.principal!;
    const person = await getPersonSummary(ctx, principal, id);
    if (person.case_id !== id) return seeOther(reply, `/persons/${person.case_id}/access`);
    const access = await requireCaseRead(ctx, principal, id, 'person');
    const cursor = queryOf(request).audit;
    const audit = access.coordinator ? await caseAuditTrail(ctx, principal, id, { cursor: typeof cursor === 'string' ? cursor : undefined, limit: 50 }) : null;
    const saved = queryOf(request).saved;
    return sendPage(
      reply,
      extras.status ?? 200,
      AccessView({
        page: pageContext(request, reply),
        caseId: id,
        caseNumber: person.case_number,
        access,
        members: await listCaseMembers(ctx, principal, id),
        audit,
        values: extras.values ?? { email: '', role: 'researcher' },
        errors: extras.errors ?? {},
        flash: saved === 'added' || saved === 'removed' ? saved : null,
      }),
    );
  };

  app.get<Params>('/persons/:id/access', { preHandler: requirePageReader }, async (request, reply) => render(request, reply, request.params.id));

  app.post<Params>('/persons/:id/access', { preHandler: requirePageWriter }, async (request, reply) => {
    const id = request.params.id;
    const values = { email: trimSpaces(field(request.body, 'email')), role: field(request.body, 'role') };
    const i18n = pageContext(request, reply).i18n;
    try {
      if (!isId(id)) throw new NotFoundError('person');
      const userId = values.email.length <= 320 ? await findActiveUserIdByEmail(ctx, values.email) : null;
      if (!userId) throw new UnprocessableError('no active user has this email', { email: 'names no active user' });
      await setCaseMember(ctx, request.principal!, id, { user_id: userId, role: values.role });
      return seeOther(reply, `/persons/${id}/access?saved=added`);
    } catch (error) {
      if (!(error instanceof InvalidInputError || error instanceof UnprocessableError)) throw error;
      const fields = (error.details?.fields as Record<string, string> | undefined) ?? { email: error.message };
      return render(request, reply, id, { status: error instanceof UnprocessableError ? 422 : 400, values, errors: localiseFieldErrors(fields, i18n) });
    }
  });

  app.post<Params>('/persons/:id/access/remove', { preHandler: requirePageWriter }, async (request, reply) => {
    const id = request.params.id;
    const userId = field(request.body, 'user_id');
    if (!isId(id) || !isId(userId)) throw new NotFoundError('member');
    await removeCaseMember(ctx, request.principal!, id, userId);
    return seeOther(reply, `/persons/${id}/access?saved=removed`);
  });

  app.post('/notices/read', { preHandler: requirePageReader }, async (request, reply) => {
    await markMyNoticesRead(ctx, request.principal!);
    // Back to the page the notices were read on (the dashboard or the list of persons).
    return seeOther(reply, safeNext(field(request.body, 'next')));
  });

  app.get('/break-glass', { preHandler: requirePageWriter }, async (request, reply) =>
    sendPage(reply, 200, BreakGlassView({ page: pageContext(request, reply), values: { case_number: '', reason: '' }, errors: {} })),
  );

  app.post('/break-glass', { preHandler: requirePageWriter }, async (request, reply) => {
    // Only admins break the glass; anyone else learns nothing about which case numbers exist.
    if (request.principal!.role !== 'admin') throw new ForbiddenError('only an admin can break the glass');
    const page = pageContext(request, reply);
    const values = { case_number: trimSpaces(field(request.body, 'case_number')), reason: field(request.body, 'reason') };
    const match = /^(?:VG)?[-\s]?0*(\d{1,9})$/i.exec(values.case_number);
    const id = match ? await findPersonIdByCaseNumber(ctx.db, formatCaseNumber(Number(match[1]))) : null;
    try {
      if (!id || !(await caseRootExists(ctx, id))) throw new UnprocessableError('no case has this number', { case_number: 'names no case' });
      if ((await caseAccess(ctx, request.principal!, id)).read) return seeOther(reply, `/persons/${id}`);
      await breakGlass(ctx, request.principal!, id, values.reason, (caseId) => caseRootExists(ctx, caseId));
      return seeOther(reply, `/persons/${id}`);
    } catch (error) {
      if (!(error instanceof InvalidInputError || error instanceof UnprocessableError)) throw error;
      const fields = (error.details?.fields as Record<string, string> | undefined) ?? { reason: error.message };
      return sendPage(reply, error instanceof UnprocessableError ? 422 : 400, BreakGlassView({ page, values, errors: localiseFieldErrors(fields, page.i18n) }));
    }
  });
}
