import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from '../db/schema.ts';
import { sealContext, type FieldCipher } from '../keys/field-cipher.ts';
import type { Changes } from '../records/versioning.ts';

/**
 * The SQL of the public register. It reads only the columns a public page may show (never
 * national_id, notes, residence, occupation, father_name, risk or a status entry's note), and only
 * persons that are published, standing and not merged away (ON_REGISTER); names are read, and
 * opened, only for the persons the caller asks for.
 */

type Db = Kysely<Database>;

/** A person row as the register reads it: what a public page might show, nothing more. */
export interface RegisterRow {
  id: string;
  case_seq: number;
  case_number: string;
  sex: string | null;
  birth: string | null;
  ethnicity: string | null;
  citizenships: string;
  hometown: string | null;
  verification: number | null;
  consent: string | null;
  current_status: string | null;
  current_status_id: string | null;
  created_at: string;
  /** When last published (migration T1750); null only for a row published before it was kept. */
  published_at: string | null;
}

/** A status entry as the register reads it (no note, no whereabouts, no citations). */
export interface RegisterStatusEntry {
  id: string;
  person_id: string;
  status: string;
  date: string;
  place: string | null;
  created_at: string;
  retracted_at: string | null;
}

/** One revision of a person or a status entry, opened, for the corrections log. */
export interface RegisterRevision {
  entity: string;
  entity_id: string;
  action: string;
  at: string;
  changes: Changes;
}

const COLUMNS = [
  'persons.id',
  'persons.case_seq',
  'persons.case_number',
  'persons.sex',
  'persons.birth',
  'persons.ethnicity',
  'persons.citizenships',
  'persons.hometown',
  'persons.verification',
  'persons.consent',
  'persons.current_status',
  'persons.current_status_id',
  'persons.created_at',
  'persons.published_at',
] as const;

/**
 * Named consent, as stored (JSON.stringify writes no spaces; a quote inside given_by is escaped, so it
 * cannot fake this). Written into the SQL as a literal, the same as in persons_public_named_idx's
 * condition (migration 2026-11-29T1720), so that SQLite sees the index covers the query.
 */
const NAMED_CONSENT_SQL = sql.raw(`'%"publicity":"named"%'`);

function onRegister(db: Db) {
  return db
    .selectFrom('persons')
    .select(COLUMNS)
    .where('persons.published', '=', 1)
    .where('persons.retracted_at', 'is', null)
    .where('persons.duplicate_of', 'is', null);
}

export interface RegisterPageFilter {
  afterSeq?: number | undefined;
  status?: string | undefined;
  ethnicity?: string | undefined;
  limit: number;
}

/**
 * Persons on the register along one of its partial indexes (SQLite is told which, since without
 * statistics it may pick the status or ethnicity index and sort), with extra conditions and an order.
 */
async function readRegister(db: Db, dialect: 'sqlite' | 'postgres', index: string, query: { where: RawBuilder<unknown>; orderBy: RawBuilder<unknown>; limit: number }): Promise<RegisterRow[]> {
  const from = dialect === 'sqlite' ? sql`persons indexed by ${sql.raw(index)}` : sql`persons`;
  const { rows } = await sql<RegisterRow>`
    select ${sql.join(COLUMNS.map((column) => sql.ref(column)))}
    from ${from}
    where persons.published = 1 and persons.retracted_at is null and persons.duplicate_of is null ${query.where}
    order by ${query.orderBy}
    limit ${query.limit}`.execute(db);
  return rows.map(normaliseRow);
}

/** A page of the register in case-number order (one extra row tells whether more follow), along persons_public_list_idx. */
export async function listRegisterPage(db: Db, dialect: 'sqlite' | 'postgres', filter: RegisterPageFilter): Promise<RegisterRow[]> {
  const where = sql`
    ${filter.afterSeq === undefined ? sql`` : sql`and persons.case_seq > ${filter.afterSeq}`}
    ${filter.status ? sql`and persons.current_status = ${filter.status}` : sql``}
    ${filter.ethnicity ? sql`and persons.ethnicity = ${filter.ethnicity}` : sql``}`;
  return readRegister(db, dialect, 'persons_public_list_idx', { where, orderBy: sql`persons.case_seq asc`, limit: filter.limit + 1 });
}

/** The most recently published persons on the register, newest first (the feed), along persons_public_feed_idx. */
export async function listLatestPublished(db: Db, dialect: 'sqlite' | 'postgres', limit: number): Promise<RegisterRow[]> {
  return readRegister(db, dialect, 'persons_public_feed_idx', { where: sql``, orderBy: sql`persons.published_at desc, persons.case_seq desc`, limit });
}

