import { sql, type Kysely } from 'kysely';
import { inCaseScope, type CaseScope } from '../access/access.repository.ts';
import type { AlertRow, Database } from '../db/schema.ts';
import { sealContext, type FieldCipher } from '../keys/field-cipher.ts';
import type { Alert, AlertKind, AlertOutcome, AlertState } from './alerts.types.ts';

type Db = Kysely<Database>;

function toAlert(cipher: FieldCipher, row: AlertRow): Alert {
  return {
    ...row,
    kind: row.kind as AlertKind,
    state: row.state as AlertState,
    outcome: row.outcome as AlertOutcome | null,
    note: cipher.openNullable(row.note, sealContext('alerts', 'note', row.id)),
  };
}

/** A watch whose deadline passed with no alert for that deadline yet. */
export interface MissedDeadline {
  watch_id: string;
  case_id: string;
  person_id: string;
  deadline_at: string;
}

/** Active watches that ran out by `now` and have no missed-alert for the deadline they ran out on. */
export async function findMissedDeadlines(db: Db, now: string, limit: number): Promise<MissedDeadline[]> {
  return db
    .selectFrom('watches')
    .select(['watches.id as watch_id', 'watches.case_id', 'watches.person_id', 'watches.next_deadline as deadline_at'])
    .where('watches.state', '=', 'active')
    .where('watches.retracted_at', 'is', null)
    .where('watches.next_deadline', '<=', now)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('alerts')
            .select('alerts.id')
            .whereRef('alerts.watch_id', '=', 'watches.id')
            .where('alerts.kind', '=', 'missed')
            .whereRef('alerts.deadline_at', '=', 'watches.next_deadline'),
        ),
      ),
    )
    .orderBy('watches.next_deadline')
    .orderBy('watches.id')
    .limit(limit)
    .execute();
}

/** A check-in made with the duress PIN that has no alert yet. */
export interface UnalertedDuress {
  checkin_id: string;
  watch_id: string;
  case_id: string;
  person_id: string;
}

export async function findUnalertedDuress(db: Db, limit: number): Promise<UnalertedDuress[]> {
  return db
    .selectFrom('checkins')
    .innerJoin('watches', 'watches.id', 'checkins.watch_id')
    .select(['checkins.id as checkin_id', 'checkins.watch_id', 'checkins.case_id', 'watches.person_id'])
    .where('checkins.kind', '=', 'duress')
    .where((eb) => eb.not(eb.exists(eb.selectFrom('alerts').select('alerts.id').whereRef('alerts.checkin_id', '=', 'checkins.id'))))
    .orderBy('checkins.recorded_at')
    .orderBy('checkins.id')
    .limit(limit)
    .execute();
}

export interface NewAlert {
  id: string;
  case_id: string;
  watch_id: string | null;
  person_id: string;
  kind: AlertKind;
  deadline_at: string | null;
  checkin_id: string | null;
  at: string;
}

/**
 * Opens the alert unless one for the same deadline or check-in exists (the unique constraints
 * decide, across processes); true when this call opened it.
 */
export async function insertAlertOnce(db: Db, alert: NewAlert): Promise<boolean> {
  const inserted = await db
    .insertInto('alerts')
    .values({
      id: alert.id,
      case_id: alert.case_id,
      watch_id: alert.watch_id,
      person_id: alert.person_id,
      kind: alert.kind,
      state: 'open',
      opened_at: alert.at,
      tier: 1,
      acknowledged_at: null,
      acknowledged_by: null,
      resolved_at: null,
      resolved_by: null,
      outcome: null,
      note: null,
      deadline_at: alert.deadline_at,
      checkin_id: alert.checkin_id,
      // Due at once: the escalation step reads the plan and calls tier 1, or waits its `after`.
      notified_tiers: 0,
      next_step_at: alert.at,
      version: 1,
      created_at: alert.at,
      updated_at: alert.at,
    })
    .onConflict((oc) => oc.doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted !== undefined;
}

export async function findAlertById(db: Db, cipher: FieldCipher, id: string): Promise<Alert | null> {
  const row = await db.selectFrom('alerts').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toAlert(cipher, row) : null;
}

/** Moves an open alert to acknowledged; false if it was no longer open (compare-and-set). */
export async function markAcknowledged(db: Db, id: string, by: string, at: string): Promise<boolean> {
  const result = await db
    .updateTable('alerts')
    .set((eb) => ({ state: 'acknowledged', acknowledged_at: at, acknowledged_by: by, next_step_at: null, version: eb('version', '+', 1), updated_at: at }))
    .where('id', '=', id)
    .where('state', '=', 'open')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Resolves the alert as seen at `version`; false if someone changed it in between. */
export async function markResolved(
  db: Db,
  cipher: FieldCipher,
  id: string,
  version: number,
  resolution: { by: string; at: string; outcome: AlertOutcome; note: string | null },
): Promise<boolean> {
  const result = await db
    .updateTable('alerts')
    .set({
      state: 'resolved',
      resolved_at: resolution.at,
      resolved_by: resolution.by,
      outcome: resolution.outcome,
      note: cipher.sealNullable(resolution.note, sealContext('alerts', 'note', id)),
      next_step_at: null,
      version: version + 1,
      updated_at: resolution.at,
    })
    .where('id', '=', id)
    .where('version', '=', version)
    .where('state', '!=', 'resolved')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export interface AlertFilter {
  state?: AlertState | undefined;
  personId?: string | undefined;
  /** Keyset: rank of the state, opened_at, id. */
  after?: [string, string, string] | undefined;
  limit: number;
  scope: CaseScope;
}

/** Open alerts first, then acknowledged, then resolved; newest first within each. */
const STATE_RANK = sql<string>`case alerts.state when 'open' then '0' when 'acknowledged' then '1' else '2' end`;

export function alertSortKey(alert: Alert): [string, string, string] {
  return [alert.state === 'open' ? '0' : alert.state === 'acknowledged' ? '1' : '2', alert.opened_at, alert.id];
}

export async function listAlertRows(db: Db, cipher: FieldCipher, filter: AlertFilter): Promise<Alert[]> {
  let query = db
    .selectFrom('alerts')
    .selectAll()
    .where((eb) => inCaseScope(eb, 'alerts.case_id', filter.scope));
  if (filter.state) query = query.where('state', '=', filter.state);
  if (filter.personId) query = query.where('person_id', '=', filter.personId);
  if (filter.after) {
    const [rank, openedAt, id] = filter.after;
    query = query.where(sql<boolean>`(${STATE_RANK} > ${rank} or (${STATE_RANK} = ${rank} and (opened_at < ${openedAt} or (opened_at = ${openedAt} and id < ${id}))))`);
  }
  const rows = await query.orderBy(STATE_RANK).orderBy('opened_at', 'desc').orderBy('id', 'desc').limit(filter.limit + 1).execute();
  return rows.map((row) => toAlert(cipher, row));
}
