import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { caseAccess, listCaseMembers, requireCaseWrite } from '../access/access.service.ts';
import type { Principal } from '../auth/roles.ts';
import { validate } from '../http/validation.ts';
import { InvalidInputError, NotFoundError, StateConflictError } from '../lib/errors.ts';
import { VetoBody, type VetoInput } from '../notify/dossier.schemas.ts';
import { getRelease, vetoRelease } from '../notify/dossier.service.ts';
import { listAlertNotices } from '../notify/notify.service.ts';
import { getPersonSummary } from '../persons/persons.service.ts';
import type { Person } from '../persons/persons.types.ts';
import type { ServiceContext } from '../services.ts';
import type { FieldErrors } from '../web/components.tsx';
import { localiseFieldErrors, trimSpaces } from '../web/forms.ts';
import { requirePageReader, requirePageWriter } from '../web/guards.ts';
import { field, pageContext, queryOf, seeOther, sendPage, withQuery } from '../web/page.ts';
import { lookUp, withRecord } from '../web/record-pages.tsx';
import { ResolveAlertBody, type ResolveAlertInput } from './alerts.schemas.ts';
import { acknowledgeAlert, alertHistory, getAlert, listAlerts, resolveAlert } from './alerts.service.ts';
import { ALERT_STATES, type Alert } from './alerts.types.ts';
import { AlertListView, AlertView, EMPTY_RESOLVE_FORM, ResolveConfirmView, type ResolveFormValues } from './alerts.views.tsx';
import { getWatchSummary } from './watches.service.ts';
import type { Watch } from './watches.types.ts';

const PAGE_SIZE = 50;

/** The people and watches a list of alerts names (and `morePeople`, for a page that shows others too), each read as its reader may. */
export async function alertContext(
  ctx: ServiceContext,
  principal: Principal,
  alerts: Alert[],
  options: { knownWatches?: ReadonlyMap<string, Watch>; morePeople?: string[] } = {},
): Promise<{ people: Map<string, Person>; watches: Map<string, Watch> }> {
  const known = options.knownWatches ?? new Map<string, Watch>();
  const watchIds = alerts.flatMap((alert) => (alert.watch_id && !known.has(alert.watch_id) ? [alert.watch_id] : []));
  const [people, watches] = await Promise.all([
    lookUp([...alerts.map((alert) => alert.person_id), ...(options.morePeople ?? [])], (id) => getPersonSummary(ctx, principal, id)),
    lookUp(watchIds, (id) => getWatchSummary(ctx, principal, id)),
  ]);
  for (const [id, watch] of known) watches.set(id, watch);
  return { people, watches };
}

/** Members' names by the actor their changes are recorded under. */
export async function actorNames(ctx: ServiceContext, principal: Principal, caseId: string): Promise<Map<string, string>> {
  const members = await listCaseMembers(ctx, principal, caseId);
  return new Map(members.map((member) => [`user:${member.user_id}`, member.display_name ?? member.email]));
}

async function renderAlertPage(
  ctx: ServiceContext,
  request: FastifyRequest,
  reply: FastifyReply,
  id: string,
  extras: { status?: number; resolve?: { values: ResolveFormValues; errors: FieldErrors }; problem?: string } = {},
): Promise<FastifyReply> {
  const principal = request.principal!;
  const page = pageContext(request, reply);
  const alert = await getAlert(ctx, principal, id);
  const [{ people, watches }, history, access, names, notices, release] = await Promise.all([
    alertContext(ctx, principal, [alert]),
    alertHistory(ctx, principal, id),
    caseAccess(ctx, principal, alert.case_id),
    actorNames(ctx, principal, alert.case_id),
    listAlertNotices(ctx, principal, id),
    getRelease(ctx, principal, id).catch((error: unknown) => {
      if (error instanceof NotFoundError) return null;
      throw error;
    }),
  ]);
  const saved = queryOf(request).saved;
  return sendPage(
    reply,
    extras.status ?? 200,
    AlertView({
      page,
      alert,
      people,
      watch: alert.watch_id ? (watches.get(alert.watch_id) ?? null) : null,
      history,
      actorNames: names,
      canWrite: page.canWrite && access.write,
      resolve: extras.resolve ?? { values: { ...EMPTY_RESOLVE_FORM }, errors: {} },
      flash: extras.resolve || extras.problem ? null : saved === 'acknowledged' || saved === 'resolved' || saved === 'vetoed' ? saved : null,
      problem: extras.problem ?? null,
      notices,
      release,
      canVeto: page.canWrite && access.coordinator && access.write,
    }),
  );
}

/** The alert has moved on since the page was loaded: say who has it now, on the page as it is. */
function stateProblem(request: FastifyRequest, reply: FastifyReply, error: StateConflictError): string {
  const { i18n } = pageContext(request, reply);
  return i18n.t('alert.error.state', { state: i18n.label('record_state', error.state) });
}

function cursorParam(value: unknown): string | undefined {
  return typeof value === 'string' && /^[A-Za-z0-9_-]{1,2000}$/.test(value) ? value : undefined;
}

