import type { Kysely } from 'kysely';
import { openRetractionReason } from '../records/records.repository.ts';
import { inCaseScope, type CaseScope } from '../access/access.repository.ts';
import type { Database, RelationRow } from '../db/schema.ts';
import { sealContext, type FieldCipher } from '../keys/field-cipher.ts';
import type { Contact, Relation } from './relations.types.ts';

type Db = Kysely<Database>;

export type RelationFields = Pick<Relation, 'from_person_id' | 'to_person_id' | 'relation' | 'trusted_contact' | 'contact'>;

/** Contact details are sealed at rest (DESIGN §5), bound to their row. */
const contactContext = (id: string) => sealContext('relations', 'contact', id);

/** `openSecrets: false` leaves the contact sealed and marks it hidden (lists never carry it). */
function toRelation(cipher: FieldCipher, row: RelationRow, openSecrets = true): Relation {
  const contact = openSecrets ? cipher.openNullable(row.contact, contactContext(row.id)) : null;
  return {
    id: row.id,
    // Every relation is filed under a case; the column is nullable only for the schema's sake.
    case_id: row.case_id ?? row.from_person_id,
    from_person_id: row.from_person_id,
    to_person_id: row.to_person_id,
    relation: row.relation,
    trusted_contact: Number(row.trusted_contact) === 1,
    contact: contact === null ? null : (JSON.parse(contact) as Contact),
    version: row.version,
    created_at: row.created_at,
    updated_at: row.updated_at,
    retracted_at: row.retracted_at,
    retraction_reason: openRetractionReason(cipher, 'relations', row),
    ...(openSecrets ? {} : { secrets_hidden: true as const }),
  };
}

function fieldsToRow(cipher: FieldCipher, id: string, fields: Partial<RelationFields>): Partial<RelationRow> {
  const row: Partial<RelationRow> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    if (key === 'trusted_contact') row.trusted_contact = value ? 1 : 0;
    else if (key === 'contact') row.contact = value === null ? null : cipher.seal(JSON.stringify(value), contactContext(id));
    else (row as Record<string, unknown>)[key] = value;
  }
  return row;
}

export async function insertRelation(db: Db, cipher: FieldCipher, relation: { id: string; case_id: string; at: string; fields: RelationFields }): Promise<void> {
  await db
    .insertInto('relations')
    .values({
      ...(fieldsToRow(cipher, relation.id, relation.fields) as RelationRow),
      id: relation.id,
      case_id: relation.case_id,
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
  cipher: FieldCipher,
  id: string,
  expectedVersion: number,
  change: { at: string; fields: Partial<RelationFields> },
): Promise<boolean> {
  const result = await db
    .updateTable('relations')
    .set({ ...fieldsToRow(cipher, id, change.fields), updated_at: change.at, version: expectedVersion + 1 })
    .where('id', '=', id)
    .where('version', '=', expectedVersion)
    .where('retracted_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function findRelationById(db: Db, cipher: FieldCipher, id: string): Promise<Relation | null> {
  const row = await db.selectFrom('relations').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toRelation(cipher, row) : null;
}

export interface RelationFilter {
  /** Relations on either side of this person. */
  personId?: string | undefined;
  includeRetracted?: boolean | undefined;
  afterId?: string | undefined;
  limit: number;
  /** Only relations filed under a case in scope. */
  scope: CaseScope;
  /** Open the contact details; otherwise they stay sealed and the relations come marked hidden. */
  openSecrets?: boolean | undefined;
}

/** Relations in recording order (ids are UUIDv7); returns one extra row to tell whether more follow. */
export async function listRelationRows(db: Db, cipher: FieldCipher, filter: RelationFilter): Promise<Relation[]> {
  let query = db.selectFrom('relations').selectAll().where((eb) => inCaseScope(eb, 'relations.case_id', filter.scope));
  const personId = filter.personId;
  if (personId) query = query.where((eb) => eb.or([eb('from_person_id', '=', personId), eb('to_person_id', '=', personId)]));
  if (!filter.includeRetracted) query = query.where('retracted_at', 'is', null);
  if (filter.afterId) query = query.where('id', '>', filter.afterId);
  const rows = await query.orderBy('id').limit(filter.limit + 1).execute();
  return rows.map((row) => toRelation(cipher, row, filter.openSecrets ?? false));
}

/** The persons on the other side of any relation of `personId`, retracted ones too: for redacting public documents. */
export async function listRelatedPersonIds(db: Db, personId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('relations')
    .select(['from_person_id', 'to_person_id'])
    .where((eb) => eb.or([eb('from_person_id', '=', personId), eb('to_person_id', '=', personId)]))
    .execute();
  return [...new Set(rows.flatMap((row) => [row.from_person_id, row.to_person_id]))].filter((id) => id !== personId);
}
