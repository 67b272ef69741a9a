import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { loadSealedSecret } from '../keys/deployment-secrets.ts';
import type { ServiceContext } from '../services.ts';

/**
 * Name keys leave the process only as keyed hashes: HMAC-SHA256 under a sealed per-deployment key,
 * cut to 128 bits. A seized database shows which persons share a key, never what the key spells.
 */
export class SearchKey {
  // A key object, made once: Node then skips importing the raw key on every hash.
  private readonly keyObject: KeyObject;

  constructor(private readonly key: Buffer) {
    this.keyObject = createSecretKey(key);
  }

  // Phonetic keys are few and shared by many names (a rebuild hashes millions of them): each is hashed once.
  // Emptied when full; it lives in this process's memory only, like the names being keyed.
  private readonly hashes = new Map<string, string>();

  hash(nameKey: string): string {
    let hashed = this.hashes.get(nameKey);
    if (hashed === undefined) {
      hashed = createHmac('sha256', this.keyObject).update(nameKey).digest().subarray(0, 16).toString('base64url');
      if (this.hashes.size >= MAX_REMEMBERED) this.hashes.clear();
      this.hashes.set(nameKey, hashed);
    }
    return hashed;
  }

  /** The key, to build the same SearchKey on a worker thread of this process (name-index-pool.ts); never logged or stored. */
  keyMaterial(): Uint8Array {
    return new Uint8Array(this.key);
  }
}

const MAX_REMEMBERED = 50_000;

const loaded = new WeakMap<Kysely<Database>, Promise<SearchKey>>();

/** The deployment's search key, loaded once per store (before a transaction: it may write the setting). */
export function loadSearchKey(ctx: Pick<ServiceContext, 'db' | 'cipher'>): Promise<SearchKey> {
  let key = loaded.get(ctx.db);
  if (!key) {
    key = loadSealedSecret(ctx, 'search_key').then((bytes) => new SearchKey(bytes));
    key.catch(() => loaded.delete(ctx.db));
    loaded.set(ctx.db, key);
  }
  return key;
}
