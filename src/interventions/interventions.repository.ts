import { sql, type Kysely } from 'kysely';
import { inCaseScope, type CaseScope } from '../access/access.repository.ts';
import type { Database, InterventionRow } from '../db/schema.ts';
import { sealContext, type FieldCipher } from '../keys/field-cipher.ts';
import { openRetractionReason } from '../records/records.repository.ts';
import { UNDATED_SORT_KEY } from '../records/list-cursor.ts';
import type { Intervention } from './interventions.types.ts';

type Db = Kysely<Database>;

export type InterventionFields = Pick<Intervention, 'person_id' | 'type' | 'addressee' | 'date' | 'status' | 'note' | 'response' | 'follow_up_on'>;

/** Columns sealed at rest (DESIGN §5): what was said to whom, and what came back. */
const SEALED = ['note', 'response'] as const;

function toIntervention(cipher: FieldCipher, row: InterventionRow): Intervention {
  const open = (column: (typeof SEALED)[number]) => cipher.openNullable(row[column], sealContext('interventions', column, row.id));
  return {
    id: row.id,
    // Every intervention is filed under a case; the column is nullable only for the schema's sake.
    case_id: row.case_id ?? row.person_id,
    person_id: row.person_id,
    type: row.type,
    addressee: row.addressee,
    date: row.date,
    date_earliest: row.date_earliest,
    status: row.status,
    note: open('note'),
    response: open('response'),
    follow_up_on: row.follow_up_on,
    version: row.version,
    created_at: row.created_at,
    updated_at: row.updated_at,
    retracted_at: row.retracted_at,
    retraction_reason: openRetractionReason(cipher, 'interventions', row),
  };
}

function sealFields<F extends Partial<InterventionFields>>(cipher: FieldCipher, id: string, fields: F): F {
  const row: Record<string, unknown> = { ...fields };
  for (const column of SEALED) {
    const value = fields[column];
    if (value !== undefined) row[column] = cipher.sealNullable(value, sealContext('interventions', column, id));
  }
  return row as F;
}

export async function insertIntervention(
  db: Db,
  cipher: FieldCipher,
  intervention: { id: string; case_id: string; at: string; date_earliest: string | null; fields: InterventionFields },
): Promise<void> {
  await db
    .insertInto('interventions')
    .values({
      ...sealFields(cipher, intervention.id, intervention.fields),
      id: intervention.id,
      case_id: intervention.case_id,
      date_earliest: intervention.date_earliest,
      version: 1,
      created_at: intervention.at,
      updated_at: intervention.at,
      retracted_at: null,
      retraction_reason: null,
    })
    .execute();
}

/** Applies an update only if the row is still at `expectedVersion`; false means someone was first. */
export async function updateInterventionRow(
  db: Db,
  cipher: FieldCipher,
  id: string,
  expectedVersion: number,
  change: { at: string; date_earliest?: string | null | undefined; fields: Partial<Omit<InterventionFields, 'person_id'>> },
): Promise<boolean> {
  const result = await db
    .updateTable('interventions')
    .set({
      ...sealFields(cipher, id, change.fields),
      ...(change.date_earliest !== undefined ? { date_earliest: change.date_earliest } : {}),
      updated_at: change.at,
      version: expectedVersion + 1,
    })
    .where('id', '=', id)
    .where('version', '=', expectedVersion)
    .where('retracted_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function findInterventionById(db: Db, cipher: FieldCipher, id: string): Promise<Intervention | null> {
  const row = await db.selectFrom('interventions').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toIntervention(cipher, row) : null;
}

export interface InterventionFilter {
  personId?: string | undefined;
  status?: string | undefined;
  /** Due for a follow-up on this day: awaiting an answer with follow_up_on on or before it, or a draft created before `staleDraftsBefore`. */
  followUpDue?: { today: string; staleDraftsBefore: string } | undefined;
  includeRetracted?: boolean | undefined;
  /** Ordered by follow-up day, a draft by when it was recorded (no keyset): the dashboard's list. */
  byFollowUp?: boolean | undefined;
  /** Keyset: sort date (undated last), recording time, id. */
  after?: [string, string, string] | undefined;
  limit: number;
  /** Only interventions filed under a case in scope. */
  scope: CaseScope;
}

const sortDate = sql<string>`coalesce(date_earliest, ${sql.lit(UNDATED_SORT_KEY)})`;

export function interventionSortKey(intervention: Intervention): [string, string, string] {
  return [intervention.date_earliest ?? UNDATED_SORT_KEY, intervention.created_at, intervention.id];
}

/** Interventions by date, ties by recording time; returns one extra row to tell whether more follow. */
export async function listInterventionRows(db: Db, cipher: FieldCipher, filter: InterventionFilter): Promise<Intervention[]> {
  let query = db.selectFrom('interventions').selectAll().where((eb) => inCaseScope(eb, 'interventions.case_id', filter.scope));
  if (filter.personId) query = query.where('person_id', '=', filter.personId);
  if (filter.status) query = query.where('status', '=', filter.status);
  const due = filter.followUpDue;
  if (due) {
    query = query.where((eb) =>
      eb.or([
        eb.and([eb('status', 'in', ['sent', 'acknowledged']), eb('follow_up_on', '<=', due.today)]),
        eb.and([eb('status', '=', 'draft'), eb('created_at', '<', due.staleDraftsBefore)]),
      ]),
    );
  }
  if (!filter.includeRetracted) query = query.where('retracted_at', 'is', null);
  if (filter.after) {
    const [date, createdAt, id] = filter.after;
    query = query.where(sql<boolean>`(${sortDate}, created_at, id) > (${date}, ${createdAt}, ${id})`);
  }
  // A day sorts before any instant of it, so a draft recorded on the day a follow-up falls due comes after it.
  const first = filter.byFollowUp ? sql<string>`coalesce(follow_up_on, created_at)` : sortDate;
  const rows = await query.orderBy(first).orderBy('created_at').orderBy('id').limit(filter.limit + 1).execute();
  return rows.map((row) => toIntervention(cipher, row));
}
