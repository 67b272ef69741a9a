import { asReadBy, requireCaseCoordinator, requireCaseRead } from '../access/access.service.ts';
import { systemPrincipal, type Principal } from '../auth/roles.ts';
import { getEvent } from '../events/events.service.ts';
import { InvalidInputError, NotFoundError, StaleVersionError, StateConflictError, UnprocessableError } from '../lib/errors.ts';
import { newId } from '../lib/ids.ts';
import { findCaseOfPerson } from '../persons/persons.repository.ts';
import { getPerson } from '../persons/persons.service.ts';
import { recordChange } from '../records/changes.ts';
import { diffChanges } from '../records/versioning.ts';
import type { ServiceContext } from '../services.ts';
import { findAlertById } from '../watch/alerts.repository.ts';
import { parseDuration } from '../watch/deadlines.ts';
import { findWatchById } from '../watch/watches.repository.ts';
import type { NotifyTarget } from '../watch/watches.types.ts';
import type { DossierInput } from './dossier.schemas.ts';
import {
  countVetoes,
  findAlertsToSchedule,
  hasScheduledRelease,
  lockRelease,
  findDossier,
  findReleaseOfAlert,
  insertReleaseOnce,
  insertVeto,
  listVetoes,
  lockDueReleases,
  saveDossier,
  settleRelease,
  type Dossier,
  type DossierRelease,
} from './dossier.repository.ts';
import { dossierContent, type DossierRecord } from './messages.ts';
import { insertNotifications } from './notifications.repository.ts';
import { newNotices } from './notify.service.ts';

/** Vetoes by this many different coordinators stop a release. */
export const VETOES_NEEDED = 2;
const RELEASE_ACTOR = 'system:dossier';
const BATCH = 100;

function normaliseTargets(targets: DossierInput['recipients']): NotifyTarget[] {
  return targets.map((target): NotifyTarget => ('email' in target ? { email: target.email.trim().toLowerCase() } : { webhook: target.webhook, secret: target.secret }));
}

/** Each record must be a live person or event of this very case. */
async function checkRecords(ctx: ServiceContext, caseId: string, records: string[]): Promise<void> {
  for (const [index, id] of records.entries()) {
    const person = await findCaseOfPerson(ctx.db, id);
    if (person && !person.retracted && person.case_id === caseId) continue;
    const event = await getEvent(ctx, systemPrincipal('dossier'), id).catch(() => null);
    if (event && !event.retracted_at && event.person_id === caseId) continue;
    throw new UnprocessableError(`records.${index} names no person or event of this case`, { [`records.${index}`]: 'names no person or event of this case' });
  }
}

/**
 * Sets the watch's pre-authorised dossier (coordinators only: it speaks for the organisation). A
 * change needs the version it was made on; the statement and recipients stay sealed and out of history.
 */
export async function setDossier(ctx: ServiceContext, principal: Principal, watchId: string, input: DossierInput): Promise<Dossier> {
  const watch = await findWatchById(ctx.db, ctx.cipher, watchId);
  if (!watch) throw new NotFoundError('watch');
  await requireCaseCoordinator(ctx, principal, watch.case_id, 'watch');
  const delay = parseDuration(input.release_after);
  if (!delay.ok) throw new InvalidInputError(`release_after ${delay.problem}`, { release_after: delay.problem });
  const statement = input.statement.trim();
  if (!statement) throw new InvalidInputError('statement is empty', { statement: 'is empty' });
  await checkRecords(ctx, watch.case_id, input.records);
  const current = await findDossier(ctx.db, ctx.cipher, watchId);
  if (current && input.version !== current.version) throw new StaleVersionError(current.version, input.version ?? 0);
  // What goes out is what was authorised: one coordinator cannot rewrite it while the others may veto.
  if (await hasScheduledRelease(ctx.db, watchId)) throw new StateConflictError('a release of this dossier is scheduled; it cannot change until that release is settled', 'scheduled');
  const at = ctx.clock.now().toISOString();
  const dossier: Dossier = {
    watch_id: watchId,
    case_id: watch.case_id,
    statement,
    recipients: normaliseTargets(input.recipients),
    records: input.records,
    release_after: input.release_after,
    release_after_seconds: delay.seconds,
    version: (current?.version ?? 0) + 1,
    created_at: current?.created_at ?? at,
    updated_at: at,
  };
  await ctx.db.transaction().execute(async (trx) => {
    if (!(await saveDossier(trx, ctx.cipher, dossier, current?.version ?? null))) throw new StaleVersionError(current?.version ?? 0, input.version ?? 0);
    await recordChange(ctx, trx, {
      case_id: watch.case_id,
      entity: 'dossier',
      entity_id: watchId,
      version: dossier.version,
      action: current ? 'update' : 'create',
      actor: principal.actor,
      at,
      changes: diffChanges(
        current ? { statement: true, recipients: true, records: current.records, release_after: current.release_after } : null,
        { statement: true, recipients: true, records: dossier.records, release_after: dossier.release_after },
        ['statement', 'recipients'],
      ),
      reason: null,
    });
  });
  return dossier;
}

