import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../db/database.ts';
import type { DataKeyRow, Database } from '../db/schema.ts';

const KEY_SALT = 'key_salt';

/**
 * Whether a table exists yet: the key is checked before migrations run, and a store made before
 * the protection migration has neither `data_keys` nor `settings`.
 */
async function tableExists(db: Kysely<Database>, dialect: Dialect, table: string): Promise<boolean> {
  const query =
    dialect === 'postgres'
      ? sql<{ present: boolean }>`select to_regclass(${table}::text) is not null as present`
      : sql<{ present: number }>`select count(*) as present from sqlite_master where type = 'table' and name = ${table}`;
  return Boolean((await query.execute(db)).rows[0]?.present);
}

/** Every wrapped data key, oldest first; null while the table does not exist. */
export async function listDataKeys(db: Kysely<Database>, dialect: Dialect): Promise<DataKeyRow[] | null> {
  if (!(await tableExists(db, dialect, 'data_keys'))) return null;
  return db.selectFrom('data_keys').selectAll().orderBy('created_at').orderBy('id').execute();
}

export async function insertDataKey(db: Kysely<Database>, row: DataKeyRow): Promise<void> {
  await db.insertInto('data_keys').values(row).execute();
}

export async function updateWrappedDataKey(db: Kysely<Database>, id: string, wrapped: string): Promise<void> {
  await db.updateTable('data_keys').set({ wrapped }).where('id', '=', id).execute();
}

/** The passphrase salt of a PostgreSQL store; null before the settings table or the row exists. */
export async function readKeySalt(db: Kysely<Database>, dialect: Dialect): Promise<string | null> {
  if (!(await tableExists(db, dialect, 'settings'))) return null;
  const row = await db.selectFrom('settings').select('value').where('name', '=', KEY_SALT).executeTakeFirst();
  return row?.value ?? null;
}

/** Stores the salt of a new store; a salt already there is never replaced. */
export async function saveKeySalt(db: Kysely<Database>, salt: string): Promise<void> {
  await db
    .insertInto('settings')
    .values({ name: KEY_SALT, value: salt })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
}
