import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../db/database.ts';
import type { Database, UserRow } from '../db/schema.ts';

/** A user row with nothing set up yet: no password, no second factor, no link. */
export function newUserRow(fields: Pick<UserRow, 'id' | 'email' | 'role' | 'display_name' | 'created_at'> & Partial<UserRow>): UserRow {
  return {
    password_hash: null,
    totp_secret: null,
    totp_enabled_at: null,
    recovery_codes: null,
    failed_logins: 0,
    locked_until: null,
    setup_token_hash: null,
    setup_expires_at: null,
    version: 1,
    updated_at: fields.created_at,
    disabled_at: null,
    ...fields,
  };
}

export async function insertUser(db: Kysely<Database>, row: UserRow): Promise<void> {
  await db.insertInto('users').values(row).execute();
}

export async function findUserById(db: Kysely<Database>, id: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findUserByEmail(db: Kysely<Database>, email: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
}

export async function findUserBySetupHash(db: Kysely<Database>, setupHash: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('setup_token_hash', '=', setupHash).executeTakeFirst();
}

/** Users by id (time-ordered), after a cursor. */
export async function listUserRows(db: Kysely<Database>, options: { afterId?: string | undefined; limit: number }): Promise<UserRow[]> {
  let query = db.selectFrom('users').selectAll();
  if (options.afterId) query = query.where('id', '>', options.afterId);
  return query.orderBy('id').limit(options.limit).execute();
}

export type UserChange = Partial<Omit<UserRow, 'id' | 'created_at'>>;

/**
 * Changes a user if the row still holds what the caller read (`expect`): a version for edits,
 * or the sealed TOTP state and recovery codes for sign-in, so two concurrent sign-ins cannot
 * both use the same code. Returns whether the row was changed.
 */
export async function updateUserIf(
  db: Kysely<Database>,
  id: string,
  expect: { version?: number; totp_secret?: string | null; recovery_codes?: string | null; setup_token_hash?: string | null },
  change: UserChange,
): Promise<boolean> {
  let query = db.updateTable('users').set(change).where('id', '=', id);
  if (expect.version !== undefined) query = query.where('version', '=', expect.version);
  for (const column of ['totp_secret', 'recovery_codes', 'setup_token_hash'] as const) {
    if (!(column in expect)) continue;
    const value = expect[column];
    query = value === null ? query.where(column, 'is', null) : query.where(column, '=', value!);
  }
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Counts one more failed sign-in and returns the new count. */
export async function addFailedLogin(db: Kysely<Database>, id: string): Promise<number> {
  const row = await db
    .updateTable('users')
    .set({ failed_logins: sql<number>`failed_logins + 1` })
    .where('id', '=', id)
    .returning('failed_logins')
    .executeTakeFirst();
  return Number(row?.failed_logins ?? 0);
}

/**
 * The ids of the admins who can act, locked on PostgreSQL until the transaction ends, so two
 * admins demoting each other at once cannot leave the deployment without one.
 */
export async function lockActiveAdmins(trx: Kysely<Database>, dialect: Dialect): Promise<string[]> {
  const query = trx.selectFrom('users').select('id').where('role', '=', 'admin').where('disabled_at', 'is', null);
  const rows = dialect === 'postgres' ? await query.forUpdate().execute() : await query.execute();
  return rows.map((row) => row.id);
}
