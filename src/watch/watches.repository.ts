import { sql, type Kysely } from 'kysely';
import { inCaseScope, type CaseScope } from '../access/access.repository.ts';
import type { CheckinRow, Database, WatchRow } from '../db/schema.ts';
import { sealContext, type FieldCipher } from '../keys/field-cipher.ts';
import type { Dialect } from '../db/database.ts';
import type { Checkin, CheckinChannel, EscalationTier, RestPeriod, Watch, WatchScheduleFields, WatchState, WatchTravel } from './watches.types.ts';

type Db = Kysely<Database>;

/** What the check-in page needs of a watch: its hashes and its lock, opened; nothing of the case. */
export interface WatchForCheckin {
  id: string;
  case_id: string;
  person_id: string;
  pin_hash: string;
  duress_pin_hash: string;
  state: string;
  retracted: boolean;
  failed_pins: number;
  locked_until: string | null;
}

function toWatch(cipher: FieldCipher, row: WatchRow): Watch {
  return {
    id: row.id,
    case_id: row.case_id,
    person_id: row.person_id,
    interval: row.check_interval,
    interval_seconds: row.check_interval_seconds,
    times: row.check_times === null ? null : (JSON.parse(row.check_times) as string[]),
    time_zone: row.time_zone,
    rest: JSON.parse(row.rest_periods) as RestPeriod[],
    grace: row.grace,
    grace_seconds: row.grace_seconds,
    travel:
      row.travel_until === null
        ? null
        : {
            started_at: row.travel_started_at!,
            until: row.travel_until,
            interval: row.travel_interval,
            interval_seconds: row.travel_interval_seconds,
            note: cipher.openNullable(row.travel_note, sealContext('watches', 'travel_note', row.id)),
          },
    counting_from: row.counting_from ?? row.created_at,
    proxies: JSON.parse(row.proxies) as string[],
    escalation: JSON.parse(cipher.open(row.escalation, sealContext('watches', 'escalation', row.id))) as EscalationTier[],
    last_contact_at: row.last_contact_at,
    next_deadline: row.next_deadline,
    state: row.state as WatchState,
    version: row.version,
    created_at: row.created_at,
    updated_at: row.updated_at,
    retracted_at: row.retracted_at,
    retraction_reason: row.retraction_reason === null ? null : cipher.open(row.retraction_reason, sealContext('watches', 'retraction_reason', row.id)),
  };
}

function scheduleColumns(fields: WatchScheduleFields) {
  return {
    check_interval: fields.interval,
    check_interval_seconds: fields.interval_seconds,
    check_times: fields.times === null ? null : JSON.stringify(fields.times),
    time_zone: fields.time_zone,
    rest_periods: JSON.stringify(fields.rest),
    grace: fields.grace,
    grace_seconds: fields.grace_seconds,
  };
}

export interface NewWatch extends WatchScheduleFields {
  id: string;
  case_id: string;
  person_id: string;
  proxies: string[];
  pin_hash: string;
  duress_pin_hash: string;
  checkin_secret_hash: string;
  escalation: EscalationTier[];
  next_deadline: string;
  at: string;
}

export async function insertWatch(db: Db, cipher: FieldCipher, watch: NewWatch): Promise<void> {
  const seal = (column: string, value: string) => cipher.seal(value, sealContext('watches', column, watch.id));
  await db
    .insertInto('watches')
    .values({
      id: watch.id,
      case_id: watch.case_id,
      person_id: watch.person_id,
      ...scheduleColumns(watch),
      proxies: JSON.stringify(watch.proxies),
      pin_hash: seal('pin_hash', watch.pin_hash),
      duress_pin_hash: seal('duress_pin_hash', watch.duress_pin_hash),
      checkin_secret_hash: watch.checkin_secret_hash,
      escalation: seal('escalation', JSON.stringify(watch.escalation)),
      last_contact_at: null,
      next_deadline: watch.next_deadline,
      state: 'active',
      failed_pins: 0,
      locked_until: null,
      version: 1,
      created_at: watch.at,
      updated_at: watch.at,
      retracted_at: null,
      retraction_reason: null,
      travel_started_at: null,
      travel_until: null,
      travel_interval: null,
      travel_interval_seconds: null,
      travel_note: null,
      counting_from: watch.at,
    })
    .execute();
}

