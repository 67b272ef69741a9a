import type { Kysely } from 'kysely';
import { openRetractionReason } from '../records/records.repository.ts';
import type { Database, StatusEntryRow } from '../db/schema.ts';
import { reusableQuery } from '../db/reusable-query.ts';
import { sealContext, type FieldCipher } from '../keys/field-cipher.ts';
import { citationsFor } from '../sources/citations.repository.ts';
import type { StatusEntry } from './statuses.types.ts';

type Db = Kysely<Database>;

export async function insertStatusEntry(db: Db, cipher: FieldCipher, row: StatusEntryRow): Promise<void> {
  await db
    .insertInto('status_entries')
    .values({ ...row, note: cipher.sealNullable(row.note, sealContext('status_entries', 'note', row.id)) })
    .execute();
}

async function withCitations(db: Db, cipher: FieldCipher, rows: StatusEntryRow[]): Promise<StatusEntry[]> {
  const citations = await citationsFor(db, cipher, 'status_entry', rows.map((r) => r.id));
  return rows.map((row) => ({
    id: row.id,
    case_id: row.case_id,
    person_id: row.person_id,
    status: row.status,
    date: row.date,
    date_earliest: row.date_earliest,
    place: row.place,
    whereabouts_acknowledged: row.whereabouts_acknowledged,
    contact_permitted: row.contact_permitted,
    note: cipher.openNullable(row.note, sealContext('status_entries', 'note', row.id)),
    citations: citations.get(row.id) ?? [],
    version: row.version,
    created_at: row.created_at,
    retracted_at: row.retracted_at,
    retraction_reason: openRetractionReason(cipher, 'status_entries', row),
  }));
}

export async function findStatusEntriesByIds(db: Db, cipher: FieldCipher, ids: string[]): Promise<Map<string, StatusEntry>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('status_entries').selectAll().where('id', 'in', ids).execute();
  const entries = await withCitations(db, cipher, rows);
  return new Map(entries.map((e) => [e.id, e]));
}

export async function findStatusEntry(db: Db, cipher: FieldCipher, id: string): Promise<StatusEntry | null> {
  return (await findStatusEntriesByIds(db, cipher, [id])).get(id) ?? null;
}

const selectTimeline = (includeRetracted: boolean) =>
  reusableQuery((db: Db, personId: string) => {
    let query = db.selectFrom('status_entries').selectAll().where('person_id', '=', personId);
    if (!includeRetracted) query = query.where('retracted_at', 'is', null);
    return query.orderBy('date_earliest').orderBy('created_at').orderBy('id').limit(1000);
  });
const selectCurrentTimeline = selectTimeline(false);
const selectWholeTimeline = selectTimeline(true);

/** The timeline in date order (earliest possible day, ties by recording time). */
export async function listTimeline(db: Db, cipher: FieldCipher, personId: string, includeRetracted: boolean): Promise<StatusEntry[]> {
  const rows = await (includeRetracted ? selectWholeTimeline : selectCurrentTimeline)(db, personId);
  return withCitations(db, cipher, rows);
}

/** The status now: the entry latest by date, not by entry order. */
export async function findLatestStatus(db: Db, personId: string): Promise<{ id: string; status: string } | null> {
  const row = await db
    .selectFrom('status_entries')
    .select(['id', 'status'])
    .where('person_id', '=', personId)
    .where('retracted_at', 'is', null)
    .orderBy('date_earliest', 'desc')
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ?? null;
}
