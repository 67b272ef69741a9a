import type { Kysely } from 'kysely';
import type { Principal } from '../auth/roles.ts';
import type { Database } from '../db/schema.ts';
import { CASE_LIST_LIMIT, decodeKeyCursor, pageOf } from '../records/list-cursor.ts';
import { NotFoundError, RetractedRecordError, StaleVersionError, UnprocessableError } from '../lib/errors.ts';
import { newId } from '../lib/ids.ts';
import { personExists } from '../persons/persons.repository.ts';
import { retractRecord } from '../records/retraction.ts';
import { recordChange } from '../records/changes.ts';
import { assertCurrentVersion, diffChanges } from '../records/versioning.ts';
import type { ServiceContext } from '../services.ts';
import {
  findRelationById,
  insertRelation,
  listRelationRows,
  updateRelationRow,
  type RelationFields,
} from './relations.repository.ts';
import type { ContactInput, CreateRelationInput, ListRelationsQuery, UpdateRelationInput } from './relations.schemas.ts';
import { RELATION_SECRET_FIELDS, type Contact, type Relation } from './relations.types.ts';

const ENTITY = 'relation';

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

/** Both ends must be live persons, and different ones. */
async function assertEnds(db: Kysely<Database>, fromId: string, toId: string, checkFrom: boolean): Promise<void> {
  const fields: Record<string, string> = {};
  if (checkFrom && !(await personExists(db, fromId))) fields.from_person_id = 'names no person, or a retracted one';
  if (fromId === toId) fields.to_person_id = 'is the same person as from_person_id';
  else if (!(await personExists(db, toId))) fields.to_person_id = 'names no person, or a retracted one';
  if (Object.keys(fields).length) throw new UnprocessableError('a relation needs two different, existing persons', fields);
}

export async function getRelation(ctx: ServiceContext, id: string): Promise<Relation> {
  const relation = await findRelationById(ctx.db, id);
  if (!relation) throw new NotFoundError('relation');
  return relation;
}

export async function createRelation(ctx: ServiceContext, principal: Principal, input: CreateRelationInput): Promise<Relation> {
  const fields: RelationFields = {
    from_person_id: input.from_person_id,
    to_person_id: input.to_person_id,
    relation: input.relation,
    trusted_contact: input.trusted_contact ?? false,
    contact: normaliseContact(input.contact),
  };
  const id = newId();
  const at = ctx.clock.now().toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    await assertEnds(trx, fields.from_person_id, fields.to_person_id, true);
    await insertRelation(trx, { id, at, fields });
    await recordChange(ctx, trx, {
      case_id: fields.from_person_id,
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
  return getRelation(ctx, id);
}

export async function updateRelation(
  ctx: ServiceContext,
  principal: Principal,
  id: string,
  input: UpdateRelationInput,
  expected: number,
): Promise<Relation> {
  const before = await getRelation(ctx, id);
  if (before.retracted_at) throw new RetractedRecordError('this relation');
  assertCurrentVersion(before.version, expected);
  const fields: Partial<RelationFields> = {};
  if (input.to_person_id !== undefined) fields.to_person_id = input.to_person_id;
  if (input.relation !== undefined) fields.relation = input.relation;
  if (input.trusted_contact !== undefined) fields.trusted_contact = input.trusted_contact;
  if (input.contact !== undefined) fields.contact = normaliseContact(input.contact);
  const beforeSubset = Object.fromEntries(Object.keys(fields).map((k) => [k, before[k as keyof Relation]]));
  const changes = diffChanges(beforeSubset, fields, RELATION_SECRET_FIELDS);
  if (Object.keys(changes).length === 0) return before;
  const at = ctx.clock.now().toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    if (fields.to_person_id !== undefined) await assertEnds(trx, before.from_person_id, fields.to_person_id, false);
    if (!(await updateRelationRow(trx, id, expected, { at, fields }))) throw new StaleVersionError(expected + 1, expected);
    await recordChange(ctx, trx, {
      case_id: before.from_person_id,
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
  return getRelation(ctx, id);
}

export async function retractRelation(
  ctx: ServiceContext,
  principal: Principal,
  id: string,
  reason: string,
  expected: number | undefined,
): Promise<Relation> {
  const before = await getRelation(ctx, id);
  await retractRecord(ctx, principal, { table: 'relations', entity: ENTITY, what: 'this relation', record: before, caseId: before.from_person_id }, reason, expected);
  return getRelation(ctx, id);
}

export async function listRelations(ctx: ServiceContext, query: ListRelationsQuery): Promise<{ items: Relation[]; next_cursor: string | null }> {
  const limit = query.limit ?? 50;
  const [afterId] = decodeKeyCursor(query.cursor, 1) ?? [];
  const rows = await listRelationRows(ctx.db, { personId: query.person_id, includeRetracted: query.include_retracted, afterId, limit });
  return pageOf(rows, limit, (r) => [r.id]);
}

/** A person's relations on either side, in recording order: for pages, watches, demo data and export. */
export async function listRelationsForPerson(
  ctx: ServiceContext,
  personId: string,
  options: { includeRetracted?: boolean } = {},
): Promise<Relation[]> {
  const rows = await listRelationRows(ctx.db, { personId, includeRetracted: options.includeRetracted, limit: CASE_LIST_LIMIT });
  return rows.slice(0, CASE_LIST_LIMIT);
}
