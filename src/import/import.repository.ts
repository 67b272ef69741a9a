import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';

/**
 * Which of these external ids the store already has: as a person's external id (an earlier import)
 * or as a person's own id (a file exported from this store, its ids written as external ids).
 */
export async function findKnownExternalIds(db: Kysely<Database>, externalIds: string[]): Promise<Set<string>> {
  if (externalIds.length === 0) return new Set();
  const rows = await db
    .selectFrom('persons')
    .select(['id', 'external_id'])
    .where((eb) => eb.or([eb('external_id', 'in', externalIds), eb('id', 'in', externalIds)]))
    .execute();
  const wanted = new Set(externalIds);
  const known = new Set<string>();
  for (const row of rows) {
    if (row.external_id !== null && wanted.has(row.external_id)) known.add(row.external_id);
    if (wanted.has(row.id)) known.add(row.id);
  }
  return known;
}
