import { expressionBuilder, sql, type Kysely, type RawBuilder } from 'kysely';
import { inCaseScope, type CaseScope } from '../access/access.repository.ts';
import type { Database } from '../db/schema.ts';
import { sealContext, type FieldCipher } from '../keys/field-cipher.ts';
import { TEXT_ENTITIES, textEntity, type TextEntity } from './text-fields.ts';

/** The SQL of full-text search: a record's hashed text keys, the records a query's keys find, and their texts. */

type Db = Kysely<Database>;
const CHUNK = 500;

/** `fresh`: the record is being created, so it has no keys to delete. */
export async function replaceTextKeys(db: Db, doc: { entity: string; id: string; case_id: string | null; secret: boolean }, keys: string[], fresh = false): Promise<void> {
  const secret = doc.secret ? 1 : 0;
  if (!fresh) await db.deleteFrom('text_search_keys').where('record_id', '=', doc.id).where('entity', '=', doc.entity).where('secret', '=', secret).execute();
  const rows = [...new Set(keys)].map((key) => ({ entity: doc.entity, record_id: doc.id, case_id: doc.case_id, secret, key }));
  for (let i = 0; i < rows.length; i += CHUNK) await db.insertInto('text_search_keys').values(rows.slice(i, i + CHUNK)).execute();
}

