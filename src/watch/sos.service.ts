import type { Kysely } from 'kysely';
import { requireCaseWrite } from '../access/access.service.ts';
import type { Principal } from '../auth/roles.ts';
import type { Database } from '../db/schema.ts';
import { NotFoundError, RetractedRecordError, UnprocessableError } from '../lib/errors.ts';
import { newId } from '../lib/ids.ts';
import { recordChange } from '../records/changes.ts';
import { diffChanges } from '../records/versioning.ts';
import type { ServiceContext } from '../services.ts';
import { findAlertById, markResolved } from './alerts.repository.ts';
import { openSosAlert } from './alerts.service.ts';
import type { Alert } from './alerts.types.ts';
import { findUnresolvedSosAlerts, noteOnAlert, type UnresolvedSos } from './channels.repository.ts';
import { messageTime } from './inbound.ts';
import { clearPinFailures, findWatchById, insertCheckin } from './watches.repository.ts';
import type { SosInput } from './channels.schemas.ts';
import type { PinAction } from './watches.service.ts';
import type { Checkin, CheckinChannel, CheckinKind, Watch } from './watches.types.ts';

type Trx = Kysely<Database>;

/** Who raised an SOS or called it off, by which channel, as revisions and the audit trail name them. */
export interface SosSource {
  channel: CheckinChannel;
  actor: string;
}

/**
 * A check-in row that is no sign of life (an SOS, or the duress mark a cancel leaves): it never moves
 * the deadline. Written with its revision and audit entry, in the caller's transaction.
 */
async function writeSignal(
  ctx: ServiceContext,
  trx: Trx,
  watch: Watch,
  signal: { kind: Exclude<CheckinKind, 'ok'>; at: Date; by_person_id: string | null; note: string | null } & SosSource,
): Promise<Checkin> {
  const recordedAt = ctx.clock.now().toISOString();
  const row: Checkin = {
    id: newId(),
    watch_id: watch.id,
    case_id: watch.case_id,
    at: signal.at.toISOString(),
    recorded_at: recordedAt,
    channel: signal.channel,
    by_person_id: signal.by_person_id,
    kind: signal.kind,
    note: signal.note,
  };
  await insertCheckin(trx, ctx.cipher, row);
  await recordChange(ctx, trx, {
    case_id: watch.case_id,
    entity: 'checkin',
    entity_id: row.id,
    version: 1,
    action: 'create',
    actor: signal.actor,
    at: recordedAt,
    changes: diffChanges(null, { watch_id: watch.id, at: row.at, channel: row.channel, by_person_id: row.by_person_id, kind: row.kind, note: row.note }),
    reason: null,
  });
  return row;
}

/**
 * The SOS record and, unless an SOS alert of this watch is still running (pressing twice is one
 * emergency, not two escalations), its alert: both in the caller's transaction. The running alert.
 */
async function writeSos(ctx: ServiceContext, trx: Trx, watch: Watch, sos: { at: Date; by_person_id: string | null; note: string | null } & SosSource): Promise<{ alertId: string; opened: boolean }> {
  const record = await writeSignal(ctx, trx, watch, { ...sos, kind: 'sos' });
  const running = await findUnresolvedSosAlerts(trx, ctx.cipher, watch.id);
  if (running.length > 0) return { alertId: running[0]!.id, opened: false };
  const alertId = await openSosAlert(ctx, trx, { case_id: watch.case_id, watch_id: watch.id, person_id: watch.person_id, checkin_id: record.id, note: sos.note }, sos.actor);
  return { alertId: alertId!, opened: true };
}

/**
 * The person's SOS with her PIN: the alert opens at once, in the SOS's own transaction. With the
 * duress PIN it opens alike (the sender sees no difference), and a duress mark goes beside it, which
 * the sweep turns into a duress alert: she is in danger and being watched.
 */
export function raiseSosBy(source: SosSource, sentAt?: Date): PinAction {
  return async (ctx, watch, match) => {
    const at = messageTime(sentAt, ctx.clock.now(), new Date(watch.created_at));
    await ctx.db.transaction().execute(async (trx) => {
      await clearPinFailures(trx, watch.id);
      await writeSos(ctx, trx, watch, { ...source, at, by_person_id: watch.person_id, note: null });
      if (match === 'duress') await writeSignal(ctx, trx, watch, { ...source, kind: 'duress', at, by_person_id: watch.person_id, note: null });
    });
  };
}

