import { sql, type Kysely } from 'kysely';
import type { Database, InterventionRow } from '../db/schema.ts';
import { UNDATED_SORT_KEY } from '../records/list-cursor.ts';
import type { Intervention } from './interventions.types.ts';

type Db = Kysely<Database>;

export type InterventionFields = Pick<Intervention, 'person_id' | 'type' | 'addressee' | 'date' | 'status' | 'note' | 'response'>;

function toIntervention(row: InterventionRow): Intervention {
  return {
    id: row.id,
    person_id: row.person_id,
    type: row.type,
    addressee: row.addressee,
    date: row.date,
    date_earliest: row.date_earliest,
    status: row.status,
    note: row.note,
    response: row.response,
    version: row.version,
    created_at: row.created_at,
    updated_at: row.updated_at,
    retracted_at: row.retracted_at,
    retraction_reason: row.retraction_reason,
  };
}

export async function insertIntervention(
  db: Db,
  intervention: { id: string; at: string; date_earliest: string | null; fields: InterventionFields },
): Promise<void> {
  await db
    .insertInto('interventions')
    .values({
      ...intervention.fields,
      id: intervention.id,
      case_id: intervention.fields.person_id,
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
  id: string,
  expectedVersion: number,
  change: { at: string; date_earliest?: string | null | undefined; fields: Partial<Omit<InterventionFields, 'person_id'>> },
): Promise<boolean> {
  const result = await db
    .updateTable('interventions')
    .set({
      ...change.fields,
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

export async function findInterventionById(db: Db, id: string): Promise<Intervention | null> {
  const row = await db.selectFrom('interventions').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toIntervention(row) : null;
}

export interface InterventionFilter {
  personId?: string | undefined;
  status?: string | undefined;
  includeRetracted?: boolean | undefined;
  /** Keyset: sort date (undated last), recording time, id. */
  after?: [string, string, string] | undefined;
  limit: number;
}

const sortDate = sql<string>`coalesce(date_earliest, ${sql.lit(UNDATED_SORT_KEY)})`;

export function interventionSortKey(intervention: Intervention): [string, string, string] {
  return [intervention.date_earliest ?? UNDATED_SORT_KEY, intervention.created_at, intervention.id];
}

/** Interventions by date, ties by recording time; returns one extra row to tell whether more follow. */
export async function listInterventionRows(db: Db, filter: InterventionFilter): Promise<Intervention[]> {
  let query = db.selectFrom('interventions').selectAll();
  if (filter.personId) query = query.where('person_id', '=', filter.personId);
  if (filter.status) query = query.where('status', '=', filter.status);
  if (!filter.includeRetracted) query = query.where('retracted_at', 'is', null);
  if (filter.after) {
    const [date, createdAt, id] = filter.after;
    query = query.where(sql<boolean>`(${sortDate}, created_at, id) > (${date}, ${createdAt}, ${id})`);
  }
  const rows = await query.orderBy(sortDate).orderBy('created_at').orderBy('id').limit(filter.limit + 1).execute();
  return rows.map(toIntervention);
}
