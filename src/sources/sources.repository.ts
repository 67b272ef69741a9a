import type { Kysely } from 'kysely';
import { openRetractionReason } from '../records/records.repository.ts';
import { inCaseScope, type CaseScope } from '../access/access.repository.ts';
import type { Database, SourceRow } from '../db/schema.ts';
import { sealContext, type FieldCipher } from '../keys/field-cipher.ts';
import type { Source } from './sources.types.ts';

type Db = Kysely<Database>;

/** The stored form of the editable fields. */
export type SourceFields = Omit<Source, 'id' | 'version' | 'created_at' | 'updated_at' | 'retracted_at' | 'retraction_reason' | 'secrets_hidden'>;

/** Sealed at rest: a title names the witness as often as the identity does. Neither is sorted or filtered in SQL. */
const SEALED = ['title', 'confidential_identity'] as const;

function toSource(cipher: FieldCipher, row: SourceRow): Source {
  return {
    id: row.id,
    person_id: row.case_id,
    kind: row.kind,
    title: cipher.open(row.title, sealContext('sources', 'title', row.id)),
    publisher: row.publisher,
    url: row.url,
    date: row.date,
    language: row.language,
    reliability: row.reliability,
    confidential: Number(row.confidential) === 1,
    confidential_identity: cipher.openNullable(row.confidential_identity, sealContext('sources', 'confidential_identity', row.id)),
    version: row.version,
    created_at: row.created_at,
    updated_at: row.updated_at,
    retracted_at: row.retracted_at,
    retraction_reason: openRetractionReason(cipher, 'sources', row),
  };
}

function fieldsToRow(cipher: FieldCipher, id: string, fields: Partial<SourceFields>): Partial<SourceRow> {
  const row: Partial<SourceRow> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    if ((SEALED as readonly string[]).includes(key)) (row as Record<string, unknown>)[key] = cipher.sealNullable(value as string | null, sealContext('sources', key, id));
    else if (key === 'person_id') row.case_id = value as string | null;
    else if (key === 'confidential') row.confidential = value ? 1 : 0;
    else (row as Record<string, unknown>)[key] = value;
  }
  return row;
}

export async function insertSource(
  db: Db,
  cipher: FieldCipher,
  source: { id: string; at: string; date_earliest: string | null; fields: SourceFields },
): Promise<void> {
  await db
    .insertInto('sources')
    .values({
      ...(fieldsToRow(cipher, source.id, source.fields) as SourceRow),
      id: source.id,
      date_earliest: source.date_earliest,
      version: 1,
      created_at: source.at,
      updated_at: source.at,
      retracted_at: null,
      retraction_reason: null,
    })
    .execute();
}

/** Applies an update only if the row is still at `expectedVersion`; false means someone was first. */
export async function updateSourceRow(
  db: Db,
  cipher: FieldCipher,
  id: string,
  expectedVersion: number,
  change: { at: string; date_earliest?: string | null | undefined; fields: Partial<SourceFields> },
): Promise<boolean> {
  const result = await db
    .updateTable('sources')
    .set({
      ...fieldsToRow(cipher, id, change.fields),
      ...(change.date_earliest !== undefined ? { date_earliest: change.date_earliest } : {}),
      updated_at: change.at,
      version: expectedVersion + 1,
    })
    .where('id', '=', id)
    .where('version', '=', expectedVersion)
    .where('retracted_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function findSourceById(db: Db, cipher: FieldCipher, id: string): Promise<Source | null> {
  const row = await db.selectFrom('sources').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toSource(cipher, row) : null;
}

export interface SourceFilter {
  caseId?: string | undefined;
  kind?: string | undefined;
  includeRetracted?: boolean | undefined;
  afterId?: string | undefined;
  limit: number;
  /** The cases the reader may see; sources filed under no case are for everyone. */
  scope: CaseScope;
}

/** Sources in recording order (ids are UUIDv7); returns one extra row to tell whether more follow. */
export async function listSourceRows(db: Db, cipher: FieldCipher, filter: SourceFilter): Promise<Source[]> {
  let query = db
    .selectFrom('sources')
    .selectAll()
    .where((eb) => inCaseScope(eb, 'sources.case_id', filter.scope, true));
  if (filter.caseId) query = query.where('case_id', '=', filter.caseId);
  if (filter.kind) query = query.where('kind', '=', filter.kind);
  if (!filter.includeRetracted) query = query.where('retracted_at', 'is', null);
  if (filter.afterId) query = query.where('id', '>', filter.afterId);
  const rows = await query.orderBy('id').limit(filter.limit + 1).execute();
  return rows.map((row) => toSource(cipher, row));
}
