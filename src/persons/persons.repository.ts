import { sql, type Kysely, type RawBuilder } from 'kysely';
import { openRetractionReason } from '../records/records.repository.ts';
import type { Database, PersonNameRow, PersonRow } from '../db/schema.ts';
import { reusableQuery } from '../db/reusable-query.ts';
import { inCaseScope, type CaseScope } from '../access/access.repository.ts';
import { sealContext, type FieldCipher } from '../keys/field-cipher.ts';
import { newId } from '../lib/ids.ts';
import type { StatusEntry } from '../timeline/statuses.types.ts';
import type { Consent } from './persons.schemas.ts';
import type { Person, PersonName } from './persons.types.ts';

type Db = Kysely<Database>;

export function formatCaseNumber(seq: number): string {
  return `VG-${String(seq).padStart(6, '0')}`;
}

/** Takes the next case number; the counter row's lock serialises concurrent creators on PostgreSQL. */
export async function takeNextCaseSeq(db: Db): Promise<number> {
  const row = await db
    .updateTable('counters')
    .set((eb) => ({ value: eb('value', '+', 1) }))
    .where('name', '=', 'case_number')
    .returning('value')
    .executeTakeFirstOrThrow();
  return Number(row.value);
}

/** Person columns sealed at rest (names are sealed in person_names). */
const SEALED = ['father_name', 'national_id', 'notes'] as const;

function toPerson(cipher: FieldCipher, row: PersonRow, names: PersonName[], current: StatusEntry | null): Person {
  const open = (column: (typeof SEALED)[number]) => cipher.openNullable(row[column], sealContext('persons', column, row.id));
  return {
    id: row.id,
    case_id: row.case_id,
    case_number: row.case_number,
    names,
    sex: row.sex,
    birth: row.birth,
    ethnicity: row.ethnicity,
    citizenships: JSON.parse(row.citizenships) as string[],
    hometown: row.hometown,
    residence: row.residence,
    occupation: row.occupation,
    father_name: open('father_name'),
    national_id: open('national_id'),
    notes: open('notes'),
    risk: row.risk,
    verification: row.verification,
    consent: row.consent ? (JSON.parse(row.consent) as Consent) : null,
    published: row.published === 1,
    duplicate_of: row.duplicate_of,
    current_status: current,
    external_id: row.external_id,
    version: row.version,
    created_at: row.created_at,
    updated_at: row.updated_at,
    retracted_at: row.retracted_at,
    retraction_reason: openRetractionReason(cipher, 'persons', row),
  };
}

/** The stored form of the editable fields. */
export type PersonFields = Omit<
  Person,
  'id' | 'case_id' | 'case_number' | 'names' | 'current_status' | 'external_id' | 'version' | 'created_at' | 'updated_at' | 'retracted_at' | 'retraction_reason'
>;

function fieldsToRow(cipher: FieldCipher, id: string, fields: Partial<PersonFields>): Partial<PersonRow> {
  const row: Partial<PersonRow> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    if ((SEALED as readonly string[]).includes(key)) (row as Record<string, unknown>)[key] = cipher.sealNullable(value as string | null, sealContext('persons', key, id));
    else if (key === 'citizenships') row.citizenships = JSON.stringify(value);
    else if (key === 'consent') row.consent = value === null ? null : JSON.stringify(value);
    else if (key === 'published') row.published = value ? 1 : 0;
    else (row as Record<string, unknown>)[key] = value;
  }
  return row;
}

export async function insertPerson(
  db: Db,
  cipher: FieldCipher,
  person: { id: string; case_id: string; case_seq: number; at: string; birth_earliest: string | null; fields: PersonFields; external_id?: string | null },
): Promise<void> {
  await db
    .insertInto('persons')
    .values({
      ...(fieldsToRow(cipher, person.id, person.fields) as PersonRow),
      id: person.id,
      case_id: person.case_id,
      case_seq: person.case_seq,
      case_number: formatCaseNumber(person.case_seq),
      birth_earliest: person.birth_earliest,
      version: 1,
      created_at: person.at,
      updated_at: person.at,
      published_at: person.fields.published ? person.at : null,
      retracted_at: null,
      retraction_reason: null,
      current_status: null,
      current_status_id: null,
      external_id: person.external_id ?? null,
    })
    .execute();
}

/** `fresh`: the person is being created, so it has no names to delete. */
export async function replaceNames(db: Db, cipher: FieldCipher, personId: string, names: PersonName[], fresh = false): Promise<void> {
  if (!fresh) await db.deleteFrom('person_names').where('person_id', '=', personId).execute();
  if (names.length === 0) return;
  await db
    .insertInto('person_names')
    .values(
      names.map((name, position): PersonNameRow => {
        const id = newId();
        return { id, person_id: personId, position, ...name, text: cipher.seal(name.text, sealContext('person_names', 'text', id)) };
      }),
    )
    .execute();
}

