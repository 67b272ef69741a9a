import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { ServiceContext } from '../services.ts';
import { loadSearchKey, rebuildHasher, type SearchKey } from './search-keys.ts';
import { inWriteTransaction, readVersionsAfter, recordsStillAt, replaceTextKeysOfRecords, withRebuildCache, type TextKeyRow } from './rebuild.repository.ts';
import { TEXT_ENTITIES, textEntity, type TextEntity, type TextEntityName } from './text-fields.ts';
import { textKeys } from './text-keys.ts';
import { loadTextRecords, replaceTextKeys } from './text-search.repository.ts';

const textOf = (fields: object, name: string): string | null => {
  const value = (fields as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : null;
};

/**
 * A record's searchable fields (text-fields.ts) as keys, hashed: its non-secret and its secret
 * fields as two sets, so a reader without secrets never matches the latter.
 */
function hashedTextKeys(hash: (material: string) => string, kind: TextEntity, fields: object): Array<{ secret: boolean; keys: string[] }> {
  const sets: Array<{ secret: boolean; keys: string[] }> = [];
  for (const secret of [false, true]) {
    const own = kind.fields.filter((field) => field.secret === secret);
    if (own.length > 0) sets.push({ secret, keys: textKeys(...own.map((field) => textOf(fields, field.name))).map(hash) });
  }
  return sets;
}

/** Indexes a record's searchable fields as they now are, in the caller's transaction. */
export async function indexRecordText(
  trx: Kysely<Database>,
  key: SearchKey,
  entity: TextEntityName,
  record: { id: string; case_id: string | null; fields: object },
  /** The record is being created, so it has no keys to delete. */
  fresh = false,
): Promise<void> {
  for (const { secret, keys } of hashedTextKeys((material) => key.hash(material), textEntity(entity), record.fields)) {
    await replaceTextKeys(trx, { entity, id: record.id, case_id: record.case_id, secret }, keys, fresh);
  }
}

/**
 * The search key inside a transaction that is already open (a status entry or an intervention
 * written by an alert's resolution), read through the transaction itself: on SQLite a second
 * handle would wait for this one.
 */
export function searchKeyIn(ctx: Pick<ServiceContext, 'cipher'>, trx: Kysely<Database>): Promise<SearchKey> {
  return loadSearchKey({ db: trx, cipher: ctx.cipher });
}

/**
 * Rebuilds the text keys of every record of every kind (`vigil search reindex`): for a store
 * written before full-text search existed, or by the bulk loader. A page of records per
 * transaction, its keys written in one statement; a record changed since its page was read is left
 * alone (that change indexed it).
 */
export async function reindexAllText(ctx: ServiceContext, key: SearchKey, pageSize = 2000): Promise<number> {
  return withRebuildCache(ctx.db, ctx.dialect, () => rebuildText(ctx, key, pageSize));
}

async function rebuildText(ctx: ServiceContext, key: SearchKey, pageSize: number): Promise<number> {
  const hash = rebuildHasher(key);
  let count = 0;
  for (const kind of TEXT_ENTITIES) {
    let after = '';
    for (;;) {
      // Versions first: a record changed after this read is skipped below, whatever its text was when read.
      const versions = await readVersionsAfter(ctx.db, kind.table, after, pageSize);
      if (versions.length === 0) break;
      const rows: TextKeyRow[] = [];
      for (const record of await loadTextRecords(ctx.db, ctx.cipher, kind.entity, versions.map((v) => v.id))) {
        for (const { secret, keys } of hashedTextKeys(hash, kind, record.fields)) {
          for (const hashed of new Set(keys)) rows.push({ record_id: record.id, case_id: record.case_id, secret: secret ? 1 : 0, key: hashed });
        }
      }
      await inWriteTransaction(ctx.db, ctx.dialect, async (trx) => {
        const still = await recordsStillAt(trx, ctx.dialect, kind.table, versions);
        await replaceTextKeysOfRecords(trx, ctx.dialect, kind.entity, [...still], still.size === versions.length ? rows : rows.filter((row) => still.has(row.record_id)));
      });
      count += versions.length;
      after = versions.at(-1)!.id;
    }
  }
  return count;
}
