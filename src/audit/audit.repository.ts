import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../db/database.ts';
import type { AuditEntryRow, Database } from '../db/schema.ts';

/** Reads the chain head, locking it on PostgreSQL so concurrent appenders queue behind each other. */
export async function lockAuditHead(trx: Kysely<Database>, dialect: Dialect): Promise<{ seq: number; hash: string }> {
  const query = trx.selectFrom('audit_head').select(['seq', 'hash']).where('id', '=', 1);
  const row = dialect === 'postgres' ? await query.forUpdate().executeTakeFirstOrThrow() : await query.executeTakeFirstOrThrow();
  return { seq: Number(row.seq), hash: row.hash };
}

export async function insertAuditEntries(trx: Kysely<Database>, rows: AuditEntryRow[]): Promise<void> {
  if (rows.length === 0) return;
  await trx.insertInto('audit_entries').values(rows).execute();
  const last = rows.at(-1)!;
  await trx.updateTable('audit_head').set({ seq: last.seq, hash: last.hash }).where('id', '=', 1).execute();
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
