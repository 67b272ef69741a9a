import type { Kysely } from 'kysely';
import { openRetractionReason } from '../records/records.repository.ts';
import { inCaseScope, type CaseScope } from '../access/access.repository.ts';
import type { ActorRow, Database } from '../db/schema.ts';
import type { FieldCipher } from '../keys/field-cipher.ts';
import type { Actor, ActorName } from './actors.types.ts';

type Db = Kysely<Database>;

export type ActorFields = Pick<Actor, 'name' | 'names' | 'type' | 'parent_id' | 'place'>;

function toActor(cipher: FieldCipher, row: ActorRow): Actor {
  return {
    id: row.id,
    case_id: row.case_id,
    name: row.name,
    names: JSON.parse(row.names) as ActorName[],
    type: row.type,
    parent_id: row.parent_id,
    place: row.place,
    version: row.version,
    created_at: row.created_at,
    updated_at: row.updated_at,
    retracted_at: row.retracted_at,
    retraction_reason: openRetractionReason(cipher, 'actors', row),
  };
}

function fieldsToRow(fields: Partial<ActorFields>): Partial<ActorRow> {
  const row: Partial<ActorRow> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    if (key === 'names') row.names = JSON.stringify(value);
    else (row as Record<string, unknown>)[key] = value;
  }
  return row;
}

export async function insertActor(db: Db, actor: { id: string; at: string; fields: ActorFields }): Promise<void> {
  await db
    .insertInto('actors')
    .values({
      ...(fieldsToRow(actor.fields) as ActorRow),
      id: actor.id,
      case_id: null,
      version: 1,
      created_at: actor.at,
      updated_at: actor.at,
      retracted_at: null,
      retraction_reason: null,
    })
    .execute();
}

/** Applies an update only if the row is still at `expectedVersion`; false means someone was first. */
export async function updateActorRow(db: Db, id: string, expectedVersion: number, change: { at: string; fields: Partial<ActorFields> }): Promise<boolean> {
  const result = await db
    .updateTable('actors')
    .set({ ...fieldsToRow(change.fields), updated_at: change.at, version: expectedVersion + 1 })
    .where('id', '=', id)
    .where('version', '=', expectedVersion)
    .where('retracted_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function findActorById(db: Db, cipher: FieldCipher, id: string): Promise<Actor | null> {
  const row = await db.selectFrom('actors').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toActor(cipher, row) : null;
}

/** The ids among `ids` that name an actor that exists, is not retracted, and is in the reader's scope. */
export async function existingActorIds(db: Db, ids: string[], scope: CaseScope): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db
    .selectFrom('actors')
    .select('id')
    .where('id', 'in', ids)
    .where('retracted_at', 'is', null)
    .where((eb) => inCaseScope(eb, 'actors.case_id', scope, true))
    .execute();
  return new Set(rows.map((r) => r.id));
}

export async function findActorParentId(db: Db, id: string): Promise<string | null> {
  const row = await db.selectFrom('actors').select('parent_id').where('id', '=', id).executeTakeFirst();
  return row?.parent_id ?? null;
}

export interface ActorFilter {
  type?: string | undefined;
  parentId?: string | undefined;
  includeRetracted?: boolean | undefined;
  after?: { name: string; id: string } | undefined;
  limit: number;
  /** The cases the reader may see; actors of no case (nearly all) are for everyone. */
  scope: CaseScope;
}

/** Actors by name (then id); returns one extra row to tell whether more follow. */
export async function listActorRows(db: Db, cipher: FieldCipher, filter: ActorFilter): Promise<Actor[]> {
  let query = db
    .selectFrom('actors')
    .selectAll()
    .where((eb) => inCaseScope(eb, 'actors.case_id', filter.scope, true));
  if (filter.type) query = query.where('type', '=', filter.type);
  if (filter.parentId) query = query.where('parent_id', '=', filter.parentId);
  if (!filter.includeRetracted) query = query.where('retracted_at', 'is', null);
  const after = filter.after;
  if (after) query = query.where(({ eb, refTuple, tuple }) => eb(refTuple('name', 'id'), '>', tuple(after.name, after.id)));
  const rows = await query.orderBy('name').orderBy('id').limit(filter.limit + 1).execute();
  return rows.map((row) => toActor(cipher, row));
}