export async function getDossier(ctx: ServiceContext, principal: Principal, watchId: string): Promise<Dossier & { secrets_hidden?: true }> {
  const dossier = await findDossier(ctx.db, ctx.cipher, watchId);
  if (!dossier) throw new NotFoundError('dossier');
  const access = await requireCaseRead(ctx, principal, dossier.case_id, 'watch');
  const record = { ...dossier, id: watchId };
  return asReadBy(ctx, principal, record, access, {
    entity: 'dossier',
    caseId: dossier.case_id,
    secretFields: ['statement', 'recipients'],
    hide: (shown) => ({ ...shown, statement: '', recipients: [], secrets_hidden: true as const }),
  });
}

/** The chosen records as they read now: names in every script, birth, current status; an event's title, date and place. */
async function recordLines(ctx: ServiceContext, ids: string[]): Promise<DossierRecord[]> {
  const reader = systemPrincipal('dossier');
  const records: DossierRecord[] = [];
  for (const id of ids) {
    const person = await getPerson(ctx, reader, id).catch(() => null);
    if (person && !person.retracted_at) {
      const status = person.current_status ? `${person.current_status.status} since ${person.current_status.date}` : 'no status on record';
      records.push({ kind: 'person', lines: [`${person.case_number}: ${person.names.map((name) => name.text).join(' / ')}`, ...(person.birth ? [`Born: ${person.birth}`] : []), `Status: ${status}`] });
      continue;
    }
    const event = await getEvent(ctx, reader, id).catch(() => null);
    if (event && !event.retracted_at) records.push({ kind: 'event', lines: [`${event.date ?? 'date unknown'}: ${event.title}`, ...(event.place ? [`Place: ${event.place}`] : [])] });
  }
  return records;
}

async function releaseOne(ctx: ServiceContext, release: DossierRelease): Promise<boolean> {
  const dossier = await findDossier(ctx.db, ctx.cipher, release.watch_id);
  const alert = await findAlertById(ctx.db, ctx.cipher, release.alert_id);
  const context = alert ? await findCaseOfPerson(ctx.db, alert.person_id) : null;
  const at = ctx.clock.now().toISOString();
  if (!dossier || !alert || !context) return ctx.db.transaction().execute((trx) => settleRelease(trx, ctx.cipher, release.id, 'cancelled', at));
  const person = await getPerson(ctx, systemPrincipal('dossier'), alert.person_id);
  const content = dossierContent({ caseNumber: person.case_number, drill: release.drill, statement: dossier.statement, records: release.drill ? [] : await recordLines(ctx, dossier.records), idempotencyPrefix: release.alert_id });
  return ctx.db.transaction().execute(async (trx) => {
    await lockRelease(trx, ctx.dialect, release.id);
    if (!(await settleRelease(trx, ctx.cipher, release.id, 'released', at, { content, vetoesNeeded: VETOES_NEEDED }))) return false;
    const vetoes = await countVetoes(trx, release.id);
    await insertNotifications(trx, ctx.cipher, newNotices({ alertId: alert.id, caseId: alert.case_id, purpose: 'dossier', tier: 0, targets: dossier.recipients, tiers: 0, drill: release.drill, at }));
    await recordChange(ctx, trx, {
      case_id: alert.case_id,
      entity: 'dossier_release',
      entity_id: release.id,
      // After its scheduling (1) and each veto.
      version: 2 + vetoes,
      action: 'update',
      actor: RELEASE_ACTOR,
      at,
      changes: diffChanges({ state: 'scheduled' }, { state: 'released', alert_id: alert.id, recipients: dossier.recipients.length, records: dossier.records, drill: release.drill }),
      reason: null,
    });
    return true;
  });
}

/**
 * The worker's dossier step: schedule a release for each alert in play on a watch with a dossier
 * (opening time plus the delay), and release those whose time came without two vetoes. The notices
 * then go out through the same recorded, leased, retried delivery as the tiers.
 */
