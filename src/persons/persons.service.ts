import type { Kysely } from 'kysely';
import { addCreatorAsCoordinator, caseAccess, accessWithMembership, caseScope, listScope, requireCaseRead, requireCaseWrite, type CaseAccess, asReadBy } from '../access/access.service.ts';
import type { Principal } from '../auth/roles.ts';
import { parseEdtf } from '../lib/edtf.ts';
import { ForbiddenError, InvalidInputError, NotFoundError, RetractedRecordError, StaleVersionError, UnprocessableError } from '../lib/errors.ts';
import { newId } from '../lib/ids.ts';
import { retractRecord } from '../records/retraction.ts';
import { recordChange } from '../records/changes.ts';
import { listRevisionsForCase, listRevisionsForEntity, type Revision } from '../records/revisions.repository.ts';
import { assertCurrentVersion, diffChanges } from '../records/versioning.ts';
import type { Database } from '../db/schema.ts';
import type { ServiceContext } from '../services.ts';
import { indexPersonNames } from '../search/name-index.ts';
import { loadSearchKey, type SearchKey } from '../search/search-keys.ts';
import { indexRecordText } from '../search/text-index.ts';
import { findStatusEntriesByIds, listTimeline } from '../timeline/statuses.repository.ts';
import type { StatusEntry } from '../timeline/statuses.types.ts';
import { decodeCursor, encodeCursor } from '../http/schemas.ts';
import type { CreatePersonInput, ListPersonsQuery, UpdatePersonInput } from './persons.schemas.ts';
import {
  findCaseOfPerson,
  findPersonById,
  findPersonRowWithMember,
  findPersonIdByCaseNumber,
  formatCaseNumber,
  insertPerson,
  listPersons as listPersonRows,
  replaceNames,
  takeNextCaseSeq,
  updatePersonFields,
  type PersonFields,
  type StatusLoader,
} from './persons.repository.ts';
import { normaliseName, PERSON_SECRET_FIELDS, type Person, type PersonName } from './persons.types.ts';

const ENTITY = 'person';
/** The person's fields full-text search reads (src/search/text-fields.ts). */
const TEXT_FIELDS = ['notes', 'occupation', 'hometown', 'residence'];

export function statusLoader(ctx: ServiceContext): StatusLoader {
  return (ids) => findStatusEntriesByIds(ctx.db, ctx.cipher, ids);
}

function editableFields(input: Partial<CreatePersonInput>): Partial<PersonFields> {
  const { names: _names, ...rest } = input as CreatePersonInput & { version?: number };
  delete (rest as { version?: number }).version;
  delete (rest as { case_id?: string | null }).case_id;
  return rest as Partial<PersonFields>;
}

async function assertDuplicateTarget(ctx: ServiceContext, principal: Principal, personId: string | null, duplicateOf: string | null | undefined) {
  if (!duplicateOf) return;
  if (duplicateOf === personId) throw new UnprocessableError('a person cannot be a duplicate of itself', { duplicate_of: 'names this person' });
  if (!(await personReadable(ctx, principal, duplicateOf))) throw new UnprocessableError('duplicate_of names no person', { duplicate_of: 'names no person' });
}

/** Coordinators approve publication (DESIGN §2): a researcher who asks to publish is told so. */
export class PublishForbiddenError extends ForbiddenError {
  constructor() {
    super('only a coordinator or an administrator may publish a case on the public register, widen what its consent shows while it is published, or put a merged published case back on it');
  }
}

const PUBLICITY_RANK = { none: 0, anonymous: 1, named: 2 } as const;
const LOCATION_RANK = { hidden: 0, region: 1, exact: 2 } as const;

/** How much a consent lets the register show; none recorded shows the least. */
function disclosureOf(consent: Person['consent'] | undefined): [number, number] {
  return [consent ? PUBLICITY_RANK[consent.publicity] : 0, consent?.location ? LOCATION_RANK[consent.location] : 0];
}

/**
 * Whatever makes a person newly visible on the register is for coordinators and administrators:
 * publishing, widening the consent of a published person, and clearing duplicate_of of a published
 * person (a merged case is off the register; unmerging puts it back). Unpublishing, narrowing and
 * merging are for every writer, since taking something off the register must never wait for a
 * coordinator. (A retracted person cannot be edited, so a retraction is never undone here.)
 */
