import { sql, type Kysely } from 'kysely';

/**
 * The public register lists the published persons in case-number order, a page at a time, at 10^6
 * persons: a partial index of the published ones alone, keyed by case_seq, so a page is one short
 * range read (in either direction: the Atom feed reads the newest from its end) however few persons
 * are published. It holds the list's filters (status, ethnicity) and the condition's columns, so a
 * filtered page skips the rows it does not show within the index, without reading them from the table.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create index persons_public_list_idx on persons (case_seq, current_status, ethnicity, published, retracted_at, duplicate_of)
    where published = 1 and retracted_at is null and duplicate_of is null
  `.execute(db);
  // A name search on the register may find only persons published with their names. Checking each
  // name-key row against the persons table read up to 20,000 scattered rows (2–4 s at 10^6 persons);
  // this small index of those persons alone (its condition's columns in it, so SQLite never opens the
  // table) answers each check in memory. The pattern is the one in public.repository.ts (NAMED_CONSENT_SQL).
  await sql`
    create index persons_public_named_idx on persons (id, published, retracted_at, duplicate_of, consent)
    where published = 1 and retracted_at is null and duplicate_of is null and consent like '%"publicity":"named"%'
  `.execute(db);
}
