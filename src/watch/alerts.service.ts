import type { Kysely } from 'kysely';
import { caseScope, requireCaseCoordinator, requireCaseRead, requireCaseWrite } from '../access/access.service.ts';
import type { Principal } from '../auth/roles.ts';
import { NotFoundError, RetractedRecordError, StateConflictError, UnprocessableError } from '../lib/errors.ts';
import { cancelScheduledRelease } from '../notify/dossier.repository.ts';
import { cancelPendingNotifications } from '../notify/notifications.repository.ts';
import { newId } from '../lib/ids.ts';
import { recordChange } from '../records/changes.ts';
import { listRevisionsForEntity, type Revision } from '../records/revisions.repository.ts';
import { decodeKeyCursor, pageOf } from '../records/list-cursor.ts';
import { diffChanges } from '../records/versioning.ts';
import type { Database } from '../db/schema.ts';
import type { ServiceContext } from '../services.ts';
import { prepareAppealDraft } from '../reports/reports.service.ts';
import { assertWritablePerson, writeStatusEntry } from '../timeline/statuses.service.ts';
import {
  alertSortKey,
  findAlertById,
  findMissedDeadlines,
  findUnalertedDuress,
  insertAlertOnce,
  listAlertRows,
  markAcknowledged,
  markResolved,
  type NewAlert,
} from './alerts.repository.ts';
import type { ListAlertsQuery, ResolveAlertInput } from './alerts.schemas.ts';
import { setOpeningNote } from './channels.repository.ts';
import type { Alert } from './alerts.types.ts';
import { findWatchById } from './watches.repository.ts';

/** Who opens alerts in revisions and the audit trail. */
export const WORKER_ACTOR = 'system:worker';

/** Alerts opened per batch; a sweep takes batches until none is left. */
const SWEEP_BATCH = 200;

export interface SweepResult {
  missed: number;
  duress: number;
}

/**
 * Inside `trx`: the alert, its revision and its audit entry, or nothing if the alert exists already
 * (another worker, an earlier run, a second SOS for the same record). `extra` joins the revision.
 */
async function insertAlertWithRevision(ctx: ServiceContext, trx: Kysely<Database>, alert: NewAlert, actor: string, extra: Record<string, unknown> = {}): Promise<boolean> {
  if (!(await insertAlertOnce(trx, alert))) return false;
  await recordChange(ctx, trx, {
    case_id: alert.case_id,
    entity: 'alert',
    entity_id: alert.id,
    version: 1,
    action: 'create',
    actor,
    at: alert.at,
    changes: diffChanges(null, {
      kind: alert.kind,
      person_id: alert.person_id,
      watch_id: alert.watch_id,
      deadline_at: alert.deadline_at,
      checkin_id: alert.checkin_id,
      state: 'open',
      ...extra,
    }),
    reason: null,
  });
  return true;
}

/** One alert in its own transaction (see insertAlertWithRevision). */
async function openAlert(ctx: ServiceContext, alert: Omit<NewAlert, 'id' | 'at'>, actor = WORKER_ACTOR, id = newId()): Promise<boolean> {
  const at = ctx.clock.now().toISOString();
  return ctx.db.transaction().execute((trx) => insertAlertWithRevision(ctx, trx, { ...alert, id, at }, actor));
}

/**
 * An SOS alert, opened at once inside the caller's transaction (beside the SOS's own record), not by
 * the sweep; its revision and audit entry name who raised it. Its `checkin_id` is the SOS record, so
 * the unique constraint opens at most one per SOS. The new alert's id, or null if it existed.
 */
export async function openSosAlert(
  ctx: ServiceContext,
  trx: Kysely<Database>,
  alert: { case_id: string; watch_id: string; person_id: string; checkin_id: string; note: string | null },
  actor: string,
): Promise<string | null> {
  const id = newId();
  const at = ctx.clock.now().toISOString();
  const { note, ...opened } = alert;
  if (!(await insertAlertWithRevision(ctx, trx, { ...opened, kind: 'sos', deadline_at: null, id, at }, actor, { tier: 1, note }))) return null;
  // What the reporter said comes with the alert, until a resolution note takes its place.
  if (note) await setOpeningNote(trx, ctx.cipher, id, note);
  return id;
}

