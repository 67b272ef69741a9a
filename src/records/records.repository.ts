import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { sealContext, type FieldCipher } from '../keys/field-cipher.ts';

/** Tables whose rows carry version, updated_at and the retraction columns. */
export type VersionedTable = 'persons' | 'status_entries' | 'sources' | 'actors' | 'events' | 'relations' | 'interventions' | 'directory_entries';

/** A retraction's reason often names people ("entered under the wrong case by …"), so it is sealed. */
export function openRetractionReason(cipher: FieldCipher, table: VersionedTable, row: { id: string; retraction_reason: string | null }): string | null {
  return cipher.openNullable(row.retraction_reason, sealContext(table, 'retraction_reason', row.id));
}

/** Marks a row retracted if it is still at `expectedVersion` and not yet retracted; false otherwise. */
export async function retractRow(
  db: Kysely<Database>,
  cipher: FieldCipher,
  table: VersionedTable,
  id: string,
  expectedVersion: number,
  at: string,
  reason: string,
): Promise<boolean> {
  // Every versioned table has these columns; one table's type stands for all.
  const result = await db
    .updateTable(table as 'sources')
    .set({ retracted_at: at, retraction_reason: cipher.seal(reason, sealContext(table, 'retraction_reason', id)), updated_at: at, version: expectedVersion + 1 })
    .where('id', '=', id)
    .where('version', '=', expectedVersion)
    .where('retracted_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
