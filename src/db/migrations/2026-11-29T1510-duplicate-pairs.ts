import type { Kysely } from 'kysely';

/**
 * Duplicate review (issue 6). A reviewer's decision that two persons are different people, so the
 * pair is no longer offered as a possible duplicate; undoing it keeps the row (undone_at), as
 * nothing is deleted. Merges need no table: a merged person's duplicate_of names its survivor,
 * and the index finds the records merged into a person.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('person_distinct_pairs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    // person_a < person_b, so a pair has one row whichever side it was decided from.
    .addColumn('person_a', 'text', (c) => c.notNull())
    .addColumn('person_b', 'text', (c) => c.notNull())
    .addColumn('case_a', 'text', (c) => c.notNull())
    .addColumn('case_b', 'text', (c) => c.notNull())
    .addColumn('decided_by', 'text', (c) => c.notNull())
    .addColumn('decided_at', 'text', (c) => c.notNull())
    // Sealed.
    .addColumn('reason', 'text')
    .addColumn('undone_at', 'text')
    .addColumn('undone_by', 'text')
    .addColumn('version', 'integer', (c) => c.notNull())
    .addUniqueConstraint('person_distinct_pairs_pair_uq', ['person_a', 'person_b'])
    .execute();
  await db.schema.createIndex('person_distinct_pairs_b_idx').on('person_distinct_pairs').column('person_b').execute();
  await db.schema.createIndex('persons_duplicate_of_idx').on('persons').column('duplicate_of').execute();
}