/** The alert pages: the list, one alert with its history, acknowledging and resolving it. */
export function alertPages(app: FastifyInstance, ctx: ServiceContext): void {
  app.get('/alerts', { preHandler: requirePageReader }, async (request, reply) => {
    const principal = request.principal!;
    const query = queryOf(request);
    const stateText = typeof query.state === 'string' ? query.state : '';
    const state = (ALERT_STATES as readonly string[]).includes(stateText) ? (stateText as Alert['state']) : undefined;
    const cursor = cursorParam(query.cursor);
    let invalidFilter = Boolean(stateText && !state) || (query.cursor !== undefined && !cursor);
    let result: { items: Alert[]; next_cursor: string | null };
    try {
      result = await listAlerts(ctx, principal, { state, cursor, limit: PAGE_SIZE });
    } catch (error) {
      if (!(error instanceof InvalidInputError)) throw error;
      invalidFilter = true;
      result = await listAlerts(ctx, principal, { state, limit: PAGE_SIZE });
    }
    const { people, watches } = await alertContext(ctx, principal, result.items);
    return sendPage(
      reply,
      200,
      AlertListView({
        page: pageContext(request, reply),
        alerts: result.items,
        people,
        watches,
        state: state ?? stateText.slice(0, 40),
        invalidFilter,
        nextHref: result.next_cursor ? withQuery('/alerts', { state, cursor: result.next_cursor }) : null,
        firstHref: cursor ? withQuery('/alerts', { state }) : null,
      }),
    );
  });

  app.get<{ Params: { id: string } }>('/alerts/:id', { preHandler: requirePageReader }, async (request, reply) =>
    withRecord(request, reply, (id) => renderAlertPage(ctx, request, reply, id)),
  );

  app.post<{ Params: { id: string } }>('/alerts/:id/ack', { preHandler: requirePageWriter }, async (request, reply) =>
    withRecord(request, reply, async (id) => {
      try {
        await acknowledgeAlert(ctx, request.principal!, id);
        return seeOther(reply, `/alerts/${id}?saved=acknowledged`);
      } catch (error) {
        if (!(error instanceof StateConflictError)) throw error;
        return renderAlertPage(ctx, request, reply, id, { status: 409, problem: stateProblem(request, reply, error) });
      }
    }),
  );

  app.post<{ Params: { id: string } }>('/alerts/:id/resolve', { preHandler: requirePageWriter }, async (request, reply) =>
    withRecord(request, reply, async (id) => {
      const page = pageContext(request, reply);
      const values: ResolveFormValues = { outcome: field(request.body, 'outcome'), note: field(request.body, 'note') };
      let input: ResolveAlertInput;
      try {
        const note = trimSpaces(values.note);
        input = validate(ResolveAlertBody, { outcome: values.outcome || undefined, note: note === '' ? null : note }) as ResolveAlertInput;
      } catch (error) {
        if (!(error instanceof InvalidInputError)) throw error;
        return renderAlertPage(ctx, request, reply, id, { status: 400, resolve: { values, errors: localiseFieldErrors(error.fields, page.i18n) } });
      }
      const writesStatus = input.outcome === 'detained' || input.outcome === 'disappeared';
      try {
        if (writesStatus && field(request.body, 'confirm') !== 'yes') {
          // Nothing is written yet: the page says what will be, and asks once more.
          const alert = await getAlert(ctx, request.principal!, id);
          await requireCaseWrite(ctx, request.principal!, alert.case_id, 'alert');
          if (alert.state === 'resolved') throw new StateConflictError('this alert is resolved', alert.state);
          const { people } = await alertContext(ctx, request.principal!, [alert]);
          return sendPage(reply, 200, ResolveConfirmView({ page, alert, people, values, date: ctx.clock.now().toISOString().slice(0, 10) }));
        }
        await resolveAlert(ctx, request.principal!, id, input);
        return seeOther(reply, `/alerts/${id}?saved=resolved`);
      } catch (error) {
        if (!(error instanceof StateConflictError)) throw error;
        return renderAlertPage(ctx, request, reply, id, { status: 409, problem: stateProblem(request, reply, error) });
      }
    }),
  );

  app.post<{ Params: { id: string } }>('/alerts/:id/dossier/veto', { preHandler: requirePageWriter }, async (request, reply) =>
    withRecord(request, reply, async (id) => {
      const page = pageContext(request, reply);
      let input: VetoInput;
      try {
        input = validate(VetoBody, { reason: trimSpaces(field(request.body, 'reason')) }) as VetoInput;
      } catch (error) {
        if (!(error instanceof InvalidInputError)) throw error;
        return renderAlertPage(ctx, request, reply, id, { status: 400, problem: page.i18n.t('alert.dossier_veto_reason_needed') });
      }
      try {
        await vetoRelease(ctx, request.principal!, id, input.reason);
        return seeOther(reply, `/alerts/${id}?saved=vetoed`);
      } catch (error) {
        if (!(error instanceof StateConflictError)) throw error;
        return renderAlertPage(ctx, request, reply, id, { status: 409, problem: error.message });
      }
    }),
  );
}
