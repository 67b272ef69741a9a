import { sql, type Kysely } from 'kysely';

/**
 * Statistics count persons by year of detention: the year of a person's earliest standing status
 * entry of deprivation of liberty. Deriving it per person at read time over 10^6 persons took
 * seconds, so the timeline keeps it on the person row as it keeps the current status; and one
 * partial index holds every column a count reads (those of its own condition too: SQLite reads a
 * partial index's condition columns from the table unless the index holds them), so the counts are
 * read from the index alone, in group order.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('persons').addColumn('detention_year', 'integer').execute();
  // Frozen copy of the rule in stats.repository.ts (DETENTION_STATUSES) as of this migration.
  await sql`
    update persons set detention_year = (
      select case when substr(min(s.date_earliest), 1, 4) between '0000' and '9999' and substr(min(s.date_earliest), 5, 1) = '-'
                  then cast(substr(min(s.date_earliest), 1, 4) as integer) end
      from status_entries s
      where s.person_id = persons.id and s.retracted_at is null
        and s.status in ('detained', 'camp', 'imprisoned', 'disappeared', 'forced_psychiatric', 'house_arrest'))
    where exists (
      select 1 from status_entries s
      where s.person_id = persons.id and s.retracted_at is null
        and s.status in ('detained', 'camp', 'imprisoned', 'disappeared', 'forced_psychiatric', 'house_arrest'))
  `.execute(db);
  await sql`
    create index persons_stats_idx on persons (current_status, ethnicity, hometown, detention_year, case_id, published, retracted_at, duplicate_of)
    where retracted_at is null and duplicate_of is null
  `.execute(db);
  // The public register counts its few published persons from an index of their own (consent says whether the hometown may count).
  await sql`
    create index persons_public_stats_idx on persons (current_status, ethnicity, hometown, detention_year, consent, published, retracted_at, duplicate_of)
    where published = 1 and retracted_at is null and duplicate_of is null
  `.execute(db);
}
