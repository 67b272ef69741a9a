import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../db/database.ts';
import type { Database, LogCheckpointRow, LogEntryRow } from '../db/schema.ts';
import { sealContext, type FieldCipher } from '../keys/field-cipher.ts';
import { newId } from '../lib/ids.ts';

/** The SQL of the Merkle log: entries waiting or placed, complete-subtree hashes, checkpoints. */

const CHUNK = 400;

export type LogSubject = 'custody' | 'revision';

export interface LogEntry {
  id: string;
  leaf_index: number | null;
  subject: LogSubject;
  subject_id: string;
  data: Buffer;
  salt: Buffer;
  statement: string;
  created_at: string;
}

/** A statement waits for the sequencer; the salt and the statement are sealed. */
export async function insertLogEntry(
  db: Kysely<Database>,
  cipher: FieldCipher,
  entry: { subject: LogSubject; subject_id: string; data: Buffer; salt: Buffer; statement: string; created_at: string },
): Promise<string> {
  const id = newId();
  await db
    .insertInto('log_entries')
    .values({
      id,
      leaf_index: null,
      subject: entry.subject,
      subject_id: entry.subject_id,
      data: entry.data.toString('base64'),
      salt: cipher.seal(entry.salt.toString('base64'), sealContext('log_entries', 'salt', id)),
      statement: cipher.seal(entry.statement, sealContext('log_entries', 'statement', id)),
      created_at: entry.created_at,
    })
    .execute();
  return id;
}

function toLogEntry(cipher: FieldCipher, row: LogEntryRow): LogEntry {
  return {
    id: row.id,
    leaf_index: row.leaf_index === null ? null : Number(row.leaf_index),
    subject: row.subject as LogSubject,
    subject_id: row.subject_id,
    data: Buffer.from(row.data, 'base64'),
    salt: Buffer.from(cipher.open(row.salt, sealContext('log_entries', 'salt', row.id)), 'base64'),
    statement: cipher.open(row.statement, sealContext('log_entries', 'statement', row.id)),
    created_at: row.created_at,
  };
}

/** The entries of these subjects, oldest first (a custody trail, a record's revisions). */
export async function listLogEntriesFor(db: Kysely<Database>, cipher: FieldCipher, subject: LogSubject, subjectIds: string[]): Promise<LogEntry[]> {
  const rows: LogEntryRow[] = [];
  for (let i = 0; i < subjectIds.length; i += CHUNK) {
    rows.push(
      ...(await db
        .selectFrom('log_entries')
        .selectAll()
        .where('subject', '=', subject)
        .where('subject_id', 'in', subjectIds.slice(i, i + CHUNK))
        .execute()),
    );
  }
  return rows.sort((a, b) => (a.id < b.id ? -1 : 1)).map((row) => toLogEntry(cipher, row));
}

/**
 * Takes the sequencer's lock and reads the log's size. SQLite: a write first, so the transaction
 * holds the write lock before it reads (no stale snapshot to upgrade); PostgreSQL: a row lock.
 */
export async function lockLogSize(trx: Kysely<Database>, dialect: Dialect): Promise<number> {
  if (dialect === 'sqlite') {
    await trx.updateTable('log_state').set({ size: sql`size` }).where('id', '=', 1).execute();
    const row = await trx.selectFrom('log_state').select('size').where('id', '=', 1).executeTakeFirstOrThrow();
    return Number(row.size);
  }
  const row = await trx.selectFrom('log_state').select('size').where('id', '=', 1).forUpdate().executeTakeFirstOrThrow();
  return Number(row.size);
}

export async function readLogSize(db: Kysely<Database>): Promise<number> {
  const row = await db.selectFrom('log_state').select('size').where('id', '=', 1).executeTakeFirstOrThrow();
  return Number(row.size);
}

export async function saveLogSize(trx: Kysely<Database>, size: number): Promise<void> {
  await trx.updateTable('log_state').set({ size }).where('id', '=', 1).execute();
}

export async function hasPendingEntries(db: Kysely<Database>): Promise<boolean> {
  return (await db.selectFrom('log_entries').select('id').where('leaf_index', 'is', null).limit(1).executeTakeFirst()) !== undefined;
}

/** The oldest waiting entries: only their ids and leaf inputs. */
export async function listPendingEntries(trx: Kysely<Database>, limit: number): Promise<Array<{ id: string; data: Buffer }>> {
  const rows = await trx.selectFrom('log_entries').select(['id', 'data']).where('leaf_index', 'is', null).orderBy('id').limit(limit).execute();
  return rows.map((row) => ({ id: row.id, data: Buffer.from(row.data, 'base64') }));
}

export async function assignLeafIndexes(trx: Kysely<Database>, placed: Array<{ id: string; index: number }>): Promise<void> {
  for (let i = 0; i < placed.length; i += CHUNK) {
    const chunk = placed.slice(i, i + CHUNK);
    const cases = sql.join(chunk.map((entry) => sql`when ${entry.id} then cast(${entry.index} as bigint)`), sql` `);
    await trx
      .updateTable('log_entries')
      .set({ leaf_index: sql`case id ${cases} end` })
      .where('id', 'in', chunk.map((entry) => entry.id))
      .execute();
  }
}

export async function insertNodes(trx: Kysely<Database>, nodes: Map<number, Buffer>): Promise<void> {
  const rows = [...nodes].map(([id, hash]) => ({ id, hash: hash.toString('base64') }));
  for (let i = 0; i < rows.length; i += CHUNK) await trx.insertInto('log_nodes').values(rows.slice(i, i + CHUNK)).execute();
}

/** Hashes of the given nodes (keys from merkle.ts nodeKey); a node that is not there is missing from the map. */
export async function findNodes(db: Kysely<Database>, keys: number[]): Promise<Map<number, Buffer>> {
  const found = new Map<number, Buffer>();
  const unique = [...new Set(keys)];
  for (let i = 0; i < unique.length; i += CHUNK) {
    const rows = await db.selectFrom('log_nodes').select(['id', 'hash']).where('id', 'in', unique.slice(i, i + CHUNK)).execute();
    for (const row of rows) found.set(Number(row.id), Buffer.from(row.hash, 'base64'));
  }
  return found;
}

export async function insertCheckpoint(trx: Kysely<Database>, row: LogCheckpointRow): Promise<void> {
  await trx.insertInto('log_checkpoints').values(row).onConflict((conflict) => conflict.column('size').doNothing()).execute();
}

export async function findLatestCheckpoint(db: Kysely<Database>): Promise<LogCheckpointRow | null> {
  const row = await db.selectFrom('log_checkpoints').selectAll().orderBy('size', 'desc').limit(1).executeTakeFirst();
  return row ? { ...row, size: Number(row.size) } : null;
}

/** Leaf inputs [start, end), in index order. */
export async function listLeaves(db: Kysely<Database>, start: number, end: number): Promise<Array<{ index: number; data: string }>> {
  const rows = await db
    .selectFrom('log_entries')
    .select(['leaf_index', 'data'])
    .where('leaf_index', '>=', start)
    .where('leaf_index', '<', end)
    .orderBy('leaf_index')
    .execute();
  return rows.map((row) => ({ index: Number(row.leaf_index), data: row.data }));
}
