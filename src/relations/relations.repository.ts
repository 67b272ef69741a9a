import type { Kysely } from 'kysely';
import type { Database, RelationRow } from '../db/schema.ts';
import type { Contact, Relation } from './relations.types.ts';

type Db = Kysely<Database>;

export type RelationFields = Pick<Relation, 'from_person_id' | 'to_person_id' | 'relation' | 'trusted_contact' | 'contact'>;

function toRelation(row: RelationRow): Relation {
  return {
    id: row.id,
    from_person_id: row.from_person_id,
    to_person_id: row.to_person_id,
    relation: row.relation,
    trusted_contact: Number(row.trusted_contact) === 1,
    contact: row.contact ? (JSON.parse(row.contact) as Contact) : null,
    version: row.version,
    created_at: row.created_at,
    updated_at: row.updated_at,
    retracted_at: row.retracted_at,
    retraction_reason: row.retraction_reason,
  };
}

function fieldsToRow(fields: Partial<RelationFields>): Partial<RelationRow> {
  const row: Partial<RelationRow> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    if (key === 'trusted_contact') row.trusted_contact = value ? 1 : 0;
    else if (key === 'contact') row.contact = value === null ? null : JSON.stringify(value);
    else (row as Record<string, unknown>)[key] = value;
  }
  return row;
}

export async function insertRelation(db: Db, relation: { id: string; at: string; fields: RelationFields }): Promise<void> {
  await db
    .insertInto('relations')
    .values({
      ...(fieldsToRow(relation.fields) as RelationRow),
      id: relation.id,
      // The relation belongs to the case of the person it is recorded for.
      case_id: relation.fields.from_person_id,
      version: 1,
      created_at: relation.at,
      updated_at: relation.at,
      retracted_at: null,
      retraction_reason: null,
    })
    .execute();
}

/** Applies an update only if the row is still at `expectedVersion`; false means someone was first. */
export async function updateRelationRow(
  db: Db,
  id: string,
  expectedVersion: number,
  change: { at: string; fields: Partial<RelationFields> },
): Promise<boolean> {
  const result = await db
    .updateTable('relations')
    .set({ ...fieldsToRow(change.fields), updated_at: change.at, version: expectedVersion + 1 })
    .where('id', '=', id)
    .where('version', '=', expectedVersion)
    .where('retracted_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function findRelationById(db: Db, id: string): Promise<Relation | null> {
  const row = await db.selectFrom('relations').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toRelation(row) : null;
}

export interface RelationFilter {
  /** Relations on either side of this person. */
  personId?: string | undefined;
  includeRetracted?: boolean | undefined;
  afterId?: string | undefined;
  limit: number;
}

/** Relations in recording order (ids are UUIDv7); returns one extra row to tell whether more follow. */
export async function listRelationRows(db: Db, filter: RelationFilter): Promise<Relation[]> {
  let query = db.selectFrom('relations').selectAll();
  const personId = filter.personId;
  if (personId) query = query.where((eb) => eb.or([eb('from_person_id', '=', personId), eb('to_person_id', '=', personId)]));
  if (!filter.includeRetracted) query = query.where('retracted_at', 'is', null);
  if (filter.afterId) query = query.where('id', '>', filter.afterId);
  const rows = await query.orderBy('id').limit(filter.limit + 1).execute();
  return rows.map(toRelation);
}
