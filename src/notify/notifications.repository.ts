import { sql, type Kysely, type UpdateObject } from 'kysely';
import type { Dialect } from '../db/database.ts';
import type { Database, NotificationRow } from '../db/schema.ts';
import { sealContext, type FieldCipher } from '../keys/field-cipher.ts';
import type { AlertKind } from '../watch/alerts.types.ts';
import type { EscalationTier, NotifyTarget } from '../watch/watches.types.ts';

type Db = Kysely<Database>;

export const NOTIFICATION_STATES = ['pending', 'sending', 'sent', 'failed', 'cancelled'] as const;
export type NotificationState = (typeof NOTIFICATION_STATES)[number];

/** One notice to one recipient, opened for the worker that holds its lease. */
export type NoticePurpose = 'tier' | 'dossier';

export interface Notification {
  id: string;
  alert_id: string;
  case_id: string;
  /** An escalation tier's notice, or a released dossier (tier 0). */
  purpose: NoticePurpose;
  tier: number;
  target_index: number;
  channel: 'email' | 'webhook';
  target: NotifyTarget;
  /** How many tiers the plan had when this one fell due. */
  tiers: number;
  idempotency_key: string;
  drill: boolean;
  state: NotificationState;
  attempts: number;
  next_attempt_at: string;
  last_error: string | null;
  sent_at: string | null;
  ack_token: string;
  created_at: string;
  updated_at: string;
}

