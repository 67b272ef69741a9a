import type { Kysely } from 'kysely';

/**
 * The directory of addressees (issue 7): authorities, diplomatic missions, UN bodies, NGOs and
 * media an urgent action or a press brief is written to. Organisation-wide, not case data (no
 * case_id); versioned and retracted like every record. `languages` is a JSON array of BCP 47 tags;
 * `note` (how to reach them, who answered last time) is sealed by the repository.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('directory_entries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('country', 'text')
    .addColumn('salutation', 'text')
    .addColumn('address', 'text')
    .addColumn('email', 'text')
    .addColumn('phone', 'text')
    .addColumn('fax', 'text')
    .addColumn('website', 'text')
    .addColumn('languages', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('note', 'text')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('retracted_at', 'text')
    .addColumn('retraction_reason', 'text')
    .execute();
  await db.schema.createIndex('directory_entries_name_idx').on('directory_entries').columns(['name', 'id']).execute();
  await db.schema.createIndex('directory_entries_country_idx').on('directory_entries').columns(['country', 'kind']).execute();
}
