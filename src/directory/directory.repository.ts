import type { Kysely } from 'kysely';
import type { Database, DirectoryEntryRow } from '../db/schema.ts';
import { sealContext, type FieldCipher } from '../keys/field-cipher.ts';
import { openRetractionReason } from '../records/records.repository.ts';
import type { DirectoryEntry } from './directory.types.ts';

type Db = Kysely<Database>;

export type DirectoryEntryFields = Pick<DirectoryEntry, 'kind' | 'name' | 'country' | 'salutation' | 'address' | 'email' | 'phone' | 'fax' | 'website' | 'languages' | 'note'>;

const TABLE = 'directory_entries';

function toEntry(cipher: FieldCipher, row: DirectoryEntryRow): DirectoryEntry {
  return {
    id: row.id,
    kind: row.kind,
    name: row.name,
    country: row.country,
    salutation: row.salutation,
    address: row.address,
    email: row.email,
    phone: row.phone,
    fax: row.fax,
    website: row.website,
    languages: JSON.parse(row.languages) as string[],
    note: cipher.openNullable(row.note, sealContext(TABLE, 'note', row.id)),
    version: row.version,
    created_at: row.created_at,
    updated_at: row.updated_at,
    retracted_at: row.retracted_at,
    retraction_reason: openRetractionReason(cipher, TABLE, row),
  };
}

/** The office's public particulars stay readable; the note (who answered, how to reach them) is sealed. */
function fieldsToRow(cipher: FieldCipher, id: string, fields: Partial<DirectoryEntryFields>): Partial<DirectoryEntryRow> {
  const row: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    if (key === 'languages') row.languages = JSON.stringify(value);
    else if (key === 'note') row.note = cipher.sealNullable(value as string | null, sealContext(TABLE, 'note', id));
    else row[key] = value;
  }
  return row as Partial<DirectoryEntryRow>;
}

export async function insertDirectoryEntry(db: Db, cipher: FieldCipher, entry: { id: string; at: string; fields: DirectoryEntryFields }): Promise<void> {
  await db
    .insertInto(TABLE)
    .values({
      ...(fieldsToRow(cipher, entry.id, entry.fields) as DirectoryEntryRow),
      id: entry.id,
      version: 1,
      created_at: entry.at,
      updated_at: entry.at,
      retracted_at: null,
      retraction_reason: null,
    })
    .execute();
}

/** Applies an update only if the row is still at `expectedVersion`; false means someone was first. */
export async function updateDirectoryEntryRow(
  db: Db,
  cipher: FieldCipher,
  id: string,
  expectedVersion: number,
  change: { at: string; fields: Partial<DirectoryEntryFields> },
): Promise<boolean> {
  const result = await db
    .updateTable(TABLE)
    .set({ ...fieldsToRow(cipher, id, change.fields), updated_at: change.at, version: expectedVersion + 1 })
    .where('id', '=', id)
    .where('version', '=', expectedVersion)
    .where('retracted_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function findDirectoryEntryById(db: Db, cipher: FieldCipher, id: string): Promise<DirectoryEntry | null> {
  const row = await db.selectFrom(TABLE).selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toEntry(cipher, row) : null;
}

/** The live entries among `ids`, in the order given (unknown and retracted ones left out). */
export async function findLiveDirectoryEntries(db: Db, cipher: FieldCipher, ids: string[]): Promise<DirectoryEntry[]> {
  if (ids.length === 0) return [];
  const rows = await db.selectFrom(TABLE).selectAll().where('id', 'in', ids).where('retracted_at', 'is', null).execute();
  const byId = new Map(rows.map((row) => [row.id, toEntry(cipher, row)]));
  return ids.map((id) => byId.get(id)).filter((entry): entry is DirectoryEntry => entry !== undefined);
}

export interface DirectoryFilter {
  kind?: string | undefined;
  /** Any of these countries. */
  countries?: string[] | undefined;
  includeRetracted?: boolean | undefined;
  after?: { name: string; id: string } | undefined;
  limit: number;
}

/** Entries by name (then id); returns one extra row to tell whether more follow. */
export async function listDirectoryRows(db: Db, cipher: FieldCipher, filter: DirectoryFilter): Promise<DirectoryEntry[]> {
  let query = db.selectFrom(TABLE).selectAll();
  if (filter.kind) query = query.where('kind', '=', filter.kind);
  if (filter.countries) query = filter.countries.length ? query.where('country', 'in', filter.countries) : query.where('id', '=', '');
  if (!filter.includeRetracted) query = query.where('retracted_at', 'is', null);
  const after = filter.after;
  if (after) query = query.where(({ eb, refTuple, tuple }) => eb(refTuple('name', 'id'), '>', tuple(after.name, after.id)));
  const rows = await query.orderBy('name').orderBy('id').limit(filter.limit + 1).execute();
  return rows.map((row) => toEntry(cipher, row));
}