/** PostgreSQL answers bigint as a string. */
function normaliseRow(row: RegisterRow): RegisterRow {
  return { ...row, case_seq: Number(row.case_seq), verification: row.verification === null ? null : Number(row.verification) };
}

/** The person on the register with this case number, or null (unpublished, retracted, merged or unknown alike). */
export async function findOnRegister(db: Db, caseNumber: string): Promise<RegisterRow | null> {
  const row = await onRegister(db).where('persons.case_number', '=', caseNumber).executeTakeFirst();
  return row ? normaliseRow(row) : null;
}

/** These persons, if they are on the register with named consent (the consent is checked again in JS by the presenter). */
export async function findNamedOnRegister(db: Db, ids: string[]): Promise<RegisterRow[]> {
  if (ids.length === 0) return [];
  const rows = await onRegister(db).where('persons.id', 'in', ids).where(sql<boolean>`persons.consent like ${NAMED_CONSENT_SQL}`).execute();
  return rows.map(normaliseRow);
}

/** How many name-key rows a public name search reads at most (a very common name is cut there). */
export const PUBLIC_KEY_ROW_CAP = 20_000;

/**
 * Persons on the register with named consent who share the most of these (hashed) name keys, at most
 * `limit`. Only they are candidates, so a search for the name of a person published anonymously, or
 * not at all, finds nothing and so confirms nothing. The cap counts only the key rows of such
 * persons (the condition is inside the capped query): the many unpublished persons with a common
 * name cannot fill it and so hide a published one.
 */
export async function findNamedCandidates(db: Db, dialect: 'sqlite' | 'postgres', keys: string[], limit: number): Promise<string[]> {
  if (keys.length === 0) return [];
  const persons = dialect === 'sqlite' ? sql`persons indexed by persons_public_named_idx` : sql`persons`;
  const { rows } = await sql<{ person_id: string }>`
    select k.person_id, count(*) as hits
    from (
      select person_name_keys.person_id from person_name_keys
      join ${persons} on persons.id = person_name_keys.person_id
      where person_name_keys.key in (${sql.join(keys)})
        and persons.published = 1 and persons.retracted_at is null and persons.duplicate_of is null and persons.consent like ${NAMED_CONSENT_SQL}
      limit ${PUBLIC_KEY_ROW_CAP}
    ) as k
    group by k.person_id
    order by hits desc, k.person_id
    limit ${limit}`.execute(db);
  return rows.map((row) => row.person_id);
}

/** The status entries with these ids (the current ones of a page of persons). */
export async function findRegisterStatuses(db: Db, ids: string[]): Promise<Map<string, RegisterStatusEntry>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('status_entries').select(['id', 'person_id', 'status', 'date', 'place', 'created_at', 'retracted_at']).where('id', 'in', ids).execute();
  return new Map(rows.map((row) => [row.id, row]));
}

/** The whole timelines of these persons, retracted entries included, in date order. */
export async function listRegisterTimelines(db: Db, personIds: string[]): Promise<RegisterStatusEntry[]> {
  if (personIds.length === 0) return [];
  return db
    .selectFrom('status_entries')
    .select(['id', 'person_id', 'status', 'date', 'place', 'created_at', 'retracted_at'])
    .where('person_id', 'in', personIds)
    .orderBy('date_earliest')
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

/** The revisions of these persons and of these status entries, oldest first, opened. */
export async function listRegisterRevisions(db: Db, cipher: FieldCipher, personIds: string[], statusEntryIds: string[]): Promise<RegisterRevision[]> {
  if (personIds.length === 0) return [];
  const rows = await db
    .selectFrom('revisions')
    .select(['id', 'entity', 'entity_id', 'action', 'at', 'changes'])
    .where((eb) =>
      eb.or([
        eb.and([eb('entity', '=', 'person'), eb('entity_id', 'in', personIds)]),
        ...(statusEntryIds.length ? [eb.and([eb('entity', '=', 'status_entry'), eb('entity_id', 'in', statusEntryIds)])] : []),
      ]),
    )
    .orderBy('at')
    .orderBy('id')
    .execute();
  return rows.map((row) => ({
    entity: row.entity,
    entity_id: row.entity_id,
    action: row.action,
    at: row.at,
    changes: JSON.parse(cipher.open(row.changes, sealContext('revisions', 'changes', row.id))) as Changes,
  }));
}
