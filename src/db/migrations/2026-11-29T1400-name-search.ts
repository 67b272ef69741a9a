import type { Kysely } from 'kysely';

/**
 * Cross-script name search (issue 6). Every name form of a person gives a few script-independent
 * phonetic keys (src/search/name-keys.ts); the table keeps each key only as a keyed hash (HMAC under
 * a sealed per-deployment key), so it reveals nothing of a name without the deployment key, and a
 * query finds its candidates by exact lookup of its own keys' hashes.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('person_name_keys')
    .addColumn('person_id', 'text', (c) => c.notNull())
    .addColumn('case_id', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('person_name_keys_pk', ['person_id', 'key'])
    .execute();
  await db.schema.createIndex('person_name_keys_key_idx').on('person_name_keys').columns(['key', 'person_id']).execute();
}
