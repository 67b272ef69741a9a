import type { Kysely } from 'kysely';
import type { CaseScope } from '../access/access.repository.ts';
import { caseScope, requireCaseRead, requireCaseWrite } from '../access/access.service.ts';
import type { Principal } from '../auth/roles.ts';
import type { Database } from '../db/schema.ts';
import { decodeKeyCursor, pageOf } from '../records/list-cursor.ts';
import { InvalidInputError, NotFoundError, RetractedRecordError, StaleVersionError, UnprocessableError } from '../lib/errors.ts';
import { newId } from '../lib/ids.ts';
import { retractRecord } from '../records/retraction.ts';
import { recordChange } from '../records/changes.ts';
import { assertCurrentVersion, diffChanges } from '../records/versioning.ts';
import type { ServiceContext } from '../services.ts';
import {
  existingActorIds,
  findActorById,
  findActorParentId,
  insertActor,
  listActorRows,
  updateActorRow,
  type ActorFields,
} from './actors.repository.ts';
import type { ActorNameInput, CreateActorInput, ListActorsQuery, UpdateActorInput } from './actors.schemas.ts';
import type { Actor, ActorName } from './actors.types.ts';

const ENTITY = 'actor';
/** Deeper than any real chain of command; stops the walk if stored data ever held a loop. */
const MAX_HIERARCHY_DEPTH = 100;

function normaliseNames(names: ActorNameInput[]): ActorName[] {
  return names.map((n) => ({ text: n.text, script: n.script, lang: n.lang ?? null }));
}

function assertNotBlank(value: string | undefined, field: string): void {
  if (value !== undefined && value.trim() === '') throw new InvalidInputError(`${field} must not be blank`, { [field]: 'must not be blank' });
}

/** The parent must be a live actor the principal may read, and never the actor itself or one of its descendants. */
async function assertParent(db: Kysely<Database>, scope: CaseScope, actorId: string | null, parentId: string | null | undefined): Promise<void> {
  if (!parentId) return;
  if (parentId === actorId) throw new UnprocessableError('an actor cannot be its own parent', { parent_id: 'names this actor' });
  if (!(await existingActorIds(db, [parentId], scope)).has(parentId)) {
    throw new UnprocessableError('parent_id names no actor, or a retracted one', { parent_id: 'names no actor, or a retracted one' });
  }
  if (!actorId) return;
  let current: string | null = parentId;
  for (let depth = 0; current && depth < MAX_HIERARCHY_DEPTH; depth++) {
    current = await findActorParentId(db, current);
    if (current === actorId) throw new UnprocessableError('parent_id would make the hierarchy a loop', { parent_id: 'is below this actor' });
  }
  if (current) throw new UnprocessableError('the hierarchy above parent_id is too deep', { parent_id: 'is in too deep a hierarchy' });
}

/** An actor as stored, for the services' own use: no access check. */
async function loadActor(ctx: ServiceContext, id: string): Promise<Actor> {
  const actor = await findActorById(ctx.db, ctx.cipher, id);
  if (!actor) throw new NotFoundError('actor');
  return actor;
}

/** Public institutions, readable by every signed-in user; an actor filed under a case only by those who may read the case. */
export async function getActor(ctx: ServiceContext, principal: Principal, id: string): Promise<Actor> {
  const actor = await loadActor(ctx, id);
  await requireCaseRead(ctx, principal, actor.case_id, 'actor');
  return actor;
}