export async function findWatchById(db: Db, cipher: FieldCipher, id: string): Promise<Watch | null> {
  const row = await db.selectFrom('watches').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toWatch(cipher, row) : null;
}

/**
 * The watch, read inside a transaction that is about to move its deadline, and locked on PostgreSQL
 * (SQLite runs one transaction at a time): check-ins and schedule changes then each compute the
 * deadline from what the other wrote, never from a stale copy.
 */
export async function findWatchForUpdate(db: Db, cipher: FieldCipher, dialect: Dialect, id: string): Promise<Watch | null> {
  const query = db.selectFrom('watches').selectAll().where('id', '=', id);
  const row = dialect === 'postgres' ? await query.forUpdate().executeTakeFirst() : await query.executeTakeFirst();
  return row ? toWatch(cipher, row) : null;
}

export interface WatchScheduleChange {
  schedule?: WatchScheduleFields;
  state?: WatchState;
  counting_from?: string;
  /** null ends travel mode. */
  travel?: WatchTravel | null;
  next_deadline?: string;
}

/** Applies a schedule change as version `expected + 1`; false if the watch is no longer at `expected`. */
export async function updateWatchSchedule(db: Db, cipher: FieldCipher, id: string, expected: number, at: string, change: WatchScheduleChange): Promise<boolean> {
  const travel = change.travel;
  const result = await db
    .updateTable('watches')
    .set({
      ...(change.schedule ? scheduleColumns(change.schedule) : {}),
      ...(change.state ? { state: change.state } : {}),
      ...(change.counting_from ? { counting_from: change.counting_from } : {}),
      ...(change.next_deadline ? { next_deadline: change.next_deadline } : {}),
      ...(travel === undefined
        ? {}
        : {
            travel_started_at: travel?.started_at ?? null,
            travel_until: travel?.until ?? null,
            travel_interval: travel?.interval ?? null,
            travel_interval_seconds: travel?.interval_seconds ?? null,
            travel_note: travel ? cipher.sealNullable(travel.note, sealContext('watches', 'travel_note', id)) : null,
          }),
      version: expected + 1,
      updated_at: at,
    })
    .where('id', '=', id)
    .where('version', '=', expected)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

const CHECKIN_COLUMNS = ['id', 'case_id', 'person_id', 'pin_hash', 'duress_pin_hash', 'state', 'retracted_at', 'failed_pins', 'locked_until'] as const;

function toWatchForCheckin(cipher: FieldCipher, row: Pick<WatchRow, (typeof CHECKIN_COLUMNS)[number]>): WatchForCheckin {
  return {
    id: row.id,
    case_id: row.case_id,
    person_id: row.person_id,
    pin_hash: cipher.open(row.pin_hash, sealContext('watches', 'pin_hash', row.id)),
    duress_pin_hash: cipher.open(row.duress_pin_hash, sealContext('watches', 'duress_pin_hash', row.id)),
    state: row.state,
    retracted: row.retracted_at !== null,
    failed_pins: row.failed_pins,
    locked_until: row.locked_until,
  };
}

export async function findWatchBySecretHash(db: Db, cipher: FieldCipher, secretHash: string): Promise<WatchForCheckin | null> {
  const row = await db.selectFrom('watches').select(CHECKIN_COLUMNS).where('checkin_secret_hash', '=', secretHash).executeTakeFirst();
  return row ? toWatchForCheckin(cipher, row) : null;
}

/** The same, for a watch found another way (an inbound sender). */
export async function findWatchForCheckinById(db: Db, cipher: FieldCipher, id: string): Promise<WatchForCheckin | null> {
  const row = await db.selectFrom('watches').select(CHECKIN_COLUMNS).where('id', '=', id).executeTakeFirst();
  return row ? toWatchForCheckin(cipher, row) : null;
}

/**
 * Counts one PIN attempt before its PIN is checked, and sets the lock it would earn as a failure;
 * only if the row still shows `seen` failures (compare-and-set), so attempts in parallel, from any
 * process, each count. A right PIN then clears both (clearPinFailures).
 */
export async function reservePinAttempt(db: Db, id: string, seen: number, lockedUntil: string | null): Promise<boolean> {
  const result = await db
    .updateTable('watches')
    .set({ failed_pins: seen + 1, locked_until: lockedUntil })
    .where('id', '=', id)
    .where('failed_pins', '=', seen)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function clearPinFailures(db: Db, id: string): Promise<void> {
  await db.updateTable('watches').set({ failed_pins: 0, locked_until: null }).where('id', '=', id).execute();
}

/** Moves the watch to count from `lastContact`; only forward, decided in SQL so concurrent reports cannot pull it back. */
export async function advanceLastContact(db: Db, id: string, lastContact: string, nextDeadline: string): Promise<void> {
  await db
    .updateTable('watches')
    .set({ last_contact_at: lastContact, next_deadline: nextDeadline })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('last_contact_at', 'is', null), eb('last_contact_at', '<', lastContact)]))
    .execute();
}

