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

/** The tables of the records an import writes, each keyed by its id. */
export type RecordTable = 'persons' | 'status_entries' | 'sources' | 'actors' | 'events' | 'relations' | 'interventions';

/**
 * Which of these ids a table already has. `live`: only records not retracted (a reference must name
 * one, as the API requires); otherwise any (an import never writes a record again under its id).
 */
export async function findExistingIds(db: Kysely<Database>, table: RecordTable, ids: string[], live = false): Promise<Set<string>> {
  const found = new Set<string>();
  for (let start = 0; start < ids.length; start += 500) {
    let query = db.selectFrom(table).select('id').where('id', 'in', ids.slice(start, start + 500));
    if (live) query = query.where('retracted_at', 'is', null);
    for (const row of await query.execute()) found.add(row.id);
  }
  return found;
}

/**
 * Of these person ids, those an import wrote (their 'create' revision is by `actor`, the import's
 * own), with the case each is filed under in the store: the only persons a later import may add to.
 */
export async function findImportedPersons(db: Kysely<Database>, ids: string[], actor: string): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for (let start = 0; start < ids.length; start += 500) {
    const rows = await db
      .selectFrom('persons')
      .innerJoin('revisions', (join) => join.onRef('revisions.entity_id', '=', 'persons.id').on('revisions.entity', '=', 'person').on('revisions.action', '=', 'create'))
      .select(['persons.id', 'persons.case_id'])
      .where('persons.id', 'in', ids.slice(start, start + 500))
      .where('revisions.actor', '=', actor)
      .execute();
    for (const row of rows) found.set(row.id, row.case_id);
  }
  return found;
}
