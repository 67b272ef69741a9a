import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';

export async function findSetting(db: Kysely<Database>, name: string): Promise<string | undefined> {
  const row = await db.selectFrom('settings').select('value').where('name', '=', name).executeTakeFirst();
  return row?.value;
}

/** Stores a setting unless one of that name exists; several processes starting at once keep the first. */
export async function insertSettingIfAbsent(db: Kysely<Database>, name: string, value: string): Promise<void> {
  await db.insertInto('settings').values({ name, value }).onConflict((conflict) => conflict.column('name').doNothing()).execute();
}

/** Stores a setting, replacing its value. */
export async function saveSetting(db: Kysely<Database>, name: string, value: string): Promise<void> {
  await db.insertInto('settings').values({ name, value }).onConflict((conflict) => conflict.column('name').doUpdateSet({ value })).execute();
}
