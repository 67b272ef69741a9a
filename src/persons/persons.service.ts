import type { Principal } from '../auth/roles.ts';
import { parseEdtf } from '../lib/edtf.ts';
import { InvalidInputError, NotFoundError, RetractedRecordError, StaleVersionError, UnprocessableError } from '../lib/errors.ts';
import { newId } from '../lib/ids.ts';
import { retractRecord } from '../records/retraction.ts';
import { insertRevision, listRevisionsForCase, listRevisionsForEntity, type Revision } from '../records/revisions.repository.ts';
import { assertCurrentVersion, diffChanges } from '../records/versioning.ts';
import type { ServiceContext } from '../services.ts';
import { findStatusEntriesByIds, listTimeline } from '../timeline/statuses.repository.ts';
import type { StatusEntry } from '../timeline/statuses.types.ts';
import { decodeCursor, encodeCursor } from '../http/schemas.ts';
import type { CreatePersonInput, ListPersonsQuery, UpdatePersonInput } from './persons.schemas.ts';
import {
  findPersonById,
  findPersonIdByCaseNumber,
  formatCaseNumber,
  insertPerson,
  listPersons as listPersonRows,
  personExists,
  replaceNames,
  takeNextCaseSeq,
  updatePersonFields,
  type PersonFields,
  type StatusLoader,
} from './persons.repository.ts';
import { normaliseName, PERSON_SECRET_FIELDS, type Person } from './persons.types.ts';

const ENTITY = 'person';

function statusLoader(ctx: ServiceContext): StatusLoader {
  return (ids) => findStatusEntriesByIds(ctx.db, ids);
}

function editableFields(input: Partial<CreatePersonInput>): Partial<PersonFields> {
  const { names: _names, ...rest } = input as CreatePersonInput & { version?: number };
  delete (rest as { version?: number }).version;
  return rest as Partial<PersonFields>;
}

async function assertDuplicateTarget(ctx: ServiceContext, personId: string | null, duplicateOf: string | null | undefined) {
  if (!duplicateOf) return;
  if (duplicateOf === personId) throw new UnprocessableError('a person cannot be a duplicate of itself', { duplicate_of: 'names this person' });
  if (!(await personExists(ctx.db, duplicateOf))) throw new UnprocessableError('duplicate_of names no person', { duplicate_of: 'names no person' });
}

export async function getPerson(ctx: ServiceContext, id: string): Promise<Person> {
  const person = await findPersonById(ctx.db, id, statusLoader(ctx));
  if (!person) throw new NotFoundError('person');
  return person;
}

/** A person with the timeline; the current status comes from the timeline already read when it is there. */
export async function getPersonWithTimeline(ctx: ServiceContext, id: string): Promise<{ person: Person; timeline: StatusEntry[] }> {
  const timeline = await listTimeline(ctx.db, id, false);
  const read = new Map(timeline.map((entry) => [entry.id, entry]));
  const person = await findPersonById(ctx.db, id, (ids) => (ids.every((i) => read.has(i)) ? Promise.resolve(read) : findStatusEntriesByIds(ctx.db, ids)));
  if (!person) throw new NotFoundError('person');
  return { person, timeline };
}

/** A person by case number as people type it: `VG-000123`, `vg-123` or `123`; null if there is none. */
export async function findPersonByCaseNumber(ctx: ServiceContext, text: string): Promise<Person | null> {
  const match = /^\s*(?:VG)?[-\s]?0*(\d{1,9})\s*$/i.exec(text);
  if (!match) return null;
  const id = await findPersonIdByCaseNumber(ctx.db, formatCaseNumber(Number(match[1])));
  return id ? getPerson(ctx, id) : null;
}

export async function createPerson(ctx: ServiceContext, principal: Principal, input: CreatePersonInput): Promise<Person> {
  const at = ctx.clock.now().toISOString();
  const id = newId();
  const names = input.names.map(normaliseName);
  const fields: PersonFields = {
    sex: input.sex ?? null,
    birth: input.birth ? parseEdtf(input.birth).edtf : null,
    ethnicity: input.ethnicity ?? null,
    citizenships: input.citizenships ?? [],
    hometown: input.hometown ?? null,
    residence: input.residence ?? null,
    occupation: input.occupation ?? null,
    father_name: input.father_name ?? null,
    national_id: input.national_id ?? null,
    notes: input.notes ?? null,
    risk: input.risk ?? null,
    verification: input.verification ?? null,
    consent: input.consent ?? null,
    published: input.published ?? false,
    duplicate_of: input.duplicate_of ?? null,
  };
  await assertDuplicateTarget(ctx, null, fields.duplicate_of);
  await ctx.db.transaction().execute(async (trx) => {
    const seq = await takeNextCaseSeq(trx);
    await insertPerson(trx, { id, case_seq: seq, at, birth_earliest: input.birth ? parseEdtf(input.birth).earliest : null, fields });
    await replaceNames(trx, id, names);
    await insertRevision(trx, {
      case_id: id,
      entity: ENTITY,
      entity_id: id,
      version: 1,
      action: 'create',
      actor: principal.actor,
      at,
      changes: diffChanges(null, { names, ...fields }, PERSON_SECRET_FIELDS),
      reason: null,
    });
  });
  return getPerson(ctx, id);
}