/**
 * The worker's step: a `missed` alert for every active watch whose deadline has passed (one per
 * deadline), a `duress` alert for every duress check-in (one per check-in). Everything it decides
 * on is in the database, so it is safe to run again, after a crash, or in several processes at once.
 */
export async function runDeadlineSweep(ctx: ServiceContext): Promise<SweepResult> {
  const result: SweepResult = { missed: 0, duress: 0 };
  for (;;) {
    const due = await findMissedDeadlines(ctx.db, ctx.clock.now().toISOString(), SWEEP_BATCH);
    for (const watch of due) {
      if (await openAlert(ctx, { case_id: watch.case_id, watch_id: watch.watch_id, person_id: watch.person_id, kind: 'missed', deadline_at: watch.deadline_at, checkin_id: null })) result.missed++;
    }
    if (due.length < SWEEP_BATCH) break;
  }
  for (;;) {
    const duress = await findUnalertedDuress(ctx.db, SWEEP_BATCH);
    for (const checkin of duress) {
      if (await openAlert(ctx, { case_id: checkin.case_id, watch_id: checkin.watch_id, person_id: checkin.person_id, kind: 'duress', deadline_at: null, checkin_id: checkin.checkin_id })) result.duress++;
    }
    if (duress.length < SWEEP_BATCH) break;
  }
  return result;
}

/**
 * A drill: an alert of kind `drill` for the watch's person, escalated through the real plan to the
 * real recipients, and marked as a drill in every notice and record. Coordinators only: it wakes people.
 */
export async function startDrill(ctx: ServiceContext, principal: Principal, watchId: string): Promise<Alert> {
  const watch = await findWatchById(ctx.db, ctx.cipher, watchId);
  if (!watch) throw new NotFoundError('watch');
  await requireCaseCoordinator(ctx, principal, watch.case_id, 'watch');
  if (watch.retracted_at) throw new RetractedRecordError('this watch');
  const id = newId();
  await openAlert(ctx, { case_id: watch.case_id, watch_id: watch.id, person_id: watch.person_id, kind: 'drill', deadline_at: null, checkin_id: null }, principal.actor, id);
  return loadAlert(ctx, id);
}

async function loadAlert(ctx: ServiceContext, id: string): Promise<Alert> {
  const alert = await findAlertById(ctx.db, ctx.cipher, id);
  if (!alert) throw new NotFoundError('alert');
  return alert;
}

export async function getAlert(ctx: ServiceContext, principal: Principal, id: string): Promise<Alert> {
  const alert = await loadAlert(ctx, id);
  await requireCaseRead(ctx, principal, alert.case_id, 'alert');
  return alert;
}

/** What happened to an alert (opened, acknowledged, resolved), newest first; for readers of its case. */
export async function alertHistory(ctx: ServiceContext, principal: Principal, id: string): Promise<Revision[]> {
  const alert = await getAlert(ctx, principal, id);
  return (await listRevisionsForEntity(ctx.db, ctx.cipher, 'alert', alert.id)).reverse();
}

/** Alerts of the cases the principal may read: open ones first, then acknowledged, then resolved; newest first within each. */
export async function listAlerts(ctx: ServiceContext, principal: Principal, query: ListAlertsQuery): Promise<{ items: Alert[]; next_cursor: string | null }> {
  const limit = query.limit ?? 50;
  const keys = decodeKeyCursor(query.cursor, 3);
  const rows = await listAlertRows(ctx.db, ctx.cipher, {
    state: query.state,
    personId: query.person_id,
    after: keys ? [keys[0]!, keys[1]!, keys[2]!] : undefined,
    limit,
    scope: caseScope(ctx, principal),
  });
  return pageOf(rows, limit, alertSortKey);
}

function notInState(alert: Alert, wanted: string): StateConflictError {
  return new StateConflictError(`this alert is ${alert.state}, so it cannot be ${wanted}`, alert.state);
}

/**
 * Someone has taken the alert in hand (it stops further tiers once escalation runs). Only an open
 * alert can be acknowledged: a second acknowledgement is a 409 that names the state, so a second
 * duty officer learns that someone else already took it.
 */