/** `id`: a new one, or the id a record had in a Vigil JSON export being imported (src/import). */
export async function createActor(ctx: ServiceContext, principal: Principal, input: CreateActorInput, id = newId()): Promise<Actor> {
  assertNotBlank(input.name, 'name');
  input.names?.forEach((n, i) => assertNotBlank(n.text, `names.${i}.text`));
  const names = normaliseNames(input.names ?? []);
  const name = input.name ?? names[0]?.text;
  if (name === undefined) throw new InvalidInputError('an actor needs a name or names', { name: 'is required (or give names)' });
  await requireCaseWrite(ctx, principal, null, 'actor');
  const fields: ActorFields = { name, names, type: input.type, parent_id: input.parent_id ?? null, place: input.place ?? null };
  const at = ctx.clock.now().toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    await assertParent(trx, caseScope(ctx, principal), null, fields.parent_id);
    await insertActor(trx, { id, at, fields });
    await recordChange(ctx, trx, {
      case_id: null,
      entity: ENTITY,
      entity_id: id,
      version: 1,
      action: 'create',
      actor: principal.actor,
      at,
      changes: diffChanges(null, { ...fields }),
      reason: null,
    });
  });
  return loadActor(ctx, id);
}

export async function updateActor(
  ctx: ServiceContext,
  principal: Principal,
  id: string,
  input: UpdateActorInput,
  expected: number,
): Promise<Actor> {
  const before = await loadActor(ctx, id);
  await requireCaseWrite(ctx, principal, before.case_id, 'actor');
  if (before.retracted_at) throw new RetractedRecordError('this actor');
  assertCurrentVersion(before.version, expected);
  assertNotBlank(input.name, 'name');
  input.names?.forEach((n, i) => assertNotBlank(n.text, `names.${i}.text`));
  const fields: Partial<ActorFields> = {};
  if (input.name !== undefined) fields.name = input.name;
  if (input.names !== undefined) fields.names = normaliseNames(input.names);
  if (input.type !== undefined) fields.type = input.type;
  if (input.parent_id !== undefined) fields.parent_id = input.parent_id;
  if (input.place !== undefined) fields.place = input.place;
  const beforeSubset = Object.fromEntries(Object.keys(fields).map((k) => [k, before[k as keyof Actor]]));
  const changes = diffChanges(beforeSubset, fields);
  if (Object.keys(changes).length === 0) return before;
  const at = ctx.clock.now().toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    if (fields.parent_id !== undefined) await assertParent(trx, caseScope(ctx, principal), id, fields.parent_id);
    if (!(await updateActorRow(trx, id, expected, { at, fields }))) throw new StaleVersionError(expected + 1, expected);
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
  return loadActor(ctx, id);
}

/** Acts already naming a retracted actor keep it (they are history); new ones cannot name it. */
export async function retractActor(
  ctx: ServiceContext,
  principal: Principal,
  id: string,
  reason: string,
  expected: number | undefined,
): Promise<Actor> {
  const before = await loadActor(ctx, id);
  await requireCaseWrite(ctx, principal, before.case_id, 'actor');
  await retractRecord(ctx, principal, { table: 'actors', entity: ENTITY, what: 'this actor', record: before, caseId: before.case_id }, reason, expected);
  return loadActor(ctx, id);
}

/** Actors by name, paged, those the principal may see: for the API, the perpetrator picker and export. */
export async function listActors(ctx: ServiceContext, principal: Principal, query: ListActorsQuery): Promise<{ items: Actor[]; next_cursor: string | null }> {
  const limit = query.limit ?? 50;
  const keys = decodeKeyCursor(query.cursor, 2);
  const rows = await listActorRows(ctx.db, ctx.cipher, {
    type: query.type,
    parentId: query.parent_id,
    includeRetracted: query.include_retracted,
    after: keys ? { name: keys[0]!, id: keys[1]! } : undefined,
    limit,
    scope: caseScope(ctx, principal),
  });
  return pageOf(rows, limit, (a) => [a.name, a.id]);
}

// Enough for any organisation's list of perpetrators, and a bound on one page's work.
const MAX_CHOICES = 2000;

/** Every live actor the principal may see, in name order, for perpetrator and parent selects. */
export async function listActorChoices(ctx: ServiceContext, principal: Principal): Promise<Actor[]> {
  const actors: Actor[] = [];
  let cursor: string | undefined;
  do {
    const page = await listActors(ctx, principal, { limit: 200, ...(cursor ? { cursor } : {}) });
    actors.push(...page.items);
    cursor = page.next_cursor ?? undefined;
  } while (cursor && actors.length < MAX_CHOICES);
  return actors;
}