/** Rows holding `key`, counted up to `cap`: how rare a key is, at a bounded cost. */
export async function countKeyRows(db: Db, key: string, cap: number): Promise<number> {
  const row = await db
    .selectFrom((eb) => eb.selectFrom('text_search_keys').select('record_id').where('key', '=', key).limit(cap).as('k'))
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Who may match which rows: a row of a case the reader may read; a secret row only where the reader
 * receives secrets (a non-viewer member, or an open break-glass; never a viewer by role).
 */
export interface TextScope {
  cases: CaseScope;
  secrets: 'all' | 'none' | 'member';
}

/**
 * Whether the reader receives the secrets of the case in `column`. A member of very many cases has
 * each case looked up (a list of their memberships would be read whole on every query).
 */
function secretsIn(column: string, scope: TextScope): RawBuilder<boolean> {
  if (scope.secrets === 'none') return sql<boolean>`1 = 0`;
  if (scope.secrets === 'all' || scope.cases.all) return sql<boolean>`1 = 1`;
  const { userId, now, dense } = scope.cases;
  const ref = sql.ref(column);
  const member = dense
    ? sql`exists (select 1 from case_members m where m.case_id = ${ref} and m.user_id = ${userId} and m.role <> 'viewer')`
    : sql`${ref} in (select case_id from case_members where user_id = ${userId} and role <> 'viewer')`;
  return sql<boolean>`(${ref} is null or ${member} or ${ref} in (select case_id from break_glass where user_id = ${userId} and expires_at > ${now}))`;
}

function visible(alias: string, scope: TextScope): RawBuilder<boolean> {
  const ref = (column: string) => sql.ref(`${alias}.${column}`);
  const readable = inCaseScope(expressionBuilder<Database, 'text_search_keys'>(), `${alias}.case_id`, scope.cases, true);
  return sql<boolean>`((${ref('secret')} = 0 and ${readable}) or (${ref('secret')} = 1 and ${secretsIn(`${alias}.case_id`, scope)}))`;
}

/** Whether the record a row names is live: each kind's own table says (ids never repeat across kinds' rows of one entity). */
function notRetracted(alias: string): RawBuilder<boolean> {
  const branches = TEXT_ENTITIES.map((e) => sql`when ${e.entity} then (select retracted_at from ${sql.table(e.table)} where id = ${sql.ref(`${alias}.record_id`)})`);
  return sql<boolean>`(case ${sql.ref(`${alias}.entity`)} ${sql.join(branches, sql` `)} end) is null`;
}

export interface TextCandidate {
  entity: string;
  record_id: string;
}

/**
 * The first key's rows to check: entity, record_id, case_id, secret; at most `cap`. A member of few
 * cases starts from their cases (a seek per case on key and case); the operator and members of very
 * many cases take the first `cap` rows the key's index yields, whoever's they are, so a query reads
 * at most `cap` rows of a key whatever the store's size (findTextMatches checks each row's case).
 */
function candidateRows(key: string, scope: TextScope, cap: number): RawBuilder<unknown> {
  const { cases } = scope;
  if (cases.all || cases.dense) return sql`(select entity, record_id, case_id, secret from text_search_keys where key = ${key} limit ${cap})`;
  // A literal: PostgreSQL would read a bare parameter in a select list as text.
  const allow = sql.lit(scope.secrets === 'none' ? 0 : 1);
  const { userId, now } = cases;
  const readable = sql`(select case_id, max(secrets_ok) as secrets_ok from (
      select case_id, case when role <> 'viewer' then ${allow} else 0 end as secrets_ok from case_members where user_id = ${userId}
      union all
      select case_id, ${allow} as secrets_ok from break_glass where user_id = ${userId} and expires_at > ${now}
    ) g group by case_id)`;
  return sql`(select * from (
      select k.entity, k.record_id, k.case_id, k.secret from ${readable} v join text_search_keys k on k.key = ${key} and k.case_id = v.case_id
        where k.secret = 0 or v.secrets_ok = 1
      union all
      select k.entity, k.record_id, k.case_id, k.secret from text_search_keys k where k.key = ${key} and k.case_id is null and (k.secret = 0 or ${allow} = 1)
    ) u limit ${cap})`;
}

/**
 * Records holding every key that the reader may match: the first key's rows (the rarest, at most
 * `cap` of them) are the candidates; each other key is a point lookup per candidate, and only then
 * are the candidate's case and record looked up. `newestFirst` (for a first key of at most `cap`
 * rows) checks every candidate and answers the newest matches; otherwise the candidates are checked
 * in the order read and the query stops at `limit` matches: sorting a common key's candidates would
 * check all of them, for an order that means little among so many.
 */
export async function findTextMatches(
  db: Db,
  keys: string[],
  scope: TextScope,
  options: { cap: number; limit: number; includeRetracted: boolean; newestFirst: boolean },
): Promise<TextCandidate[]> {
  if (keys.length === 0) return [];
  const [first, ...rest] = keys;
  // `offset 0` (SQLite wants a limit before it) keeps PostgreSQL from making a join of it that reads every row of the key.
  const others = rest.map(
    (key) =>
      sql`exists (select 1 from text_search_keys o where o.record_id = c.record_id and o.entity = c.entity and o.key = ${key} and (o.secret = 0 or ${secretsIn('c.case_id', scope)}) limit 1 offset 0)`,
  );
  // The other keys first (a seek each), in a query of their own: its limit, never reached, keeps SQLite
  // from merging it into the outer query, which would look them up after each candidate's case and record.
  const candidates = candidateRows(first!, scope, options.cap);
  const holdingAll = others.length ? sql`(select * from ${candidates} c where ${sql.join(others, sql` and `)} limit ${options.cap})` : candidates;
  // A record with the first key in a secret field and another has a row for each: the secret one is left out.
  const once = sql`(c.secret = 0 or not exists (select 1 from text_search_keys d where d.record_id = c.record_id and d.entity = c.entity and d.key = ${first} and d.secret = 0))`;
  const conditions = [visible('c', scope), once, ...(options.includeRetracted ? [] : [notRetracted('c')])];
  const order = options.newestFirst ? sql`order by c.record_id desc` : sql``;
  const result = await sql<TextCandidate>`select c.entity, c.record_id from ${holdingAll} c where ${sql.join(conditions, sql` and `)} ${order} limit ${options.limit}`.execute(db);
  return result.rows;
}

/** A record's searchable text, opened: what a hit's snippet is cut from and what reindexing hashes. */
export interface TextRecord {
  entity: string;
  id: string;
  case_id: string | null;
  person_id: string | null;
  case_number: string | null;
  retracted: boolean;
  fields: Record<string, string | null>;
}

function textSelect(db: Db, kind: TextEntity) {
  const any = db as unknown as Kysely<any>;
  const personColumn = kind.personColumn ? `r.${kind.personColumn}` : 'r.case_id';
  return any
    .selectFrom(`${kind.table} as r`)
    .leftJoin('persons as p', 'p.id', 'r.case_id')
    .select(['r.id as id', 'r.case_id as case_id', `${personColumn} as person_id`, 'p.case_number as case_number', 'r.retracted_at as retracted_at', ...kind.fields.map((f) => `r.${f.column} as f_${f.column}`)]);
}

function toTextRecord(cipher: FieldCipher, kind: TextEntity, row: Record<string, unknown>): TextRecord {
  const id = row.id as string;
  const fields: Record<string, string | null> = {};
  for (const field of kind.fields) {
    const stored = (row[`f_${field.column}`] as string | null) ?? null;
    fields[field.name] = field.sealed ? cipher.openNullable(stored, sealContext(kind.table, field.column, id)) : stored;
  }
  return {
    entity: kind.entity,
    id,
    case_id: (row.case_id as string | null) ?? null,
    person_id: (row.person_id as string | null) ?? null,
    case_number: (row.case_number as string | null) ?? null,
    retracted: row.retracted_at !== null,
    fields,
  };
}

/** The texts of records of one kind, by id (any order). */
export async function loadTextRecords(db: Db, cipher: FieldCipher, entity: string, ids: string[]): Promise<TextRecord[]> {
  if (ids.length === 0) return [];
  const kind = textEntity(entity);
  const rows = await textSelect(db, kind).where('r.id', 'in', ids).execute();
  return rows.map((row) => toTextRecord(cipher, kind, row));
}