function openName(cipher: FieldCipher, row: { id: string; text: string; script: string; lang: string | null; kind: string }): PersonName {
  return { text: cipher.open(row.text, sealContext('person_names', 'text', row.id)), script: row.script, lang: row.lang, kind: row.kind };
}

/**
 * published_at follows `published`: set when it turns true (kept when it already was: the old
 * value on the right of SET, in both dialects), cleared when it turns false.
 */
function publishedAtChange(published: boolean | undefined, at: string): { published_at?: RawBuilder<string | null> | null } {
  if (published === undefined) return {};
  return { published_at: published ? sql<string | null>`case when published = 1 then coalesce(published_at, ${at}) else ${at} end` : null };
}

/** Applies an update only if the row is still at `expectedVersion`; false means someone was first. */
export async function updatePersonFields(
  db: Db,
  cipher: FieldCipher,
  id: string,
  expectedVersion: number,
  change: { at: string; birth_earliest?: string | null; fields: Partial<PersonFields> },
): Promise<boolean> {
  const result = await db
    .updateTable('persons')
    .set({
      ...fieldsToRow(cipher, id, change.fields),
      ...(change.birth_earliest !== undefined ? { birth_earliest: change.birth_earliest } : {}),
      ...publishedAtChange(change.fields.published, change.at),
      updated_at: change.at,
      version: expectedVersion + 1,
    })
    .where('id', '=', id)
    .where('version', '=', expectedVersion)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * Holds the person row until the transaction ends, so concurrent timeline writers take turns and
 * each derives the current status from what the other committed. SQLite has one writer anyway.
 */
export async function lockPersonRow(db: Db, dialect: 'sqlite' | 'postgres', id: string): Promise<void> {
  if (dialect === 'postgres') await db.selectFrom('persons').select('id').where('id', '=', id).forUpdate().execute();
}

export async function setCurrentStatus(db: Db, personId: string, current: { id: string; status: string } | null): Promise<void> {
  await db
    .updateTable('persons')
    .set({ current_status: current?.status ?? null, current_status_id: current?.id ?? null })
    .where('id', '=', personId)
    .execute();
}

/** The name forms of these persons, by person. */
export async function listNamesOfPersons(db: Db, cipher: FieldCipher, ids: string[]): Promise<Map<string, PersonName[]>> {
  const byPerson = new Map<string, PersonName[]>(ids.map((id) => [id, []]));
  if (ids.length === 0) return byPerson;
  const rows = await db
    .selectFrom('person_names')
    .select(['id', 'person_id', 'text', 'script', 'lang', 'kind'])
    .where('person_id', 'in', ids)
    .orderBy('person_id')
    .orderBy('position')
    .execute();
  for (const row of rows) byPerson.get(row.person_id)?.push(openName(cipher, row));
  return byPerson;
}

export type StatusLoader = (ids: string[]) => Promise<Map<string, StatusEntry>>;

const selectPersonById = reusableQuery((db: Db, id: string) => db.selectFrom('persons').selectAll().where('id', '=', id));
const selectNamesOfPerson = reusableQuery((db: Db, id: string) =>
  db.selectFrom('person_names').select(['id', 'text', 'script', 'lang', 'kind']).where('person_id', '=', id).orderBy('position'),
);

export async function findPersonById(db: Db, cipher: FieldCipher, id: string, loadStatuses: StatusLoader): Promise<Person | null> {
  const [row] = await selectPersonById(db, id);
  return row ? completePerson(db, cipher, row, loadStatuses) : null;
}

const selectPersonWithMember = reusableQuery((db: Db, id: string, userId: string) =>
  db
    .selectFrom('persons')
    .leftJoin('case_members', (join) => join.onRef('case_members.case_id', '=', 'persons.case_id').on('case_members.user_id', '=', userId))
    .selectAll('persons')
    .select('case_members.role as member_role')
    .where('persons.id', '=', id),
);

/**
 * A person's row and the user's membership of its case in one query (the hot path of reading a
 * person); `complete` then reads the names and current status, once access has been decided.
 */
export async function findPersonRowWithMember(
  db: Db,
  cipher: FieldCipher,
  id: string,
  userId: string,
): Promise<{ case_id: string; member_role: string | null; complete: (loadStatuses: StatusLoader) => Promise<Person> } | null> {
  const [found] = await selectPersonWithMember(db, id, userId);
  if (!found) return null;
  const { member_role, ...row } = found;
  return { case_id: row.case_id, member_role, complete: (loadStatuses) => completePerson(db, cipher, row, loadStatuses) };
}

async function completePerson(db: Db, cipher: FieldCipher, row: PersonRow, loadStatuses: StatusLoader): Promise<Person> {
  const id = row.id;
  const [names, statuses] = await Promise.all([
    selectNamesOfPerson(db, id).then((rows) => new Map([[id, rows.map((name) => openName(cipher, name))]])),
    row.current_status_id ? loadStatuses([row.current_status_id]) : Promise.resolve(new Map<string, StatusEntry>()),
  ]);
  return toPerson(cipher, row, names.get(id) ?? [], row.current_status_id ? (statuses.get(row.current_status_id) ?? null) : null);
}

export async function findPersonIdByCaseNumber(db: Db, caseNumber: string): Promise<string | null> {
  const row = await db.selectFrom('persons').select('id').where('case_number', '=', caseNumber).executeTakeFirst();
  return row?.id ?? null;
}

export async function personExists(db: Db, id: string): Promise<boolean> {
  const row = await db.selectFrom('persons').select('id').where('id', '=', id).where('retracted_at', 'is', null).executeTakeFirst();
  return row !== undefined;
}

/** The case a person is filed under, or null when there is no such person. */
export async function findCaseOfPerson(db: Db, id: string): Promise<{ case_id: string; retracted: boolean } | null> {
  const row = await db.selectFrom('persons').select(['case_id', 'retracted_at']).where('id', '=', id).executeTakeFirst();
  return row ? { case_id: row.case_id, retracted: row.retracted_at !== null } : null;
}

/**
 * The persons filed under `caseId`, and those of `extraIds` — retracted ones too, whose names may still stand
 * in old text — with their consent to publicity (null: none given): for redacting public documents.
 */
export async function listCasePersonsWithPublicity(db: Db, caseId: string, extraIds: string[]): Promise<Map<string, string | null>> {
  let query = db.selectFrom('persons').select(['id', 'consent']);
  query = extraIds.length ? query.where((eb) => eb.or([eb('case_id', '=', caseId), eb('id', 'in', extraIds)])) : query.where('case_id', '=', caseId);
  const rows = await query.execute();
  return new Map(rows.map((row) => [row.id, row.consent ? ((JSON.parse(row.consent) as Consent).publicity ?? null) : null]));
}

export interface PersonFilter {
  status?: string | undefined;
  ethnicity?: string | undefined;
  risk?: string | undefined;
  includeRetracted?: boolean | undefined;
  afterSeq?: number | undefined;
  limit: number;
  scope: CaseScope;
}

/** These persons (in no particular order), within the scope and filters; for search results. */
export async function listPersonsByIds(db: Db, cipher: FieldCipher, ids: string[], filter: Omit<PersonFilter, 'afterSeq' | 'limit'>, loadStatuses: StatusLoader): Promise<Person[]> {
  if (ids.length === 0) return [];
  let query = db.selectFrom('persons').selectAll().where('id', 'in', ids).where((eb) => inCaseScope(eb, 'persons.case_id', filter.scope));
  if (filter.status) query = query.where('current_status', '=', filter.status);
  if (filter.ethnicity) query = query.where('ethnicity', '=', filter.ethnicity);
  if (filter.risk) query = query.where('risk', '=', filter.risk);
  if (!filter.includeRetracted) query = query.where('retracted_at', 'is', null);
  return completePersons(db, cipher, await query.execute(), loadStatuses);
}

async function completePersons(db: Db, cipher: FieldCipher, rows: PersonRow[], loadStatuses: StatusLoader): Promise<Person[]> {
  const ids = rows.map((r) => r.id);
  const statusIds = rows.flatMap((r) => (r.current_status_id ? [r.current_status_id] : []));
  const [names, statuses] = await Promise.all([listNamesOfPersons(db, cipher, ids), loadStatuses(statusIds)]);
  return rows.map((row) =>
    toPerson(cipher, row, names.get(row.id) ?? [], row.current_status_id ? (statuses.get(row.current_status_id) ?? null) : null),
  );
}

/** A page of persons in case-number order; returns one extra row to tell whether more follow. */
export async function listPersons(db: Db, cipher: FieldCipher, filter: PersonFilter, loadStatuses: StatusLoader): Promise<Person[]> {
  let query = db.selectFrom('persons').selectAll().where((eb) => inCaseScope(eb, 'persons.case_id', filter.scope));
  if (filter.status) query = query.where('current_status', '=', filter.status);
  if (filter.ethnicity) query = query.where('ethnicity', '=', filter.ethnicity);
  if (filter.risk) query = query.where('risk', '=', filter.risk);
  if (!filter.includeRetracted) query = query.where('retracted_at', 'is', null);
  if (filter.afterSeq !== undefined) query = query.where('case_seq', '>', filter.afterSeq);
  return completePersons(db, cipher, await query.orderBy('case_seq').limit(filter.limit + 1).execute(), loadStatuses);
}
