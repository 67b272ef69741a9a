import type { Kysely } from 'kysely';
import { caseAccess, caseScope, requireCaseRead, requireCaseWrite, type CaseAccess, asReadBy } from '../access/access.service.ts';
import type { Principal } from '../auth/roles.ts';
import type { Database } from '../db/schema.ts';
import { NotFoundError, RetractedRecordError, StaleVersionError, UnprocessableError } from '../lib/errors.ts';
import { newId } from '../lib/ids.ts';
import { findCaseOfPerson, personExists } from '../persons/persons.repository.ts';
import { recordChange } from '../records/changes.ts';
import { CASE_LIST_LIMIT, decodeKeyCursor, pageOf } from '../records/list-cursor.ts';
import { retractRecord } from '../records/retraction.ts';
import { assertCurrentVersion, diffChanges } from '../records/versioning.ts';
import type { ServiceContext } from '../services.ts';
import { findRelationById, insertRelation, listRelationRows, updateRelationRow, type RelationFields } from './relations.repository.ts';
import type { ContactInput, CreateRelationInput, ListRelationsQuery, UpdateRelationInput } from './relations.schemas.ts';
import { RELATION_SECRET_FIELDS, type Contact, type Relation } from './relations.types.ts';

const ENTITY = 'relation';
const NO_PERSON = 'names no person, or a retracted one';

/** Only the contact means given are kept; an empty contact is no contact. */
function normaliseContact(input: ContactInput | null | undefined): Contact | null {
  if (!input) return null;
  const contact: Contact = {};
  for (const key of ['phone', 'email', 'address', 'messenger'] as const) {
    const value = input[key];
    if (typeof value === 'string' && value.trim() !== '') contact[key] = value;
  }
  return Object.keys(contact).length ? contact : null;
}

/** The case of a live person the principal may read; null when there is none for them ("names no person" either way). */
async function readableCaseOf(ctx: ServiceContext, principal: Principal, personId: string): Promise<string | null> {
  const found = await findCaseOfPerson(ctx.db, personId);
  if (!found || found.retracted) return null;
  return (await caseAccess(ctx, principal, found.case_id)).read ? found.case_id : null;
}

/** Both ends are live persons the principal may read, and different ones; returns the case of `from`. */
async function assertEnds(ctx: ServiceContext, principal: Principal, fromId: string, toId: string): Promise<string> {
  const fields: Record<string, string> = {};
  const caseId = await readableCaseOf(ctx, principal, fromId);
  if (caseId === null) fields.from_person_id = NO_PERSON;
  if (fromId === toId) fields.to_person_id = 'is the same person as from_person_id';
  else if ((await readableCaseOf(ctx, principal, toId)) === null) fields.to_person_id = NO_PERSON;
  if (caseId === null || Object.keys(fields).length) throw new UnprocessableError('a relation needs two different, existing persons', fields);
  return caseId;
}

/** Inside the write: neither end was retracted since it was checked. */
async function assertEndsStillLive(trx: Kysely<Database>, fromId: string, toId: string): Promise<void> {
  const fields: Record<string, string> = {};
  if (!(await personExists(trx, fromId))) fields.from_person_id = NO_PERSON;
  if (!(await personExists(trx, toId))) fields.to_person_id = NO_PERSON;
  if (Object.keys(fields).length) throw new UnprocessableError('a relation needs two different, existing persons', fields);
}

/** A relation as stored, for the services' own use: no access check. */
async function loadRelation(ctx: ServiceContext, id: string): Promise<Relation> {
  const relation = await findRelationById(ctx.db, ctx.cipher, id);
  if (!relation) throw new NotFoundError('relation');
  return relation;
}

/** Blanks the contact details for a reader who may not see them; the presenter then leaves them out. */
export function hideRelationSecrets(relation: Relation): Relation {
  return { ...relation, contact: null, secrets_hidden: true };
}

/** What a reader receives: contact details only with the right to them, and each such read audited. */
function asRead(ctx: ServiceContext, principal: Principal, relation: Relation, access: CaseAccess): Promise<Relation> {
  return asReadBy(ctx, principal, relation, access, { entity: ENTITY, caseId: relation.case_id, secretFields: RELATION_SECRET_FIELDS, hide: hideRelationSecrets });
}

export async function getRelation(ctx: ServiceContext, principal: Principal, id: string): Promise<Relation> {
  const relation = await loadRelation(ctx, id);
  return asRead(ctx, principal, relation, await requireCaseRead(ctx, principal, relation.case_id, 'relation'));
}

/** A relation to edit: 404 for a non-member, 403 for a member who may not change the case, else read as getRelation. */
export async function getRelationForEdit(ctx: ServiceContext, principal: Principal, id: string): Promise<Relation> {
  const relation = await loadRelation(ctx, id);
  return asRead(ctx, principal, relation, await requireCaseWrite(ctx, principal, relation.case_id, 'relation'));
}