export function assertMayPublish(principal: Principal, before: Pick<Person, 'published' | 'consent' | 'duplicate_of'> | null, fields: Partial<PersonFields>): void {
  if (principal.role === 'coordinator' || principal.role === 'admin') return;
  const published = fields.published ?? before?.published ?? false;
  if (!published) return;
  if (!before?.published) throw new PublishForbiddenError();
  if (before.duplicate_of && fields.duplicate_of === null) throw new PublishForbiddenError();
  if (fields.consent === undefined) return;
  const [publicityBefore, locationBefore] = disclosureOf(before.consent);
  const [publicityAfter, locationAfter] = disclosureOf(fields.consent);
  if (publicityAfter > publicityBefore || locationAfter > locationBefore) throw new PublishForbiddenError();
}

/** Whether the person exists, is not retracted, and the principal may read its case (else it "does not exist"). */
export async function personReadable(ctx: ServiceContext, principal: Principal, id: string): Promise<boolean> {
  const found = await findCaseOfPerson(ctx.db, id);
  return found !== null && !found.retracted && (await caseAccess(ctx, principal, found.case_id)).read;
}

/** A person as stored, for the services' own use: no access check. */
async function loadPerson(ctx: ServiceContext, id: string): Promise<Person> {
  const person = await findPersonById(ctx.db, ctx.cipher, id, statusLoader(ctx));
  if (!person) throw new NotFoundError('person');
  return person;
}

/** Blanks the secret fields for a reader who may not see them; presenters then leave them out. */
export function hidePersonSecrets(person: Person): Person {
  return { ...person, national_id: null, notes: null, secrets_hidden: true };
}

/** What a reader receives: secrets only with the right to them, and each such read audited. */
function asRead(ctx: ServiceContext, principal: Principal, person: Person, access: CaseAccess): Promise<Person> {
  return asReadBy(ctx, principal, person, access, { entity: ENTITY, caseId: person.case_id, secretFields: PERSON_SECRET_FIELDS, hide: hidePersonSecrets });
}

export async function getPerson(ctx: ServiceContext, principal: Principal, id: string): Promise<Person> {
  const person = await loadPerson(ctx, id);
  return asRead(ctx, principal, person, await requireCaseRead(ctx, principal, person.case_id, 'person'));
}

/** A person named on another record (a relative, a victim): readable or "not found", never with secrets. */
export async function getPersonSummary(ctx: ServiceContext, principal: Principal, id: string): Promise<Person> {
  const person = await loadPerson(ctx, id);
  await requireCaseRead(ctx, principal, person.case_id, 'person');
  return hidePersonSecrets(person);
}

/** A person with the timeline; the current status comes from the timeline already read when it is there. */
export async function getPersonWithTimeline(ctx: ServiceContext, principal: Principal, id: string): Promise<{ person: Person; timeline: StatusEntry[]; access: CaseAccess }> {
  const found = await findPersonRowWithMember(ctx.db, ctx.cipher, id, principal.userId);
  const access = found ? await accessWithMembership(ctx, principal, found.case_id, found.member_role) : null;
  if (!found || !access?.read) throw new NotFoundError('person');
  const timeline = await listTimeline(ctx.db, ctx.cipher, id, false);
  const read = new Map(timeline.map((entry) => [entry.id, entry]));
  const person = await found.complete((ids) => (ids.every((i) => read.has(i)) ? Promise.resolve(read) : findStatusEntriesByIds(ctx.db, ctx.cipher, ids)));
  return { person: await asRead(ctx, principal, person, access), timeline, access };
}

/** A person by case number as people type it: `VG-000123`, `vg-123` or `123`; null if there is none the principal may read. */
export async function findPersonByCaseNumber(ctx: ServiceContext, principal: Principal, text: string): Promise<Person | null> {
  const match = /^\s*(?:VG)?[-\s]?0*(\d{1,9})\s*$/i.exec(text);
  if (!match) return null;
  const id = await findPersonIdByCaseNumber(ctx.db, formatCaseNumber(Number(match[1])));
  if (!id) return null;
  const person = await loadPerson(ctx, id);
  return (await caseAccess(ctx, principal, person.case_id)).read ? hidePersonSecrets(person) : null;
}

/** The case a new person opens or joins: its own, or an existing case the principal may write to. */
async function caseForNewPerson(ctx: ServiceContext, principal: Principal, id: string, caseId: string | null | undefined): Promise<string> {
  if (!caseId) return id;
  const found = await findCaseOfPerson(ctx.db, caseId);
  if (!found || found.case_id !== caseId || found.retracted || !(await caseAccess(ctx, principal, caseId)).read) {
    throw new UnprocessableError('case_id names no open case', { case_id: 'names no open case' });
  }
  await requireCaseWrite(ctx, principal, caseId, 'person');
  return caseId;
}