export async function updatePerson(
  ctx: ServiceContext,
  principal: Principal,
  id: string,
  input: UpdatePersonInput,
  expected: number,
): Promise<Person> {
  const before = await getPerson(ctx, id);
  if (before.retracted_at) throw new RetractedRecordError('this person');
  assertCurrentVersion(before.version, expected);
  const fields = editableFields(input);
  if (fields.birth) fields.birth = parseEdtf(fields.birth).edtf;
  await assertDuplicateTarget(ctx, id, fields.duplicate_of);
  const names = input.names?.map(normaliseName);
  const after = { ...(names ? { names } : {}), ...fields };
  const beforeSubset = Object.fromEntries(Object.keys(after).map((k) => [k, before[k as keyof Person]]));
  const changes = diffChanges(beforeSubset, after, PERSON_SECRET_FIELDS);
  if (Object.keys(changes).length === 0) return before;
  const at = ctx.clock.now().toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    const birthEarliest = fields.birth === undefined ? undefined : fields.birth === null ? null : parseEdtf(fields.birth).earliest;
    const applied = await updatePersonFields(trx, id, expected, { at, birth_earliest: birthEarliest, fields });
    if (!applied) throw new StaleVersionError(expected + 1, expected);
    if (names) await replaceNames(trx, id, names);
    await insertRevision(trx, {
      case_id: id,
      entity: ENTITY,
      entity_id: id,
      version: expected + 1,
      action: 'update',
      actor: principal.actor,
      at,
      changes,
      reason: null,
    });
  });
  return getPerson(ctx, id);
}

export async function retractPerson(
  ctx: ServiceContext,
  principal: Principal,
  id: string,
  reason: string,
  expected: number | undefined,
): Promise<Person> {
  const before = await getPerson(ctx, id);
  await retractRecord(ctx, principal, { table: 'persons', entity: ENTITY, what: 'this person', record: before, caseId: id }, reason, expected);
  return getPerson(ctx, id);
}

export async function listPersons(ctx: ServiceContext, query: ListPersonsQuery): Promise<{ items: Person[]; next_cursor: string | null }> {
  const limit = query.limit ?? 50;
  const after = decodeCursor(query.cursor);
  if (after !== undefined && !/^\d{1,15}$/.test(after)) {
    throw new InvalidInputError('cursor is not one this list gave out', { cursor: 'is not a cursor from this list' });
  }
  const afterSeq = after === undefined ? undefined : Number(after);
  const rows = await listPersonRows(
    ctx.db,
    { status: query.status, ethnicity: query.ethnicity, risk: query.risk, includeRetracted: query.include_retracted, afterSeq, limit },
    statusLoader(ctx),
  );
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items, next_cursor: rows.length > limit && last ? encodeCursor(Number(last.case_number.slice(3))) : null };
}

/** The person record's own revisions after `version`, oldest first (what a stale edit missed). */
export async function personRevisionsSince(ctx: ServiceContext, id: string, version: number): Promise<Revision[]> {
  return (await listRevisionsForEntity(ctx.db, ENTITY, id)).filter((revision) => revision.version > version);
}

/** Everything recorded about a case, newest first: the person and every record filed under it. */
export async function personHistory(
  ctx: ServiceContext,
  id: string,
  options: { cursor?: string | undefined; limit?: number | undefined },
): Promise<{ items: Revision[]; next_cursor: string | null }> {
  await getPerson(ctx, id);
  const limit = options.limit ?? 100;
  const rows = await listRevisionsForCase(ctx.db, id, { before: decodeCursor(options.cursor), limit: limit + 1 });
  const items = rows.slice(0, limit);
  return { items, next_cursor: rows.length > limit ? encodeCursor(items.at(-1)!.id) : null };
}
