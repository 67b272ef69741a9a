import { expressionBuilder, sql, type Kysely } from 'kysely';
import { inCaseScope, type CaseScope } from '../access/access.repository.ts';
import type { Database } from '../db/schema.ts';

type Db = Kysely<Database>;

/** Statuses that mean the person was deprived of liberty: the first of them dates the detention. */
export const DETENTION_STATUSES = ['detained', 'camp', 'imprisoned', 'disappeared', 'forced_psychiatric', 'house_arrest'] as const;

/** Whose persons are counted: a reader's cases, or the published persons (the public register). */
export type CountedPersons = { scope: CaseScope } | { published: true };

/** One group of persons alike in every counted column, and how many. */
export interface StatsGroup {
  status: string | null;
  ethnicity: string | null;
  hometown: string | null;
  year: number | null;
  count: number;
}

/**
 * The persons counted, grouped by every dimension at once. Retracted persons and merged duplicates
 * are never counted; on the public register a hometown is read only where consent shows the location.
 * Over many persons, one pass over the partial index persons_stats_idx (same condition) answers all
 * four counts, each row's case checked (on SQLite) against the reader's case list held in memory (the
 * list form of inCaseScope: a lookup per row took 10 s for a member of 10^6 cases); a member of few cases
 * starts from her cases instead, and the public register reads persons_public_stats_idx (published only). SQLite is told which index: without statistics its planner took
 * the duplicate_of index and read every row from the table (4.6 s instead of 0.5 s over 10^6 persons).
 */
export async function countPersonGroups(db: Db, dialect: 'sqlite' | 'postgres', counted: CountedPersons): Promise<StatsGroup[]> {
  const isPublic = 'published' in counted;
  const fewCases = !isPublic && !counted.scope.all && !counted.scope.dense;
  // Only a consent that shows the location (exactly or by region) lets the hometown count; none recorded hides it.
  const hometown = isPublic
    ? sql`case when persons.consent like ${'%"location":"exact"%'} or persons.consent like ${'%"location":"region"%'} then persons.hometown end`
    : sql`persons.hometown`;
  // PostgreSQL keeps the per-row lookup: its list of 10^6 cases outgrew work_mem and was searched row by row (minutes).
  const readable = isPublic
    ? sql`persons.published = 1`
    : inCaseScope(expressionBuilder<Database, 'persons'>(), 'persons.case_id', counted.scope.all || dialect === 'postgres' ? counted.scope : { ...counted.scope, dense: false });
  const index = isPublic ? 'persons_public_stats_idx' : fewCases ? 'persons_case_idx' : 'persons_stats_idx';
  const from = dialect === 'postgres' ? sql`persons` : sql`persons indexed by ${sql.raw(index)}`;
  const { rows } = await sql<{ status: string | null; ethnicity: string | null; hometown: string | null; year: number | string | null; count: number | string }>`
    select persons.current_status as status, persons.ethnicity as ethnicity, ${hometown} as hometown, persons.detention_year as year, count(*) as count
    from ${from}
    where persons.retracted_at is null and persons.duplicate_of is null and ${readable}
    group by 1, 2, 3, 4`.execute(db);
  return rows.map((row) => ({ status: row.status, ethnicity: row.ethnicity, hometown: row.hometown, year: row.year === null ? null : Number(row.year), count: Number(row.count) }));
}

/** Derives the person's year of detention again from the standing timeline (in the timeline writer's transaction). */
export async function refreshDetentionYear(db: Db, personId: string): Promise<void> {
  const first = await db
    .selectFrom('status_entries')
    .select((eb) => eb.fn.min('date_earliest').as('earliest'))
    .where('person_id', '=', personId)
    .where('retracted_at', 'is', null)
    .where('status', 'in', DETENTION_STATUSES)
    .executeTakeFirst();
  await db.updateTable('persons').set({ detention_year: yearOf(first?.earliest ?? null) }).where('id', '=', personId).execute();
}

/** The year of an ISO day (`2021-02-19` → 2021); null for none or a year outside 0–9999. */
export function yearOf(isoDay: string | null): number | null {
  const match = isoDay === null ? null : /^(\d{4})-/.exec(isoDay);
  return match ? Number(match[1]) : null;
}
