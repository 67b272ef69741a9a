import type { Kysely } from 'kysely';
import { inCaseScope, type CaseScope } from '../access/access.repository.ts';
import type { Dialect } from '../db/database.ts';
import type { Database } from '../db/schema.ts';
import { sealContext, type FieldCipher } from '../keys/field-cipher.ts';

/** The SQL of duplicate review: pairs decided to be different people, merged records, relatives. */

type Db = Kysely<Database>;

export interface DistinctPair {
  id: string;
  person_a: string;
  person_b: string;
  decided_by: string;
  decided_at: string;
  reason: string | null;
  undone_at: string | null;
  version: number;
}

/** A pair is stored once, smaller id first. */
export function orderedPair(x: string, y: string): [string, string] {
  return x < y ? [x, y] : [y, x];
}

export async function findDistinctPair(db: Db, cipher: FieldCipher, x: string, y: string): Promise<DistinctPair | null> {
  const [a, b] = orderedPair(x, y);
  const row = await db.selectFrom('person_distinct_pairs').selectAll().where('person_a', '=', a).where('person_b', '=', b).executeTakeFirst();
  if (!row) return null;
  return {
    id: row.id,
    person_a: row.person_a,
    person_b: row.person_b,
    decided_by: row.decided_by,
    decided_at: row.decided_at,
    reason: cipher.openNullable(row.reason, sealContext('person_distinct_pairs', 'reason', row.id)),
    undone_at: row.undone_at,
    version: row.version,
  };
}

/** Writes a new decision; false when the pair was decided meanwhile (someone else's decision stands). */
export async function insertDistinctPair(
  db: Db,
  cipher: FieldCipher,
  pair: { id: string; person_a: string; person_b: string; case_a: string; case_b: string; decided_by: string; decided_at: string; reason: string | null },
): Promise<boolean> {
  const result = await db
    .insertInto('person_distinct_pairs')
    .values({ ...pair, reason: cipher.sealNullable(pair.reason, sealContext('person_distinct_pairs', 'reason', pair.id)), undone_at: null, undone_by: null, version: 1 })
    .onConflict((conflict) => conflict.columns(['person_a', 'person_b']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

/** What a merge depends on, for both persons, locked until the transaction ends on PostgreSQL (in id order: no deadlock). */
export async function lockMergeSides(db: Db, dialect: Dialect, ids: [string, string]): Promise<Map<string, { duplicate_of: string | null; retracted_at: string | null }>> {
  let query = db.selectFrom('persons').select(['id', 'duplicate_of', 'retracted_at']).where('id', 'in', ids).orderBy('id');
  if (dialect === 'postgres') query = query.forUpdate();
  return new Map((await query.execute()).map((row) => [row.id, row]));
}

/** Marks an undone pair as decided again; false when someone changed it first. */
export async function redecideDistinctPair(
  db: Db,
  cipher: FieldCipher,
  id: string,
  expectedVersion: number,
  change: { decided_by: string; decided_at: string; reason: string | null },
): Promise<boolean> {
  const result = await db
    .updateTable('person_distinct_pairs')
    .set({ ...change, reason: cipher.sealNullable(change.reason, sealContext('person_distinct_pairs', 'reason', id)), undone_at: null, undone_by: null, version: expectedVersion + 1 })
    .where('id', '=', id)
    .where('version', '=', expectedVersion)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function undoDistinctPair(db: Db, id: string, expectedVersion: number, undone: { by: string; at: string }): Promise<boolean> {
  const result = await db
    .updateTable('person_distinct_pairs')
    .set({ undone_at: undone.at, undone_by: undone.by, version: expectedVersion + 1 })
    .where('id', '=', id)
    .where('version', '=', expectedVersion)
    .where('undone_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** The persons this one was decided to be different from (decisions in force). */
export async function listDistinctPartners(db: Db, personId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('person_distinct_pairs')
    .select(['person_a', 'person_b'])
    .where((eb) => eb.or([eb('person_a', '=', personId), eb('person_b', '=', personId)]))
    .where('undone_at', 'is', null)
    .execute();
  return rows.map((row) => (row.person_a === personId ? row.person_b : row.person_a));
}

/** Records merged into these persons (duplicate_of names them), within the scope, not retracted. */
export async function listMergedInto(db: Db, survivorIds: string[], scope: CaseScope): Promise<Array<{ id: string; case_number: string; duplicate_of: string }>> {
  if (survivorIds.length === 0) return [];
  const rows = await db
    .selectFrom('persons')
    .select(['id', 'case_number', 'duplicate_of'])
    .where('duplicate_of', 'in', survivorIds)
    .where('retracted_at', 'is', null)
    .where((eb) => inCaseScope(eb, 'persons.case_id', scope))
    .orderBy('case_seq')
    .execute();
  return rows.map((row) => ({ id: row.id, case_number: row.case_number, duplicate_of: row.duplicate_of! }));
}

/** Whether any record, whoever may see it, is merged into this person. */
export async function hasMergedRecords(db: Db, survivorId: string): Promise<boolean> {
  const row = await db.selectFrom('persons').select('id').where('duplicate_of', '=', survivorId).where('retracted_at', 'is', null).executeTakeFirst();
  return row !== undefined;
}

/** The persons related to each of these persons, by either end of a relation, both within the scope. */
export async function listRelativeIds(db: Db, personIds: string[], scope: CaseScope): Promise<Map<string, string[]>> {
  const byPerson = new Map<string, string[]>(personIds.map((id) => [id, []]));
  if (personIds.length === 0) return byPerson;
  const rows = await db
    .selectFrom('relations')
    .innerJoin('persons as other', (join) =>
      join.on((eb) =>
        eb.or([
          eb.and([eb('relations.from_person_id', 'in', personIds), eb('other.id', '=', eb.ref('relations.to_person_id'))]),
          eb.and([eb('relations.to_person_id', 'in', personIds), eb('other.id', '=', eb.ref('relations.from_person_id'))]),
        ]),
      ),
    )
    .select(['relations.from_person_id', 'relations.to_person_id', 'other.id as other_id'])
    .where('relations.retracted_at', 'is', null)
    .where('other.retracted_at', 'is', null)
    .where((eb) => inCaseScope(eb, 'relations.case_id', scope))
    .where((eb) => inCaseScope(eb, 'other.case_id', scope))
    .limit(personIds.length * 30)
    .execute();
  for (const row of rows) {
    const self = row.other_id === row.to_person_id ? row.from_person_id : row.to_person_id;
    const list = byPerson.get(self);
    if (list && !list.includes(row.other_id)) list.push(row.other_id);
  }
  return byPerson;
}
