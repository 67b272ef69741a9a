import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { ServiceContext } from '../services.ts';
import { loadSearchKey, type SearchKey } from './search-keys.ts';
import { TEXT_ENTITIES, textEntity, type TextEntityName } from './text-fields.ts';
import { textKeys } from './text-keys.ts';
import { listTextRecordsAfter, replaceTextKeys } from './text-search.repository.ts';

/**
 * Replaces the text keys of one record's one secrecy class, in the caller's transaction (load the
 * key with loadSearchKey before it): the keys of `texts`, hashed; no text leaves as such.
 */
export async function indexText(
  trx: Kysely<Database>,
  key: SearchKey,
  doc: { entity: string; id: string; case_id: string | null; secret: boolean; texts: Array<string | null | undefined> },
): Promise<void> {
  const keys = textKeys(...doc.texts).map((material) => key.hash(material));
  await replaceTextKeys(trx, doc, keys);
}

const textOf = (fields: object, name: string): string | null => {
  const value = (fields as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : null;
};

/**
 * Indexes a record's searchable fields (text-fields.ts) as they now are: its non-secret and its
 * secret fields as two sets, so a reader without secrets never matches the latter.
 */
export async function indexRecordText(
  trx: Kysely<Database>,
  key: SearchKey,
  entity: TextEntityName,
  record: { id: string; case_id: string | null; fields: object },
): Promise<void> {
  const kind = textEntity(entity);
  for (const secret of [false, true]) {
    const own = kind.fields.filter((field) => field.secret === secret);
    if (own.length === 0) continue;
    await indexText(trx, key, { entity, id: record.id, case_id: record.case_id, secret, texts: own.map((field) => textOf(record.fields, field.name)) });
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
 * written before full-text search existed, or by the bulk loader. A page of records per transaction.
 */
export async function reindexAllText(ctx: ServiceContext, key: SearchKey, pageSize = 500): Promise<number> {
  let count = 0;
  for (const kind of TEXT_ENTITIES) {
    let after = '';
    for (;;) {
      const page = await listTextRecordsAfter(ctx.db, ctx.cipher, kind.entity, after, pageSize);
      if (page.length === 0) break;
      await ctx.db.transaction().execute(async (trx) => {
        for (const record of page) await indexRecordText(trx, key, kind.entity, record);
      });
      count += page.length;
      after = page.at(-1)!.id;
    }
  }
  return count;
}
