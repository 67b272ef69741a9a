import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../db/database.ts';
import type { Database } from '../db/schema.ts';

/**
 * The SQL that rebuilding the search indexes shares (`vigil search reindex`): the settings a
 * rebuild runs with on SQLite, and a first build laid down without its lookup index.
 */

type Db = Kysely<Database>;

/** An index every query of a search goes through; the same as its migration makes. */
export interface LookupIndex {
  table: 'person_name_keys' | 'text_search_keys';
  name: string;
  columns: string;
}

/** Migration 2026-11-29T1520. */
export const NAME_LOOKUP: LookupIndex = { table: 'person_name_keys', name: 'person_name_keys_key_case_idx', columns: 'key, case_id, person_id' };
/** Migration 2026-11-29T1500. */
export const TEXT_LOOKUP: LookupIndex = { table: 'text_search_keys', name: 'text_search_keys_key_idx', columns: 'key, case_id, record_id, entity, secret' };

export async function hasLookupIndex(db: Db, dialect: Dialect, index: LookupIndex): Promise<boolean> {
  if (dialect !== 'sqlite') return true;
  const found = await sql<{ one: number }>`select 1 as one from sqlite_master where type = 'index' and name = ${index.name}`.execute(db);
  return found.rows.length > 0;
}

/** Puts back the lookup indexes a first build was stopped before it could make again (see withoutLookupIndex). */
export async function restoreLookupIndexes(db: Db, dialect: Dialect): Promise<void> {
  if (dialect !== 'sqlite') return;
  for (const index of [NAME_LOOKUP, TEXT_LOOKUP]) await sql.raw(`create index if not exists ${index.name} on ${index.table} (${index.columns})`).execute(db);
}

/** A page of a table's records in id order after `after`, with the version each is at. */
export async function readVersionsAfter(db: Db, table: VersionedTable, after: string, limit: number): Promise<RecordVersion[]> {
  return (db as unknown as Kysely<Record<VersionedTable, RecordVersion>>).selectFrom(table).select(['id', 'version']).where('id', '>', after).orderBy('id').limit(limit).execute();
}

export type VersionedTable = 'persons' | 'sources' | 'events' | 'status_entries' | 'interventions' | 'evidence_items';
export interface RecordVersion {
  id: string;
  version: number;
}

/**
 * Of the given records, those still at the version read, locked against a change until the
 * transaction ends on PostgreSQL (on SQLite the transaction holds the one write lock): a record
 * changed since indexed itself in its own transaction, and the rebuild leaves it alone.
 */
export async function recordsStillAt(db: Db, dialect: Dialect, table: VersionedTable, records: RecordVersion[]): Promise<Set<string>> {
  const still = new Set<string>();
  const expected = new Map(records.map((record) => [record.id, record.version]));
  const ids = [...expected.keys()];
  const any = db as unknown as Kysely<Record<VersionedTable, RecordVersion>>;
  for (let i = 0; i < ids.length; i += 5000) {
    let query = any.selectFrom(table).select(['id', 'version']).where('id', 'in', ids.slice(i, i + 5000));
    if (dialect === 'postgres') query = query.forShare();
    for (const row of await query.execute()) if (expected.get(row.id) === row.version) still.add(row.id);
  }
  return still;
}

/**
 * Replaces the text keys of many records of one kind at once: `rows` names every key of every record
 * in `recordIds` (record_id, case_id, secret 0/1, key), so they lose any key not among them.
 */
export async function replaceTextKeysOfRecords(db: Db, dialect: Dialect, entity: string, recordIds: string[], rows: TextKeyRow[]): Promise<void> {
  if (dialect === 'postgres') {
    for (let i = 0; i < recordIds.length; i += 5000) await db.deleteFrom('text_search_keys').where('entity', '=', entity).where('record_id', 'in', recordIds.slice(i, i + 5000)).execute();
    const column = <K extends keyof TextKeyRow>(name: K) => rows.map((row) => row[name]);
    await sql`insert into text_search_keys (entity, record_id, case_id, secret, key)
      select ${entity}, * from unnest(${column('record_id')}::text[], ${column('case_id')}::text[], ${column('secret')}::int[], ${column('key')}::text[])`.execute(db);
    return;
  }
  await sql`delete from text_search_keys where entity = ${entity} and record_id in (select value from json_each(${JSON.stringify(recordIds)}))`.execute(db);
  // One statement for any number of rows: the rows as one JSON parameter.
  const json = JSON.stringify(rows.map((row) => [row.record_id, row.case_id, row.secret, row.key]));
  await sql`insert into text_search_keys (entity, record_id, case_id, secret, key)
    select ${entity}, value ->> 0, value ->> 1, value ->> 2, value ->> 3 from json_each(${json})`.execute(db);
}

export interface TextKeyRow {
  record_id: string;
  case_id: string | null;
  secret: 0 | 1;
  key: string;
}

/**
 * Runs a first build of an index (SQLite, its table empty) without its lookup index, then makes the
 * index in one sorted pass. Kept up row by row, that index costs more than everything else the build
 * does: each page of keys lands on thousands of its pages (keys are random hashes), which every commit
 * encrypts and writes again. Meanwhile a query finds nothing (it asks hasLookupIndex first), as it
 * would in an empty index. A build stopped midway leaves the index away: opening the store puts it
 * back (store.ts).
 */
export async function withoutLookupIndex<T>(db: Db, dialect: Dialect, index: LookupIndex, run: () => Promise<T>): Promise<T> {
  if (dialect !== 'sqlite') return run();
  const empty = (await sql`select 1 from ${sql.table(index.table)} limit 1`.execute(db)).rows.length === 0;
  if (!empty || !(await hasLookupIndex(db, dialect, index))) return run();
  await sql.raw(`drop index ${index.name}`).execute(db);
  try {
    return await run();
  } finally {
    await restoreLookupIndexes(db, dialect);
  }
}

/**
 * Runs a rebuild on SQLite with a 256 MiB page cache (with the default, every key inserted into an
 * index reads and decrypts a page again) and the write-ahead log copied into the file every 64 MiB
 * rather than every 4 MiB (each copy ends in an fsync; a page of the rebuild writes about 3 MiB),
 * then restores both settings.
 */
export async function withRebuildCache<T>(db: Db, dialect: Dialect, run: () => Promise<T>): Promise<T> {
  if (dialect !== 'sqlite') return run();
  const setting = async (name: string) => Number((await sql.raw<Record<string, number>>(`pragma ${name}`).execute(db)).rows[0]?.[name]);
  const before = { cache_size: await setting('cache_size'), wal_autocheckpoint: await setting('wal_autocheckpoint') };
  await sql`pragma cache_size = -262144`.execute(db);
  await sql`pragma wal_autocheckpoint = 16384`.execute(db);
  try {
    return await run();
  } finally {
    for (const [name, value] of Object.entries(before)) if (Number.isFinite(value)) await sql.raw(`pragma ${name} = ${Math.trunc(value)}`).execute(db);
  }
}