function toNotification(cipher: FieldCipher, row: NotificationRow): Notification {
  const sealed = JSON.parse(cipher.open(row.target, sealContext('notifications', 'target', row.id))) as { target: NotifyTarget; tiers: number };
  return {
    id: row.id,
    alert_id: row.alert_id,
    case_id: row.case_id,
    purpose: row.purpose as NoticePurpose,
    tier: row.tier,
    target_index: row.target_index,
    channel: row.channel as Notification['channel'],
    target: sealed.target,
    tiers: sealed.tiers,
    idempotency_key: row.idempotency_key,
    drill: row.drill === 1,
    state: row.state as NotificationState,
    attempts: row.attempts,
    next_attempt_at: row.next_attempt_at,
    last_error: cipher.openNullable(row.last_error, sealContext('notifications', 'last_error', row.id)),
    sent_at: row.sent_at,
    ack_token: cipher.open(row.ack_token, sealContext('notifications', 'ack_token', row.id)),
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

/** An open alert whose next escalation step fell due, with its watch's plan opened. */
export interface DueAlert {
  id: string;
  case_id: string;
  kind: AlertKind;
  opened_at: string;
  notified_tiers: number;
  next_step_at: string;
  version: number;
  plan: EscalationTier[];
}

/**
 * Open alerts whose step is due, oldest first. On PostgreSQL the rows stay locked until the
 * caller's transaction ends and other workers skip them (FOR UPDATE SKIP LOCKED); SQLite has one
 * writer at a time, and the compare-and-set in recordEscalation settles the rest.
 */
export async function lockDueAlerts(trx: Db, dialect: Dialect, cipher: FieldCipher, now: string, limit: number): Promise<DueAlert[]> {
  let query = trx
    .selectFrom('alerts')
    .innerJoin('watches', 'watches.id', 'alerts.watch_id')
    .select(['alerts.id', 'alerts.case_id', 'alerts.kind', 'alerts.opened_at', 'alerts.notified_tiers', 'alerts.next_step_at', 'alerts.version', 'watches.id as watch_id', 'watches.escalation'])
    .where('alerts.state', '=', 'open')
    .where('alerts.next_step_at', '<=', now)
    .orderBy('alerts.next_step_at')
    .orderBy('alerts.id')
    .limit(limit);
  if (dialect === 'postgres') query = query.forUpdate(['alerts']).skipLocked();
  const rows = await query.execute();
  return rows.map((row) => ({
    id: row.id,
    case_id: row.case_id,
    kind: row.kind as AlertKind,
    opened_at: row.opened_at,
    notified_tiers: row.notified_tiers,
    next_step_at: row.next_step_at!,
    version: row.version,
    plan: JSON.parse(cipher.open(row.escalation, sealContext('watches', 'escalation', row.watch_id))) as EscalationTier[],
  }));
}

/** Moves the alert's next step (a wait, or the end of the plan) without notifying anyone. */
export async function setNextStep(db: Db, alertId: string, notifiedTiers: number, nextStepAt: string | null): Promise<void> {
  await db.updateTable('alerts').set({ next_step_at: nextStepAt }).where('id', '=', alertId).where('state', '=', 'open').where('notified_tiers', '=', notifiedTiers).execute();
}

/** Tier `tier` was called: the alert says so (compare-and-set on the tiers behind it); false if another worker got there first. */
export async function markTierNotified(db: Db, alert: DueAlert, tier: number, nextStepAt: string | null, at: string): Promise<boolean> {
  const result = await db
    .updateTable('alerts')
    .set({ notified_tiers: tier, tier, next_step_at: nextStepAt, version: alert.version + 1, updated_at: at })
    .where('id', '=', alert.id)
    .where('state', '=', 'open')
    .where('notified_tiers', '=', alert.notified_tiers)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export interface NewNotification {
  id: string;
  alert_id: string;
  case_id: string;
  purpose: NoticePurpose;
  tier: number;
  target_index: number;
  target: NotifyTarget;
  tiers: number;
  idempotency_key: string;
  drill: boolean;
  ack_token: string;
  ack_token_hash: string;
  at: string;
}

/** Records the notices before anything is sent; one per alert, tier and recipient, whatever runs twice. */
export async function insertNotifications(db: Db, cipher: FieldCipher, notices: NewNotification[]): Promise<void> {
  if (notices.length === 0) return;
  await db
    .insertInto('notifications')
    .values(
      notices.map((notice) => ({
        id: notice.id,
        alert_id: notice.alert_id,
        case_id: notice.case_id,
        purpose: notice.purpose,
        tier: notice.tier,
        target_index: notice.target_index,
        channel: 'email' in notice.target ? 'email' : 'webhook',
        target: cipher.seal(JSON.stringify({ target: notice.target, tiers: notice.tiers }), sealContext('notifications', 'target', notice.id)),
        idempotency_key: notice.idempotency_key,
        drill: notice.drill ? 1 : 0,
        state: 'pending',
        attempts: 0,
        next_attempt_at: notice.at,
        lease_owner: null,
        lease_until: null,
        last_error: null,
        sent_at: null,
        ack_token: cipher.seal(notice.ack_token, sealContext('notifications', 'ack_token', notice.id)),
        ack_token_hash: notice.ack_token_hash,
        created_at: notice.at,
        updated_at: notice.at,
      })),
    )
    .onConflict((oc) => oc.doNothing())
    .execute();
}

/**
 * Leases up to `limit` notices that are due: pending ones whose attempt time came, and ones a
 * worker took but never finished (it died: its lease ran out). A claim moves the next attempt to
 * the lease's end, so one condition finds both. On PostgreSQL workers skip each other's rows.
 */
export async function claimDueNotifications(
  db: Db,
  dialect: Dialect,
  cipher: FieldCipher,
  claim: { owner: string; now: string; leaseUntil: string; limit: number },
): Promise<Notification[]> {
  let due = db
    .selectFrom('notifications')
    .select('id')
    .where('state', 'in', ['pending', 'sending'])
    .where('next_attempt_at', '<=', claim.now)
    .orderBy('next_attempt_at')
    .limit(claim.limit);
  if (dialect === 'postgres') due = due.forUpdate().skipLocked();
  const rows = await db
    .updateTable('notifications')
    .set((eb) => ({
      state: 'sending',
      lease_owner: claim.owner,
      lease_until: claim.leaseUntil,
      next_attempt_at: claim.leaseUntil,
      attempts: eb('attempts', '+', 1),
      updated_at: claim.now,
    }))
    .where('id', 'in', due)
    .returningAll()
    .execute();
  return rows.map((row) => toNotification(cipher, row));
}

/** Ends a lease with `changes`; only the worker that holds it may (after it ran out, another may hold it). */
async function endLease(db: Db, id: string, owner: string, changes: UpdateObject<Database, 'notifications'>): Promise<boolean> {
  const result = await db
    .updateTable('notifications')
    .set({ ...changes, lease_owner: null, lease_until: null })
    .where('id', '=', id)
    .where('state', '=', 'sending')
    .where('lease_owner', '=', owner)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** The delivery went through. */
export async function markSent(db: Db, id: string, owner: string, at: string): Promise<boolean> {
  return endLease(db, id, owner, { state: 'sent', sent_at: at, updated_at: at });
}

/** Hands a claimed notice back unsent, due at once, for whichever worker comes next. */
export async function releaseLease(db: Db, id: string, owner: string, at: string): Promise<boolean> {
  return endLease(db, id, owner, { state: 'pending', next_attempt_at: at, attempts: sql`attempts - 1`, updated_at: at });
}

/** The attempt failed: try again at `retryAt`, or, with null, it has failed for good. */
export async function markAttemptFailed(db: Db, cipher: FieldCipher, id: string, owner: string, failure: { error: string; retryAt: string | null; at: string }): Promise<boolean> {
  return endLease(db, id, owner, {
    state: failure.retryAt ? 'pending' : 'failed',
    next_attempt_at: failure.retryAt ?? failure.at,
    last_error: cipher.seal(failure.error.slice(0, 500), sealContext('notifications', 'last_error', id)),
    updated_at: failure.at,
  });
}

/** A tier could not be reached: its successor falls due now, unless someone acknowledged or it moved on. */
export async function bringNextTierForward(db: Db, alertId: string, tier: number, now: string): Promise<void> {
  await db
    .updateTable('alerts')
    .set({ next_step_at: now })
    .where('id', '=', alertId)
    .where('state', '=', 'open')
    .where('notified_tiers', '=', tier)
    .where((eb) => eb.or([eb('next_step_at', 'is', null), eb('next_step_at', '>', now)]))
    .execute();
}

/**
 * An alert nobody needs called any more (resolved): tier notices not yet on their way are dropped.
 * A released dossier's notices are not: once released, it goes out whatever happens to the alert.
 */
export async function cancelPendingNotifications(db: Db, alertId: string, at: string): Promise<void> {
  await db
    .updateTable('notifications')
    .set({ state: 'cancelled', updated_at: at })
    .where('alert_id', '=', alertId)
    .where('purpose', '=', 'tier')
    .where('state', '=', 'pending')
    .execute();
}

/** What a notice tells about its alert, read fresh when it is sent. */
export interface NoticeContext {
  alert_id: string;
  kind: AlertKind;
  person_id: string;
  case_number: string;
  opened_at: string;
  deadline_at: string | null;
  last_contact_at: string | null;
}

export async function findNoticeContexts(db: Db, alertIds: string[]): Promise<Map<string, NoticeContext>> {
  if (alertIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('alerts')
    .innerJoin('persons', 'persons.id', 'alerts.person_id')
    .leftJoin('watches', 'watches.id', 'alerts.watch_id')
    .select(['alerts.id as alert_id', 'alerts.kind', 'alerts.person_id', 'persons.case_number', 'alerts.opened_at', 'alerts.deadline_at', 'watches.last_contact_at'])
    .where('alerts.id', 'in', [...new Set(alertIds)])
    .execute();
  return new Map(rows.map((row) => [row.alert_id, { ...row, kind: row.kind as AlertKind }]));
}

export async function findNotificationByAckHash(db: Db, cipher: FieldCipher, hash: string): Promise<Notification | null> {
  const row = await db.selectFrom('notifications').selectAll().where('ack_token_hash', '=', hash).executeTakeFirst();
  return row ? toNotification(cipher, row) : null;
}

export async function listNotificationsOfAlert(db: Db, cipher: FieldCipher, alertId: string): Promise<Notification[]> {
  const rows = await db.selectFrom('notifications').selectAll().where('alert_id', '=', alertId).orderBy('tier').orderBy('target_index').execute();
  return rows.map((row) => toNotification(cipher, row));
}

/**
 * The soonest moment after `now` that anything falls due for the worker: a deadline, an escalation
 * step, a delivery. What is due already is the current pass's work.
 */
export async function findNextDueTime(db: Db, now: string): Promise<string | null> {
  const row = await sql<{ due: string | null }>`
    select min(due) as due from (
      select min(next_deadline) as due from watches where state = 'active' and retracted_at is null and next_deadline > ${now}
      union all select min(next_step_at) from alerts where state = 'open' and next_step_at > ${now}
      union all select min(next_attempt_at) from notifications where state in ('pending', 'sending') and next_attempt_at > ${now}
      union all select min(release_at) from dossier_releases where state = 'scheduled' and release_at > ${now}
    ) as soonest`.execute(db);
  return row.rows[0]?.due ?? null;
}
