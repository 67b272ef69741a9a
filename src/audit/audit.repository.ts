import type SqliteDatabase from 'better-sqlite3-multiple-ciphers';
import { sql, type ExpressionBuilder, type Kysely } from 'kysely';
import type { AuditEntryRow, Database } from '../db/schema.ts';
import type { ChainHead } from './audit-chain.ts';

// 10 parameters a row: 500 rows stay far below SQLite's and PostgreSQL's parameter limits.
const INSERT_CHUNK = 500;

/**
 * Reads the chain head and takes the write lock on it, with a write as the transaction's first
 * statement: PostgreSQL locks the row until commit, so appenders in other processes queue behind
 * it; SQLite takes its write lock at once (waiting out busy_timeout) instead of failing to
 * upgrade a stale read snapshot when another process wrote in between.
 */
export async function lockAuditHead(trx: Kysely<Database>): Promise<ChainHead> {
  const row = await trx.updateTable('audit_head').set({ seq: sql`seq` }).where('id', '=', 1).returning(['seq', 'hash']).executeTakeFirst();
  if (!row) throw new Error('the audit chain has no head row: the audit_head table was emptied');
  return { seq: Number(row.seq), hash: row.hash };
}

/** Writes entries already chained onto the locked head, and moves the head to the last. */
export async function insertAuditEntries(trx: Kysely<Database>, rows: AuditEntryRow[]): Promise<void> {
  if (rows.length === 0) return;
  for (let start = 0; start < rows.length; start += INSERT_CHUNK) {
    await trx
      .insertInto('audit_entries')
      .values(rows.slice(start, start + INSERT_CHUNK))
      .execute();
  }
  const last = rows.at(-1)!;
  await trx.updateTable('audit_head').set({ seq: last.seq, hash: last.hash }).where('id', '=', 1).execute();
}

/** Given the locked head, the entries to write after it. */
export type ChainOnto = (head: ChainHead) => AuditEntryRow[];

/**
 * SQLite's path for group-committed appends: one synchronous BEGIN IMMEDIATE transaction on the
 * raw connection, a third cheaper than the same statements through Kysely. It runs while holding
 * Kysely's one connection, so no Kysely transaction can be open on it meanwhile.
 */
export function sqliteAuditAppender(db: Kysely<Database>, sqlite: SqliteDatabase.Database): (chain: ChainOnto) => Promise<void> {
  let write: ((chain: ChainOnto) => void) | undefined;
  const prepare = () => {
    const lock = sqlite.prepare('update audit_head set seq = seq where id = 1 returning seq, hash');
    const insert = sqlite.prepare(
      'insert into audit_entries (seq, at, actor, action, case_id, entity, entity_id, detail, prev_hash, hash) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    const moveHead = sqlite.prepare('update audit_head set seq = ?, hash = ? where id = 1');
    const transaction = sqlite.transaction((chain: ChainOnto) => {
      const head = lock.get() as { seq: number; hash: string } | undefined;
      if (!head) throw new Error('the audit chain has no head row: the audit_head table was emptied');
      const rows = chain({ seq: Number(head.seq), hash: head.hash });
      for (const r of rows) insert.run(r.seq, r.at, r.actor, r.action, r.case_id, r.entity, r.entity_id, r.detail, r.prev_hash, r.hash);
      const last = rows.at(-1);
      if (last) moveHead.run(last.seq, last.hash);
    });
    return (chain: ChainOnto) => transaction.immediate(chain);
  };
  return (chain) =>
    db.connection().execute(async () => {
      write ??= prepare();
      write(chain);
    });
}

export async function readAuditHead(db: Kysely<Database>): Promise<ChainHead | null> {
  const row = await db.selectFrom('audit_head').select(['seq', 'hash']).where('id', '=', 1).executeTakeFirst();
  return row ? { seq: Number(row.seq), hash: row.hash } : null;
}

/** One page of the chain in seq order: entries after `afterSeq`, up to `uptoSeq` when given. */
export async function listAuditEntriesAfter(db: Kysely<Database>, afterSeq: number, uptoSeq: number | null, limit: number): Promise<AuditEntryRow[]> {
  let query = db.selectFrom('audit_entries').selectAll().where('seq', '>', afterSeq);
  if (uptoSeq !== null) query = query.where('seq', '<=', uptoSeq);
  // seq comes back a number from both drivers (database.ts parses pg's bigint); no per-row copy on a 10^6-row walk.
  return query.orderBy('seq').limit(limit).execute();
}

/**
 * The first entry numbered past the head, read with the head in one statement (one snapshot):
 * appends move both in one transaction, so any such entry was put there by hand.
 */
/** The first entry numbered below 1, where no entry of the chain can be; null when there is none. */
export async function findAuditEntryBeforeStart(db: Kysely<Database>): Promise<number | null> {
  const row = await db.selectFrom('audit_entries').select('seq').where('seq', '<', 1).orderBy('seq').limit(1).executeTakeFirst();
  return row ? Number(row.seq) : null;
}

export async function findAuditEntryBeyondHead(db: Kysely<Database>): Promise<{ seq: number; headSeq: number } | null> {
  const headSeq = (eb: ExpressionBuilder<Database, 'audit_entries'>) => eb.selectFrom('audit_head').select('seq').where('id', '=', 1);
  const row = await db
    .selectFrom('audit_entries')
    .select((eb) => ['seq', headSeq(eb).as('head_seq')])
    .where('seq', '>', headSeq)
    .orderBy('seq')
    .limit(1)
    .executeTakeFirst();
  return row ? { seq: Number(row.seq), headSeq: Number(row.head_seq) } : null;
}

export async function listAuditEntriesForCase(db: Kysely<Database>, caseId: string, options: { beforeSeq?: number | undefined; limit: number }): Promise<AuditEntryRow[]> {
  let query = db.selectFrom('audit_entries').selectAll().where('case_id', '=', caseId);
  if (options.beforeSeq !== undefined) query = query.where('seq', '<', options.beforeSeq);
  return (await query.orderBy('seq', 'desc').limit(options.limit).execute()).map((row) => ({ ...row, seq: Number(row.seq) }));
}

export async function countAuditEntries(db: Kysely<Database>): Promise<number> {
  const row = await db.selectFrom('audit_entries').select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}
