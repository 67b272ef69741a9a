import type { Kysely } from 'kysely';

/**
 * Full-text search (issue 6) over sealed free text: notes, titles, descriptions, testimonies.
 * The text is sealed at rest, so an FTS5 table or a tsvector over it would undo the sealing;
 * instead each word's stem (src/search/text-keys.ts) is kept only as a keyed hash, one row per
 * record, secrecy class and key. `secret` (0/1) marks keys of secret fields (a person's notes, a
 * source's confidential identity), which only readers allowed secrets may match.
 *
 * - The primary key leads with the record: rewriting a record's keys (delete by record and class,
 *   then insert) touches one range, and whether a candidate holds a key is one seek.
 * - text_search_keys_key_idx answers a query: the records holding one key within one case (a
 *   reader's cases are looked up one by one), with the class to filter by, without reading the table.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('text_search_keys')
    .addColumn('entity', 'text', (c) => c.notNull())
    .addColumn('record_id', 'text', (c) => c.notNull())
    .addColumn('case_id', 'text')
    .addColumn('secret', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('key', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('text_search_keys_pk', ['record_id', 'entity', 'key', 'secret'])
    .execute();
  await db.schema.createIndex('text_search_keys_key_idx').on('text_search_keys').columns(['key', 'case_id', 'record_id', 'entity', 'secret']).execute();
}
