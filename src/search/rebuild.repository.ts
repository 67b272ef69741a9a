import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../db/database.ts';
import type { Database } from '../db/schema.ts';

/**
 * The SQL that rebuilding the search indexes shares (`vigil search reindex`): the settings a
 * rebuild runs with on SQLite, its page transactions, and the version check that leaves alone a
 * record changed since its page was read.
 */

type Db = Kysely<Database>;

/**
 * Runs a transaction that takes the write lock first: a page of a rebuild, or a merge that checks
 * again what it depends on (duplicates.service.ts). On SQLite a plain `begin` reads before it
 * writes, and a write committed by another process in between (the server) fails it at once with
 * SQLITE_BUSY_SNAPSHOT; `begin immediate` waits for the lock (busy_timeout) before reading anything.
 */
export async function inWriteTransaction<T>(db: Db, dialect: Dialect, run: (trx: Db) => Promise<T>): Promise<T> {
  if (dialect !== 'sqlite') return db.transaction().execute(run);
  return db.connection().execute(async (connection) => {
    await sql`begin immediate`.execute(connection);
    try {
      const result = await run(connection);
      await sql`commit`.execute(connection);
      return result;
    } catch (error) {
      await sql`rollback`.execute(connection);
      throw error;
    }
  });
}

export type VersionedTable = 'persons' | 'sources' | 'events' | 'status_entries' | 'interventions' | 'evidence_items';
export interface RecordVersion {
  id: string;
  version: number;
}
type VersionedDb = Kysely<Record<VersionedTable, RecordVersion>>;

export interface TextKeyRow {
  record_id: string;
  case_id: string | null;
  secret: 0 | 1;
  key: string;
}

/** A page of a table's records in id order after `after`, with the version each is at. */
export async function readVersionsAfter(db: Db, table: VersionedTable, after: string, limit: number): Promise<RecordVersion[]> {
  return (db as unknown as VersionedDb).selectFrom(table).select(['id', 'version']).where('id', '>', after).orderBy('id').limit(limit).execute();
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
  const any = db as unknown as VersionedDb;
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
