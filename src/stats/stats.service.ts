import { listScope } from '../access/access.service.ts';
import type { Principal } from '../auth/roles.ts';
import type { ServiceContext } from '../services.ts';
import { regionOf, UNKNOWN_REGION } from './regions.ts';
import { countPersonGroups, type CountedPersons, type StatsGroup } from './stats.repository.ts';

export const STATS_DIMENSIONS = ['status', 'ethnicity', 'region', 'year'] as const;
export type StatsDimension = (typeof STATS_DIMENSIONS)[number];

/** A missing ethnicity, region or year is counted under this key. */
export const UNKNOWN_KEY = UNKNOWN_REGION;
/** A person with no status entry; "unknown" is a status of its own (whereabouts unknown). */
export const NO_STATUS_KEY = 'none';

export interface StatsCount {
  key: string;
  count: number;
}

export interface Statistics {
  by_status: StatsCount[];
  by_ethnicity: StatsCount[];
  by_region: StatsCount[];
  by_year: StatsCount[];
  total: number;
}

const missing = (count: StatsCount): number => Number(count.key === UNKNOWN_KEY || count.key === NO_STATUS_KEY);

/** Largest first, ties by key; what was not recorded last. */
function byCount(a: StatsCount, b: StatsCount): number {
  return missing(a) - missing(b) || b.count - a.count || a.key.localeCompare(b.key);
}

/** Years in order, "unknown" last. */
function byYear(a: StatsCount, b: StatsCount): number {
  return Number(a.key === UNKNOWN_KEY) - Number(b.key === UNKNOWN_KEY) || a.key.localeCompare(b.key);
}

/** Folds the groups into one count per dimension; a hometown is read once per distinct spelling. */
export function summarise(groups: readonly StatsGroup[]): Statistics {
  const tallies = { status: new Map<string, number>(), ethnicity: new Map<string, number>(), region: new Map<string, number>(), year: new Map<string, number>() };
  const regions = new Map<string | null, string>();
  let total = 0;
  const add = (tally: Map<string, number>, key: string | null, count: number, missing = UNKNOWN_KEY) => {
    const k = key === null || key.trim() === '' ? missing : key;
    tally.set(k, (tally.get(k) ?? 0) + count);
  };
  for (const group of groups) {
    let region = regions.get(group.hometown);
    if (region === undefined) regions.set(group.hometown, (region = regionOf(group.hometown)));
    add(tallies.status, group.status, group.count, NO_STATUS_KEY);
    add(tallies.ethnicity, group.ethnicity, group.count);
    add(tallies.region, region, group.count);
    add(tallies.year, group.year === null ? null : String(group.year).padStart(4, '0'), group.count);
    total += group.count;
  }
  const list = (tally: Map<string, number>, order: (a: StatsCount, b: StatsCount) => number) => [...tally].map(([key, count]) => ({ key, count })).sort(order);
  return { by_status: list(tallies.status, byCount), by_ethnicity: list(tallies.ethnicity, byCount), by_region: list(tallies.region, byCount), by_year: list(tallies.year, byYear), total };
}

async function countOf(ctx: ServiceContext, counted: CountedPersons): Promise<Statistics> {
  return summarise(await countPersonGroups(ctx.db, ctx.dialect, counted));
}

/**
 * Counts over exactly the cases the persons list shows this reader (listScope: her memberships and
 * open break-glass; everything for the operator), since a count over cases one may not read would
 * tell what is in them; retracted persons and merged duplicates are not counted.
 */
export async function statistics(ctx: ServiceContext, principal: Principal): Promise<Statistics> {
  return countOf(ctx, { scope: await listScope(ctx, principal) });
}

/**
 * The reader's counts for the dashboard, only where they cost little: a member of fewer cases than
 * the dense threshold. The operator and a member of very many cases count up to every person
 * (0.3–3 s at 10⁶ persons, bench/RESULTS.md): the dashboard, opened all day, links them to /stats.
 */
export async function dashboardStatistics(ctx: ServiceContext, principal: Principal): Promise<Statistics | null> {
  const scope = await listScope(ctx, principal);
  return scope.all || scope.dense ? null : countOf(ctx, { scope });
}

/** Counts over the published persons only, for the public register; a hidden location counts as an unknown region. */
export async function publicStatistics(ctx: ServiceContext): Promise<Statistics> {
  return countOf(ctx, { published: true });
}

/** A spreadsheet would run a cell that starts like a formula: such a cell is quoted as text. */
export function csvCell(value: string | number): string {
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}

/** `dimension,key,count`, one row per count, CRLF line ends (RFC 4180). */
export function statisticsCsv(stats: Statistics): string {
  const rows = [['dimension', 'key', 'count']];
  for (const dimension of STATS_DIMENSIONS) for (const { key, count } of stats[`by_${dimension}`]) rows.push([dimension, key, String(count)]);
  return rows.map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}
