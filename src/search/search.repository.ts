import type { Kysely } from 'kysely';
import { inCaseScope, type CaseScope } from '../access/access.repository.ts';
import type { Database } from '../db/schema.ts';

/** The SQL of name search: a person's hashed name keys, and the persons a query's keys find. */

type Db = Kysely<Database>;
const CHUNK = 500;

export async function replaceNameKeys(db: Db, personId: string, caseId: string, keys: string[]): Promise<void> {
  await db.deleteFrom('person_name_keys').where('person_id', '=', personId).execute();
  const rows = [...new Set(keys)].map((key) => ({ person_id: personId, case_id: caseId, key }));
  for (let i = 0; i < rows.length; i += CHUNK) await db.insertInto('person_name_keys').values(rows.slice(i, i + CHUNK)).execute();
}

/** Persons sharing the most keys with the query first, within what the reader may see; at most `limit`. */
export async function findCandidates(db: Db, keys: string[], scope: CaseScope, limit: number): Promise<string[]> {
  if (keys.length === 0) return [];
  const rows = await db
    .selectFrom('person_name_keys')
    .select(['person_id', (eb) => eb.fn.countAll<number>().as('hits')])
    .where('key', 'in', keys)
    .where((eb) => inCaseScope(eb, 'person_name_keys.case_id', scope))
    .groupBy('person_id')
    .orderBy('hits', 'desc')
    .orderBy('person_id')
    .limit(limit)
    .execute();
  return rows.map((row) => row.person_id);
}

/** One page of persons, in id order after `after`: for rebuilding the index. */
export async function listPersonIdsAfter(db: Db, after: string, limit: number): Promise<Array<{ id: string; case_id: string }>> {
  return db.selectFrom('persons').select(['id', 'case_id']).where('id', '>', after).orderBy('id').limit(limit).execute();
}