/** A relation is filed under the case of `from_person_id`; whoever records it must be able to change that case. */
/** `id`: a new one, or the id a record had in a Vigil JSON export being imported (src/import). */
export async function createRelation(ctx: ServiceContext, principal: Principal, input: CreateRelationInput, id = newId()): Promise<Relation> {
  const fields: RelationFields = {
    from_person_id: input.from_person_id,
    to_person_id: input.to_person_id,
    relation: input.relation,
    trusted_contact: input.trusted_contact ?? false,
    contact: normaliseContact(input.contact),
  };
  const caseId = await assertEnds(ctx, principal, fields.from_person_id, fields.to_person_id);
  await requireCaseWrite(ctx, principal, caseId, 'person');
  const at = ctx.clock.now().toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    await assertEndsStillLive(trx, fields.from_person_id, fields.to_person_id);
    await insertRelation(trx, ctx.cipher, { id, case_id: caseId, at, fields });
    await recordChange(ctx, trx, {
      case_id: caseId,
      entity: ENTITY,
      entity_id: id,
      version: 1,
      action: 'create',
      actor: principal.actor,
      at,
      changes: diffChanges(null, { ...fields }, RELATION_SECRET_FIELDS),
      reason: null,
    });
  });
  return loadRelation(ctx, id);
}

export async function updateRelation(
  ctx: ServiceContext,
  principal: Principal,
  id: string,
  input: UpdateRelationInput,
  expected: number,
): Promise<Relation> {
  const before = await loadRelation(ctx, id);
  const access = await requireCaseWrite(ctx, principal, before.case_id, 'relation');
  if (before.retracted_at) throw new RetractedRecordError('this relation');
  assertCurrentVersion(before.version, expected);
  const fields: Partial<RelationFields> = {};
  if (input.to_person_id !== undefined) fields.to_person_id = input.to_person_id;
  if (input.relation !== undefined) fields.relation = input.relation;
  if (input.trusted_contact !== undefined) fields.trusted_contact = input.trusted_contact;
  if (input.contact !== undefined) fields.contact = normaliseContact(input.contact);
  const movesTo = fields.to_person_id !== undefined && fields.to_person_id !== before.to_person_id ? fields.to_person_id : null;
  if (movesTo === before.from_person_id) throw new UnprocessableError('a relation needs two different persons', { to_person_id: 'is the same person as from_person_id' });
  if (movesTo !== null && (await readableCaseOf(ctx, principal, movesTo)) === null) {
    throw new UnprocessableError('to_person_id names no person', { to_person_id: NO_PERSON });
  }
  const beforeSubset = Object.fromEntries(Object.keys(fields).map((k) => [k, before[k as keyof Relation]]));
  const changes = diffChanges(beforeSubset, fields, RELATION_SECRET_FIELDS);
  // The answer carries the contact details again, so it is a read like any other.
  if (Object.keys(changes).length === 0) return asRead(ctx, principal, before, access);
  const at = ctx.clock.now().toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    if (movesTo !== null) await assertEndsStillLive(trx, before.from_person_id, movesTo);
    if (!(await updateRelationRow(trx, ctx.cipher, id, expected, { at, fields }))) throw new StaleVersionError(expected + 1, expected);
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
  return asRead(ctx, principal, await loadRelation(ctx, id), access);
}

export async function retractRelation(
  ctx: ServiceContext,
  principal: Principal,
  id: string,
  reason: string,
  expected: number | undefined,
): Promise<Relation> {
  const before = await loadRelation(ctx, id);
  const access = await requireCaseWrite(ctx, principal, before.case_id, 'relation');
  await retractRecord(ctx, principal, { table: 'relations', entity: ENTITY, what: 'this relation', record: before, caseId: before.case_id }, reason, expected);
  return asRead(ctx, principal, await loadRelation(ctx, id), access);
}

/** A page of the relations filed under cases the principal may read; lists never carry contact details. */
export async function listRelations(ctx: ServiceContext, principal: Principal, query: ListRelationsQuery): Promise<{ items: Relation[]; next_cursor: string | null }> {
  const limit = query.limit ?? 50;
  const [afterId] = decodeKeyCursor(query.cursor, 1) ?? [];
  const rows = await listRelationRows(ctx.db, ctx.cipher, {
    personId: query.person_id,
    includeRetracted: query.include_retracted,
    afterId,
    limit,
    scope: caseScope(ctx, principal),
  });
  return pageOf(rows, limit, (r) => [r.id]);
}

/**
 * A person's relations on either side, in recording order, as far as the principal may read
 * them: a relation filed under another case that names this person shows only if that case is
 * readable too. Contact details come only with `withSecrets` (the person page), to a reader
 * allowed to see them in the relation's case, and each such read is audited.
 */
export async function listRelationsForPerson(
  ctx: ServiceContext,
  principal: Principal,
  personId: string,
  options: { includeRetracted?: boolean; withSecrets?: boolean } = {},
): Promise<Relation[]> {
  const found = await findCaseOfPerson(ctx.db, personId);
  if (!found) throw new NotFoundError('person');
  await requireCaseRead(ctx, principal, found.case_id, 'person');
  const rows = await listRelationRows(ctx.db, ctx.cipher, {
    personId,
    includeRetracted: options.includeRetracted,
    limit: CASE_LIST_LIMIT,
    scope: caseScope(ctx, principal),
    openSecrets: options.withSecrets ?? false,
  });
  const relations = rows.slice(0, CASE_LIST_LIMIT);
  if (!options.withSecrets) return relations;
  const accessByCase = new Map<string, CaseAccess>();
  const shown: Relation[] = [];
  for (const relation of relations) {
    let access = accessByCase.get(relation.case_id);
    if (!access) accessByCase.set(relation.case_id, (access = await caseAccess(ctx, principal, relation.case_id)));
    shown.push(await asRead(ctx, principal, relation, access));
  }
  return shown;
}