export async function acknowledgeAlert(ctx: ServiceContext, principal: Principal, id: string): Promise<Alert> {
  const alert = await loadAlert(ctx, id);
  await requireCaseWrite(ctx, principal, alert.case_id, 'alert');
  if (alert.state !== 'open') throw notInState(alert, 'acknowledged');
  const at = ctx.clock.now().toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    if (!(await markAcknowledged(trx, id, principal.actor, at))) throw notInState((await findAlertById(trx, ctx.cipher, id)) ?? alert, 'acknowledged');
    await recordChange(ctx, trx, {
      case_id: alert.case_id,
      entity: 'alert',
      entity_id: id,
      version: alert.version + 1,
      action: 'update',
      actor: principal.actor,
      at,
      changes: diffChanges({ state: alert.state }, { state: 'acknowledged' }),
      reason: null,
    });
  });
  return loadAlert(ctx, id);
}

/** Today's date in UTC, as EDTF: the day the outcome became known. */
function todayEdtf(now: Date): string {
  return now.toISOString().slice(0, 10);
}

/** The note of the timeline entry a resolution writes: the resolver's note, else what the alert was. */
function statusNote(alert: Alert, note: string | null): string {
  return note ?? `Recorded on resolving a ${alert.kind} alert opened ${alert.opened_at}.`;
}

/**
 * A human says what happened. Detained or disappeared also writes that status entry on the
 * person's timeline, in the same transaction: both, or neither. Contact restored writes no entry
 * (the check-in or contact report that restored it moved the watch already).
 */
export async function resolveAlert(ctx: ServiceContext, principal: Principal, id: string, input: ResolveAlertInput): Promise<Alert & { appeal_draft_id: string | null }> {
  const alert = await loadAlert(ctx, id);
  await requireCaseWrite(ctx, principal, alert.case_id, 'alert');
  if (alert.state === 'resolved') throw notInState(alert, 'resolved again');
  if (alert.kind === 'drill' && input.outcome !== 'contact_restored') {
    throw new UnprocessableError('a drill is resolved as contact restored: it writes nothing on the timeline', { outcome: 'a drill only ends with contact_restored' });
  }
  const note = input.note?.trim() || null;
  const status = input.outcome === 'detained' || input.outcome === 'disappeared' ? input.outcome : null;
  const writesStatus = status !== null;
  // Checked before the transaction, as addStatusEntry does: the person must still be open for changes.
  const caseId = writesStatus ? await assertWritablePerson(ctx, principal, alert.person_id) : alert.case_id;
  const now = ctx.clock.now();
  const at = now.toISOString();
  const appealDraftId = await ctx.db.transaction().execute(async (trx) => {
    if (!(await markResolved(trx, ctx.cipher, id, alert.version, { by: principal.actor, at, outcome: input.outcome, note }))) {
      throw notInState((await findAlertById(trx, ctx.cipher, id)) ?? alert, 'resolved now');
    }
    // Nobody needs to be called any more; a notice already on its way still arrives.
    await cancelPendingNotifications(trx, id, at);
    // Contact is back: the dossier stays unreleased. After a detention or disappearance it goes out as planned.
    if (input.outcome === 'contact_restored') await cancelScheduledRelease(trx, id, at);
    let statusEntryId: string | null = null;
    if (status) {
      statusEntryId = await writeStatusEntry(ctx, trx, principal, { personId: alert.person_id, caseId }, { status, date: todayEdtf(now), note: statusNote(alert, note) });
    }
    // Issue 4: a disappearance gets a WGEID appeal draft from the case file (a drill gets none).
    const draftId = status === 'disappeared' ? await prepareAppealDraft(ctx, trx, principal, alert) : null;
    await recordChange(ctx, trx, {
      case_id: alert.case_id,
      entity: 'alert',
      entity_id: id,
      version: alert.version + 1,
      action: 'update',
      actor: principal.actor,
      at,
      changes: diffChanges({ state: alert.state, outcome: null, note: alert.note, status_entry_id: null }, { state: 'resolved', outcome: input.outcome, note, status_entry_id: statusEntryId, appeal_draft_id: draftId }),
      reason: null,
    });
    return draftId;
  });
  return { ...(await loadAlert(ctx, id)), appeal_draft_id: appealDraftId };
}
