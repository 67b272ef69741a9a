import { availableParallelism } from 'node:os';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { sealContext, type FieldCipher } from '../keys/field-cipher.ts';
import type { ServiceContext } from '../services.ts';
import { nameKeys } from './name-keys.ts';
import { startKeyPool, type KeyPool } from './name-index-pool.ts';
import { rebuildHasher, type SearchKey } from './search-keys.ts';
import { inWriteTransaction, recordsStillAt, withRebuildCache } from './rebuild.repository.ts';
import { readIndexPage, replaceNameKeys, replaceNameKeysOfPersons, type IndexPagePerson, type SealedPersonName } from './search.repository.ts';

/** A person's distinct name keys, hashed: each key hashed once, however many forms share it. */
function hashedKeysOf(hash: (nameKey: string) => string, texts: Iterable<string>): Set<string> {
  const plain = new Set<string>();
  for (const text of texts) for (const nameKey of nameKeys(text)) plain.add(nameKey);
  const hashed = new Set<string>();
  for (const nameKey of plain) hashed.add(hash(nameKey));
  return hashed;
}

/** Indexes a person's names in the caller's transaction (load the key with loadSearchKey before it). */
export async function indexPersonNames(trx: Kysely<Database>, key: SearchKey, person: { id: string; case_id: string; names: Array<{ text: string }> }, fresh = false): Promise<void> {
  await replaceNameKeys(trx, person.id, person.case_id, [...hashedKeysOf((nameKey) => key.hash(nameKey), person.names.map((name) => name.text))], fresh);
}

/** A page of the rebuild: its persons and their sealed names. */
export interface KeyPage {
  persons: Array<{ id: string; case_id: string }>;
  names: SealedPersonName[];
}

/**
 * The rows of a page's index, flat: (person_id, case_id, hashed key) after one another. Opens the
 * sealed names itself, so it can run on a worker thread with copies of the keys (name-index-worker.ts).
 */
export function keyRowsOfPage(page: KeyPage, cipher: FieldCipher, hash: (nameKey: string) => string): string[] {
  const texts = new Map<string, string[]>();
  for (const name of page.names) {
    const list = texts.get(name.person_id) ?? texts.set(name.person_id, []).get(name.person_id)!;
    list.push(cipher.open(name.text, sealContext('person_names', 'text', name.id)));
  }
  const rows: string[] = [];
  for (const person of page.persons) for (const hashed of hashedKeysOf(hash, texts.get(person.id) ?? [])) rows.push(person.id, person.case_id, hashed);
  return rows;
}

export interface ReindexOptions {
  /** Persons per page; each page is one transaction. */
  pageSize?: number;
  /**
   * Worker threads that open the names and compute the keys while this one reads and writes:
   * by default one fewer than the cores (at most 3; none on one core).
   */
  threads?: number;
}

/**
 * Rebuilds every person's name keys (`vigil search reindex`): for a store whose persons were written
 * before search existed, or by the bulk loader. A page of persons per transaction, its keys written
 * in one statement; pages are keyed on worker threads while earlier ones are written (on a store of
 * more than one page). A person changed since its page was read is left alone: that change indexed
 * it in its own transaction. The third argument may be the page size alone.
 */
export async function reindexAllPersons(ctx: ServiceContext, key: SearchKey, options: number | ReindexOptions = {}): Promise<number> {
  const { pageSize = 5000, threads } = typeof options === 'number' ? { pageSize: options } : options;
  if (!Number.isInteger(pageSize) || pageSize < 1) throw new RangeError('pageSize must be a whole number ≥ 1');
  const poolSize = threads ?? Math.min(3, availableParallelism() - 1);
  return withRebuildCache(ctx.db, ctx.dialect, () => rebuild(ctx, key, pageSize, poolSize));
}

async function rebuild(ctx: ServiceContext, key: SearchKey, pageSize: number, poolSize: number): Promise<number> {
  const hash = rebuildHasher(key);
  let pool: KeyPool | null = null;
  let poolTried = false;
  try {
    let after = '';
    let count = 0;
    const pending: Array<{ persons: IndexPagePerson[]; rows: Promise<string[]> }> = [];
    let exhausted = false;
    for (;;) {
      while (!exhausted && pending.length < Math.max(2, (pool?.size ?? 0) * 2)) {
        const page = await readIndexPage(ctx.db, after, pageSize);
        if (page.persons.length === 0) {
          exhausted = true;
          break;
        }
        after = page.persons.at(-1)!.id;
        // Threads pay only for a big store: a first page that fills up.
        if (!poolTried && poolSize > 0 && page.persons.length === pageSize) {
          poolTried = true;
          pool = await startKeyPool(poolSize, ctx.cipher, key);
        }
        const job: KeyPage = { persons: page.persons.map(({ id, case_id }) => ({ id, case_id })), names: page.names };
        const rows = pool ? pool.run(job) : Promise.resolve(keyRowsOfPage(job, ctx.cipher, hash));
        rows.catch(() => {}); // surfaces where it is awaited, never as an unhandled rejection
        pending.push({ persons: page.persons, rows });
        if (!pool) break; // in this thread: write each page as soon as it is keyed
      }
      const next = pending.shift();
      if (!next) return count;
      const rows = await next.rows;
      await inWriteTransaction(ctx.db, ctx.dialect, async (trx) => {
        const still = await recordsStillAt(trx, ctx.dialect, 'persons', next.persons);
        const kept = still.size === next.persons.length ? rows : rows.filter((_, i) => still.has(rows[i - (i % 3)]!));
        await replaceNameKeysOfPersons(trx, ctx.dialect, [...still], kept);
      });
      count += next.persons.length;
    }
  } finally {
    await (pool as KeyPool | null)?.close();
  }
}
