import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { listNamesOfPersons } from '../persons/persons.repository.ts';
import type { ServiceContext } from '../services.ts';
import { nameKeys } from './name-keys.ts';
import type { SearchKey } from './search-keys.ts';
import { listPersonIdsAfter, replaceNameKeys } from './search.repository.ts';

/** Indexes a person's names in the caller's transaction (load the key with loadSearchKey before it). */
export async function indexPersonNames(trx: Kysely<Database>, key: SearchKey, person: { id: string; case_id: string; names: Array<{ text: string }> }): Promise<void> {
  const keys = person.names.flatMap((name) => nameKeys(name.text)).map((nameKey) => key.hash(nameKey));
  await replaceNameKeys(trx, person.id, person.case_id, keys);
}

/**
 * Rebuilds every person's name keys (`vigil search reindex`): for a store whose persons were written
 * before search existed, or by the bulk loader. A page of persons per transaction.
 */
export async function reindexAllPersons(ctx: ServiceContext, key: SearchKey, pageSize = 500): Promise<number> {
  let after = '';
  let count = 0;
  for (;;) {
    const page = await listPersonIdsAfter(ctx.db, after, pageSize);
    if (page.length === 0) return count;
    const names = await listNamesOfPersons(ctx.db, ctx.cipher, page.map((person) => person.id));
    await ctx.db.transaction().execute(async (trx) => {
      for (const person of page) await indexPersonNames(trx, key, { ...person, names: names.get(person.id) ?? [] });
    });
    count += page.length;
    after = page.at(-1)!.id;
  }
}
