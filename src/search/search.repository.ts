import { sql, type Kysely, type SelectQueryBuilder } from 'kysely';
import { inCaseScope, type CaseScope } from '../access/access.repository.ts';
import type { Dialect } from '../db/database.ts';
import type { Database } from '../db/schema.ts';

/** The SQL of name search: a person's hashed name keys, and the persons a query's keys find. */

type Db = Kysely<Database>;
const CHUNK = 500;

/** `fresh`: the person is being created, so it has no keys to delete. */
export async function replaceNameKeys(db: Db, personId: string, caseId: string, keys: string[], fresh = false): Promise<void> {
  if (!fresh) await db.deleteFrom('person_name_keys').where('person_id', '=', personId).execute();
  const rows = [...new Set(keys)].map((key) => ({ person_id: personId, case_id: caseId, key }));
  for (let i = 0; i < rows.length; i += CHUNK) await db.insertInto('person_name_keys').values(rows.slice(i, i + CHUNK)).execute();
}

/**
 * How much of the index one query reads: rows of one key counted at most (a key with more is
 * common, read only in the last resort); key rows read in all, over the query's rarest keys; rows of
 * a common key walked at most while looking for persons who also have the query's next key.
 */
export interface CandidateBounds {
  keyRowCap: number;
  rowBudget: number;
  commonKeyScan: number;
}
export const CANDIDATE_BOUNDS: CandidateBounds = { keyRowCap: 1_000, rowBudget: 3_000, commonKeyScan: 5_000 };

/**
 * Persons sharing the most keys with the query first, within what the reader may see; at most
 * `limit`. The work is bounded whatever the store's size: a member of few cases seeks the query's
 * keys within those cases only; anyone else (the operator, a member of very many cases) reads the
 * rows of the query's rarest keys, at most rowBudget of them (a rare key tells more than a
 * common one), and the scope is checked on those rows alone. When every key is common (a name
 * shared by thousands), candidates are persons with both of the query's first two keys, found
 * within the first commonKeyScan rows of the first: among that many namesakes no order is right.
 */
export async function findCandidates(db: Db, keys: string[], scope: CaseScope, limit: number, bounds = CANDIDATE_BOUNDS): Promise<string[]> {
  if (keys.length === 0) return [];
  if (!scope.all && !scope.dense) return rankRows(db, db.selectFrom('person_name_keys').select(['person_id', 'case_id']).where('key', 'in', keys), scope, limit);
  const counts = await countKeyRows(db, keys, bounds.keyRowCap + 1);
  const rarest = keys.map((key, i) => ({ key, rows: counts[i]! })).sort((a, b) => a.rows - b.rows);
  const chosen: string[] = [];
  let total = 0;
  for (const { key, rows } of rarest) {
    // A key no one has (a typo, an unknown surname) tells nothing: it must not stand for the rare keys.
    if (rows === 0) continue;
    if (rows > bounds.keyRowCap || total + rows > bounds.rowBudget) break;
    chosen.push(key);
    total += rows;
  }
  if (chosen.length > 0) return rankRows(db, db.selectFrom('person_name_keys').select(['person_id', 'case_id']).where('key', 'in', chosen), scope, limit);
  const present = keys.filter((_, i) => counts[i]! > 0);
  if (present.length === 0) return [];
  const [first, second] = present as [string, string | undefined];
  const head = db.selectFrom('person_name_keys').select(['person_id', 'case_id']).where('key', '=', first).limit(second ? bounds.commonKeyScan : bounds.keyRowCap);
  const rows = second
    ? db
        .selectFrom(head.as('head'))
        .select(['head.person_id', 'head.case_id'])
        .where(({ exists, selectFrom }) => exists(selectFrom('person_name_keys as other').select('other.person_id').whereRef('other.person_id', '=', 'head.person_id').where('other.key', '=', second)))
    : db.selectFrom(head.as('head')).select(['head.person_id', 'head.case_id']);
  const found = await db
    .selectFrom(rows.as('r'))
    .select('r.person_id')
    .where((eb) => inCaseScope(eb, 'r.case_id', scope))
    .limit(limit)
    .execute();
  return found.map((row) => row.person_id);
}

type KeyRows = SelectQueryBuilder<Database, 'person_name_keys', { person_id: string; case_id: string }>;

