import { sql, type Kysely } from 'kysely';

/**
 * Import (issue 7): a person brought in from another system keeps that system's id for it (a
 * Vigil export's record id, a spreadsheet's `external_id`), so importing the same file again finds
 * the person instead of making a second one. Kept plain: it is another system's row key, not a
 * fact about the person, and export writes it back out. At most one person per external id.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('persons').addColumn('external_id', 'text').execute();
  await db.schema
    .createIndex('persons_external_id_uq')
    .on('persons')
    .column('external_id')
    .unique()
    .where(sql.ref('external_id'), 'is not', null)
    .execute();
}