/** What a human reads on an SOS alert that someone tried to call off with the duress PIN. */
export function duressCancelNote(channel: CheckinChannel, at: string): string {
  return `A cancel was attempted with the duress PIN (${channel}, ${at}): the SOS stands.`;
}

// Another writer (an acknowledgement) may change an alert between reading and resolving it.
const CANCEL_TRIES = 3;

/**
 * The person calls her SOS off. With the real PIN every SOS alert of the watch still running is
 * resolved as `cancelled` (revision and audit entry; nothing on the timeline). With the duress PIN
 * the sender sees the same answer, but every such alert stays open, carries a note that the cancel
 * was made under duress (revision and audit entry), and a duress mark is recorded, which the sweep
 * turns into a duress alert. Either way, a cancel with no SOS running changes no alert.
 */
export function cancelSosBy(source: SosSource): PinAction {
  return async (ctx, watch, match) => {
    const at = ctx.clock.now().toISOString();
    await ctx.db.transaction().execute(async (trx) => {
      await clearPinFailures(trx, watch.id);
      if (match === 'duress') await writeSignal(ctx, trx, watch, { ...source, kind: 'duress', at: ctx.clock.now(), by_person_id: watch.person_id, note: null });
      const done = new Set<string>();
      for (let attempt = 0; attempt < CANCEL_TRIES; attempt++) {
        const pending = (await findUnresolvedSosAlerts(trx, ctx.cipher, watch.id)).filter((alert) => !done.has(alert.id));
        if (pending.length === 0) break;
        for (const alert of pending) {
          if (match === 'ok' ? await cancelAlert(ctx, trx, alert, source.actor, at) : await markDuressCancel(ctx, trx, alert, source, at)) done.add(alert.id);
        }
      }
    });
  };
}

async function cancelAlert(ctx: ServiceContext, trx: Trx, alert: UnresolvedSos, actor: string, at: string): Promise<boolean> {
  if (!(await markResolved(trx, ctx.cipher, alert.id, alert.version, { by: actor, at, outcome: 'cancelled', note: alert.note }))) return false;
  await recordChange(ctx, trx, {
    case_id: alert.case_id,
    entity: 'alert',
    entity_id: alert.id,
    version: alert.version + 1,
    action: 'update',
    actor,
    at,
    changes: diffChanges({ state: alert.state, outcome: null }, { state: 'resolved', outcome: 'cancelled' }),
    reason: null,
  });
  return true;
}

async function markDuressCancel(ctx: ServiceContext, trx: Trx, alert: UnresolvedSos, source: SosSource, at: string): Promise<boolean> {
  const note = duressCancelNote(source.channel, at);
  if (!(await noteOnAlert(trx, ctx.cipher, alert.id, alert.version, note, at))) return false;
  await recordChange(ctx, trx, {
    case_id: alert.case_id,
    entity: 'alert',
    entity_id: alert.id,
    version: alert.version + 1,
    action: 'update',
    actor: source.actor,
    at,
    changes: diffChanges({ note: alert.note, cancel_under_duress: null }, { note, cancel_under_duress: true }),
    reason: null,
  });
  return true;
}

/**
 * A case worker or proxy reports an SOS (`POST /api/v1/watches/{id}/sos`): the same record and the
 * same alert as the person's own, at once. `opened` is false when an SOS alert of this watch was
 * already running; the report is recorded either way.
 */
export async function reportSos(ctx: ServiceContext, principal: Principal, watchId: string, input: SosInput): Promise<{ alert: Alert; opened: boolean }> {
  const watch = await findWatchById(ctx.db, ctx.cipher, watchId);
  if (!watch) throw new NotFoundError('watch');
  await requireCaseWrite(ctx, principal, watch.case_id, 'watch');
  if (watch.retracted_at) throw new RetractedRecordError('this watch');
  if (watch.state === 'ended') throw new UnprocessableError('this watch has ended', { watch: 'has ended' });
  const by = input.by_person_id ?? null;
  if (by !== null && by !== watch.person_id && !watch.proxies.includes(by)) {
    throw new UnprocessableError('by_person_id must be the person or one of the watch’s proxies', { by_person_id: 'is neither the person nor a proxy' });
  }
  const note = input.note?.trim() || null;
  const result = await ctx.db
    .transaction()
    .execute((trx) => writeSos(ctx, trx, watch, { channel: 'api', actor: principal.actor, at: ctx.clock.now(), by_person_id: by, note }));
  return { alert: (await findAlertById(ctx.db, ctx.cipher, result.alertId))!, opened: result.opened };
}
