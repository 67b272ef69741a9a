import type { Kysely } from 'kysely';

/**
 * Name search reads a query's keys within the reader's cases, and bounds what it reads of a common
 * key: an index on (key, case_id, person_id) answers both from the index alone — a member of few
 * cases seeks (key, case) pairs, and a key's rows are counted and read without touching the table.
 * It replaces the (key, person_id) index, which it covers.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('person_name_keys_key_case_idx').on('person_name_keys').columns(['key', 'case_id', 'person_id']).execute();
  await db.schema.dropIndex('person_name_keys_key_idx').execute();
}