export async function runDossierStep(ctx: ServiceContext): Promise<number> {
  const at = ctx.clock.now().toISOString();
  for (const alert of await findAlertsToSchedule(ctx.db, BATCH)) {
    // The delay from the alert's opening; and never less than a veto window from now (a worker that was
    // down, a dossier set after the alert), so the coordinators always get their chance to stop it.
    const window = Math.min(alert.release_after_seconds, 3600) * 1000;
    const releaseAt = new Date(Math.max(Date.parse(alert.opened_at) + alert.release_after_seconds * 1000, Date.parse(at) + window)).toISOString();
    const id = newId();
    await ctx.db.transaction().execute(async (trx) => {
      if (!(await insertReleaseOnce(trx, { id, alert_id: alert.alert_id, watch_id: alert.watch_id, case_id: alert.case_id, release_at: releaseAt, state: 'scheduled', drill: alert.kind === 'drill', released_at: null, at }))) return;
      await recordChange(ctx, trx, { case_id: alert.case_id, entity: 'dossier_release', entity_id: id, version: 1, action: 'create', actor: RELEASE_ACTOR, at, changes: diffChanges(null, { alert_id: alert.alert_id, release_at: releaseAt, state: 'scheduled' }), reason: null });
    });
  }
  let released = 0;
  const due = await ctx.db.transaction().execute((trx) => lockDueReleases(trx, ctx.dialect, at, BATCH));
  for (const release of due) if (await releaseOne(ctx, release)) released++;
  return released;
}

export interface ReleaseView extends DossierRelease {
  vetoes: { user_id: string; at: string; reason: string | null }[];
  vetoes_needed: number;
}

async function releaseView(ctx: ServiceContext, release: DossierRelease, secrets: boolean): Promise<ReleaseView> {
  const vetoes = await listVetoes(ctx.db, ctx.cipher, release.id);
  return { ...release, vetoes: vetoes.map((veto) => ({ ...veto, reason: secrets ? veto.reason : null })), vetoes_needed: VETOES_NEEDED };
}

async function releaseOfAlert(ctx: ServiceContext, principal: Principal, alertId: string, coordinator: boolean) {
  const alert = await findAlertById(ctx.db, ctx.cipher, alertId);
  if (!alert) throw new NotFoundError('alert');
  const access = coordinator ? await requireCaseCoordinator(ctx, principal, alert.case_id, 'alert') : await requireCaseRead(ctx, principal, alert.case_id, 'alert');
  const release = await findReleaseOfAlert(ctx.db, alertId);
  if (!release) throw new NotFoundError('dossier release');
  return { alert, access, release };
}

export async function getRelease(ctx: ServiceContext, principal: Principal, alertId: string): Promise<ReleaseView> {
  const { access, release } = await releaseOfAlert(ctx, principal, alertId, false);
  return releaseView(ctx, release, access.secrets && principal.role !== 'viewer');
}

/**
 * A coordinator stops the release; it takes two different ones (a single captured or coerced
 * account cannot silence the dossier). A second veto by the same coordinator is a 409.
 */
export async function vetoRelease(ctx: ServiceContext, principal: Principal, alertId: string, reason: string): Promise<ReleaseView> {
  if (!reason.trim()) throw new InvalidInputError('reason is empty: say why the release should not go out', { reason: 'is empty' });
  const { alert, release } = await releaseOfAlert(ctx, principal, alertId, true);
  if (release.state !== 'scheduled') throw new StateConflictError(`this dossier is ${release.state}, so it cannot be vetoed`, release.state);
  const at = ctx.clock.now().toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    // Vetoes in parallel are counted one after another: each sees the other's.
    await lockRelease(trx, ctx.dialect, release.id);
    if (!(await insertVeto(trx, ctx.cipher, { release_id: release.id, user_id: principal.userId, at, reason: reason.trim() }))) throw new StateConflictError('you have vetoed this release already; it takes another coordinator', 'vetoed_by_you');
    const count = await countVetoes(trx, release.id);
    const stopped = count >= VETOES_NEEDED && (await settleRelease(trx, ctx.cipher, release.id, 'vetoed', at));
    if (count >= VETOES_NEEDED && !stopped) throw new StateConflictError('this dossier was released meanwhile', 'released');
    await recordChange(ctx, trx, {
      case_id: alert.case_id,
      entity: 'dossier_release',
      entity_id: release.id,
      version: 1 + count,
      action: 'update',
      actor: principal.actor,
      at,
      changes: diffChanges({ vetoes: count - 1, state: 'scheduled' }, { vetoes: count, state: stopped ? 'vetoed' : 'scheduled', reason: true }, ['reason']),
      reason: null,
    });
  });
  return getRelease(ctx, principal, alertId);
}