export async function insertCheckin(db: Db, cipher: FieldCipher, checkin: Checkin): Promise<void> {
  const row: CheckinRow = { ...checkin, note: cipher.sealNullable(checkin.note, sealContext('checkins', 'note', checkin.id)) };
  await db.insertInto('checkins').values(row).execute();
}

export async function findCheckinById(db: Db, cipher: FieldCipher, id: string): Promise<Checkin | null> {
  const row = await db.selectFrom('checkins').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) return null;
  return { ...row, channel: row.channel as CheckinChannel, kind: row.kind as Checkin['kind'], note: cipher.openNullable(row.note, sealContext('checkins', 'note', row.id)) };
}

/** A watch's check-ins, most recently recorded first (the index on watch_id, recorded_at serves it). */
export async function listCheckinRows(db: Db, cipher: FieldCipher, watchId: string, limit: number): Promise<Checkin[]> {
  const rows = await db.selectFrom('checkins').selectAll().where('watch_id', '=', watchId).orderBy('recorded_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
  return rows.map((row) => ({ ...row, channel: row.channel as CheckinChannel, kind: row.kind as Checkin['kind'], note: cipher.openNullable(row.note, sealContext('checkins', 'note', row.id)) }));
}

export interface WatchFilter {
  personId?: string | undefined;
  state?: string | undefined;
  /** Keyset: next deadline, id. */
  after?: [string, string] | undefined;
  limit: number;
  scope: CaseScope;
}

export function watchSortKey(watch: Watch): [string, string] {
  return [watch.next_deadline, watch.id];
}

/** Watches soonest deadline first (the overdue ones lead); one extra row tells whether more follow. */
export async function listWatchRows(db: Db, cipher: FieldCipher, filter: WatchFilter): Promise<Watch[]> {
  let query = db
    .selectFrom('watches')
    .selectAll()
    .where((eb) => inCaseScope(eb, 'watches.case_id', filter.scope))
    .where('retracted_at', 'is', null);
  if (filter.personId) query = query.where('person_id', '=', filter.personId);
  if (filter.state) query = query.where('state', '=', filter.state);
  if (filter.after) {
    const [deadline, id] = filter.after;
    query = query.where(sql<boolean>`(next_deadline, id) > (${deadline}, ${id})`);
  }
  const rows = await query.orderBy('next_deadline').orderBy('id').limit(filter.limit + 1).execute();
  return rows.map((row) => toWatch(cipher, row));
}