/** The stored fields of a new person, from input the schema has checked. */
export function newPersonFields(input: CreatePersonInput): PersonFields {
  return {
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
}

export interface NewPerson {
  id: string;
  case_id: string;
  names: PersonName[];
  fields: PersonFields;
  external_id?: string | null;
}

/**
 * Everything a new person is stored as, in the caller's transaction: the row with its case number,
 * names, name and text keys, the creator's membership and the 'create' revision. createPerson and
 * import (a batch of persons per transaction) both write through here.
 */
export async function writeNewPerson(ctx: ServiceContext, trx: Kysely<Database>, principal: Principal, searchKey: SearchKey, person: NewPerson): Promise<void> {
  const { id, case_id: caseId, names, fields } = person;
  const at = ctx.clock.now().toISOString();
  const seq = await takeNextCaseSeq(trx);
  const birthEarliest = fields.birth ? parseEdtf(fields.birth).earliest : null;
  await insertPerson(trx, ctx.cipher, { id, case_id: caseId, case_seq: seq, at, birth_earliest: birthEarliest, fields, external_id: person.external_id ?? null });
  // A new person: no names or keys to replace.
  await replaceNames(trx, ctx.cipher, id, names, true);
  await indexPersonNames(trx, searchKey, { id, case_id: caseId, names }, true);
  await indexRecordText(trx, searchKey, ENTITY, { id, case_id: caseId, fields }, true);
  if (caseId === id) await addCreatorAsCoordinator(trx, principal, id, at);
  await recordChange(ctx, trx, {
    case_id: caseId,
    entity: ENTITY,
    entity_id: id,
    version: 1,
    action: 'create',
    actor: principal.actor,
    at,
    changes: diffChanges(null, { names, ...fields }, PERSON_SECRET_FIELDS),
    reason: null,
  });
}

export async function createPerson(ctx: ServiceContext, principal: Principal, input: CreatePersonInput): Promise<Person> {
  const id = newId();
  const names = input.names.map(normaliseName);
  const fields = newPersonFields(input);
  assertMayPublish(principal, null, fields);
  await assertDuplicateTarget(ctx, principal, null, fields.duplicate_of);
  const caseId = await caseForNewPerson(ctx, principal, id, input.case_id);
  const searchKey = await loadSearchKey(ctx);
  await ctx.db.transaction().execute((trx) => writeNewPerson(ctx, trx, principal, searchKey, { id, case_id: caseId, names, fields }));
  return loadPerson(ctx, id);
}

export async function updatePerson(
  ctx: ServiceContext,
  principal: Principal,
  id: string,
  input: UpdatePersonInput,
  expected: number,
): Promise<Person> {
  const before = await loadPerson(ctx, id);
  const access = await requireCaseWrite(ctx, principal, before.case_id, 'person');
  if (before.retracted_at) throw new RetractedRecordError('this person');
  assertCurrentVersion(before.version, expected);
  const fields = editableFields(input);
  assertMayPublish(principal, before, fields);
  if (fields.birth) fields.birth = parseEdtf(fields.birth).edtf;
  await assertDuplicateTarget(ctx, principal, id, fields.duplicate_of);
  const names = input.names?.map(normaliseName);
  const after = { ...(names ? { names } : {}), ...fields };
  const beforeSubset = Object.fromEntries(Object.keys(after).map((k) => [k, before[k as keyof Person]]));
  const changes = diffChanges(beforeSubset, after, PERSON_SECRET_FIELDS);
  if (Object.keys(changes).length === 0) return asRead(ctx, principal, before, access);
  const at = ctx.clock.now().toISOString();
  const textChanged = TEXT_FIELDS.some((field) => field in fields);
  const searchKey = names || textChanged ? await loadSearchKey(ctx) : null;
  await ctx.db.transaction().execute(async (trx) => {
    const birthEarliest = fields.birth === undefined ? undefined : fields.birth === null ? null : parseEdtf(fields.birth).earliest;
    const applied = await updatePersonFields(trx, ctx.cipher, id, expected, { at, birth_earliest: birthEarliest, fields });
    if (!applied) throw new StaleVersionError(expected + 1, expected);
    if (names) {
      await replaceNames(trx, ctx.cipher, id, names);
      await indexPersonNames(trx, searchKey!, { id, case_id: before.case_id, names });
    }
    if (textChanged) await indexRecordText(trx, searchKey!, ENTITY, { id, case_id: before.case_id, fields: { ...before, ...fields } });
    await recordChange(ctx, trx, {
      case_id: before.case_id,
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
  // The answer carries the secret fields again, so it is a read like any other.
  return asRead(ctx, principal, await loadPerson(ctx, id), access);
}

export async function retractPerson(
  ctx: ServiceContext,
  principal: Principal,
  id: string,
  reason: string,
  expected: number | undefined,
): Promise<Person> {
  const before = await loadPerson(ctx, id);
  const access = await requireCaseWrite(ctx, principal, before.case_id, 'person');
  await retractRecord(ctx, principal, { table: 'persons', entity: ENTITY, what: 'this person', record: before, caseId: before.case_id }, reason, expected);
  return asRead(ctx, principal, await loadPerson(ctx, id), access);
}

/** A page of the persons the principal may see; lists never carry secret fields. */
export async function listPersons(ctx: ServiceContext, principal: Principal, query: ListPersonsQuery): Promise<{ items: Person[]; next_cursor: string | null }> {
  const limit = query.limit ?? 50;
  const after = decodeCursor(query.cursor);
  if (after !== undefined && !/^\d{1,15}$/.test(after)) {
    throw new InvalidInputError('cursor is not one this list gave out', { cursor: 'is not a cursor from this list' });
  }
  const afterSeq = after === undefined ? undefined : Number(after);
  const rows = await listPersonRows(
    ctx.db,
    ctx.cipher,
    { status: query.status, ethnicity: query.ethnicity, risk: query.risk, includeRetracted: query.include_retracted, afterSeq, limit, scope: await listScope(ctx, principal) },
    statusLoader(ctx),
  );
  const items = rows.slice(0, limit).map(hidePersonSecrets);
  const last = items.at(-1);
  return { items, next_cursor: rows.length > limit && last ? encodeCursor(Number(last.case_number.slice(3))) : null };
}

/** The person record's own revisions after `version`, oldest first (what a stale edit missed). */
export async function personRevisionsSince(ctx: ServiceContext, principal: Principal, id: string, version: number): Promise<Revision[]> {
  await requireCaseRead(ctx, principal, (await loadPerson(ctx, id)).case_id, 'person');
  return (await listRevisionsForEntity(ctx.db, ctx.cipher, ENTITY, id)).filter((revision) => revision.version > version);
}

/**
 * An event's revisions name its acts' victims; a victim whose case the reader may not read is
 * withheld there as on the event itself (victim and the act's citations blanked).
 */
async function withholdHiddenVictims(ctx: ServiceContext, principal: Principal, revisions: Revision[]): Promise<Revision[]> {
  const readable = new Map<string, Promise<boolean>>();
  const canRead = (personId: string) => {
    let known = readable.get(personId);
    if (!known) {
      known = findCaseOfPerson(ctx.db, personId).then(async (found) => found !== null && (await caseAccess(ctx, principal, found.case_id)).read);
      readable.set(personId, known);
    }
    return known;
  };
  const withhold = async (acts: unknown): Promise<unknown> => {
    if (!Array.isArray(acts)) return acts;
    return Promise.all(
      acts.map(async (act: { victim_id?: string | null }) =>
        act && typeof act.victim_id === 'string' && !(await canRead(act.victim_id)) ? { ...act, victim_id: null, citations: [] } : act,
      ),
    );
  };
  return Promise.all(
    revisions.map(async (revision) => {
      const acts = revision.entity === 'event' ? revision.changes.acts : undefined;
      if (!acts) return revision;
      const changed = { ...acts };
      if ('from' in acts) changed.from = await withhold(acts.from);
      if ('to' in acts) changed.to = await withhold(acts.to);
      return { ...revision, changes: { ...revision.changes, acts: changed } };
    }),
  );
}

/** Everything recorded about a case, newest first: the person and every record filed under it. */
export async function personHistory(
  ctx: ServiceContext,
  principal: Principal,
  id: string,
  options: { cursor?: string | undefined; limit?: number | undefined },
): Promise<{ items: Revision[]; next_cursor: string | null }> {
  await requireCaseRead(ctx, principal, (await loadPerson(ctx, id)).case_id, 'person');
  const limit = options.limit ?? 100;
  const rows = await listRevisionsForCase(ctx.db, ctx.cipher, id, { before: decodeCursor(options.cursor), limit: limit + 1, scope: caseScope(ctx, principal) });
  const items = await withholdHiddenVictims(ctx, principal, rows.slice(0, limit));
  return { items, next_cursor: rows.length > limit ? encodeCursor(items.at(-1)!.id) : null };
}
