import { sql, type Kysely } from 'kysely';

/**
 * When a person was last published (ISO time; null while unpublished), so that the public feed lists
 * cases in the order they came onto the register, not by case number: an old case published today
 * is news. The existing published persons are backfilled with when they were recorded: the
 * revisions that would say when they were published are sealed with the field key, which a
 * migration does not hold (the register's pages still read the exact time from the revisions).
 * The partial index is the feed's: the newest publications of the persons on the register.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('persons').addColumn('published_at', 'text').execute();
  await db.updateTable('persons').set({ published_at: sql`created_at` }).where('published', '=', 1).execute();
  await sql`
    create index persons_public_feed_idx on persons (published_at, case_seq)
    where published = 1 and retracted_at is null and duplicate_of is null
  `.execute(db);
}