/** Of the given key rows, the persons in scope with the most rows (keys shared) first. */
async function rankRows(db: Db, rows: KeyRows, scope: CaseScope, limit: number): Promise<string[]> {
  const ranked = await db
    .selectFrom(rows.as('r'))
    .select(['r.person_id', (eb) => eb.fn.countAll<number>().as('hits')])
    .where((eb) => inCaseScope(eb, 'r.case_id', scope))
    .groupBy('r.person_id')
    .orderBy('hits', 'desc')
    .orderBy('r.person_id')
    .limit(limit)
    .execute();
  return ranked.map((row) => row.person_id);
}

/** How many rows each key has, each counted up to `cap` (from the index alone). */
async function countKeyRows(db: Db, keys: string[], cap: number): Promise<number[]> {
  const parts = keys.map((key, i) => sql<{ i: number; n: number }>`select ${sql.lit(i)} as i, count(*) as n from (select 1 as one from person_name_keys where key = ${key} limit ${sql.lit(cap)}) as ${sql.raw(`k${i}`)}`);
  const result = await sql<{ i: number; n: number | string }>`${sql.join(parts, sql` union all `)}`.execute(db);
  const counts = new Array<number>(keys.length).fill(0);
  for (const row of result.rows) counts[Number(row.i)] = Number(row.n);
  return counts;
}

// ---------------------------------------------------------------------------------------------
// Rebuilding the index page by page

export interface IndexPagePerson {
  id: string;
  case_id: string;
  version: number;
}

/** A name as stored (text sealed), for the rebuild to open and key off the main thread. */
export interface SealedPersonName {
  id: string;
  person_id: string;
  text: string;
}

/** One page of persons in id order after `after`, with their names (sealed, in position order). */
export async function readIndexPage(db: Db, after: string, limit: number): Promise<{ persons: IndexPagePerson[]; names: SealedPersonName[] }> {
  const persons = await db.selectFrom('persons').select(['id', 'case_id', 'version']).where('id', '>', after).orderBy('id').limit(limit).execute();
  if (persons.length === 0) return { persons, names: [] };
  // By range, not by a list of ids: one walk of the (person_id, position) index.
  const names = await db
    .selectFrom('person_names')
    .select(['id', 'person_id', 'text'])
    .where('person_id', '>', after)
    .where('person_id', '<=', persons.at(-1)!.id)
    .orderBy('person_id')
    .orderBy('position')
    .execute();
  return { persons, names };
}

/**
 * Replaces the keys of many persons at once: `rows` is flat (person_id, case_id, key, person_id, …),
 * and names every person's keys, so the persons in `personIds` lose any key not among them.
 */
export async function replaceNameKeysOfPersons(db: Db, dialect: Dialect, personIds: string[], rows: string[]): Promise<void> {
  if (dialect === 'postgres') {
    for (let i = 0; i < personIds.length; i += 5000) await db.deleteFrom('person_name_keys').where('person_id', 'in', personIds.slice(i, i + 5000)).execute();
    // One statement for any number of rows: three arrays, unnested.
    const column = (c: number) => rows.filter((_, i) => i % 3 === c);
    await sql`insert into person_name_keys (person_id, case_id, key) select * from unnest(${column(0)}::text[], ${column(1)}::text[], ${column(2)}::text[])`.execute(db);
    return;
  }
  await sql`delete from person_name_keys where person_id in (select value from json_each(${JSON.stringify(personIds)}))`.execute(db);
  // One statement for any number of rows: the flat list as one JSON parameter, walked three by three.
  await sql`insert into person_name_keys (person_id, case_id, key)
    select value ->> 0, value ->> 1, value ->> 2 from json_each(${JSON.stringify(triples(rows))})`.execute(db);
}

function triples(rows: string[]): string[][] {
  const out: string[][] = [];
  for (let i = 0; i < rows.length; i += 3) out.push([rows[i]!, rows[i + 1]!, rows[i + 2]!]);
  return out;
}

/** Of the candidates, those a search's filters keep, with their case numbers (for ranking ties). */
export async function filterCandidatePersons(
  db: Db,
  ids: string[],
  filter: { status?: string | undefined; ethnicity?: string | undefined; risk?: string | undefined; includeRetracted?: boolean | undefined },
): Promise<Array<{ id: string; case_number: string }>> {
  if (ids.length === 0) return [];
  let query = db.selectFrom('persons').select(['id', 'case_number']).where('id', 'in', ids);
  if (filter.status) query = query.where('current_status', '=', filter.status);
  if (filter.ethnicity) query = query.where('ethnicity', '=', filter.ethnicity);
  if (filter.risk) query = query.where('risk', '=', filter.risk);
  if (!filter.includeRetracted) query = query.where('retracted_at', 'is', null);
  return query.execute();
}
