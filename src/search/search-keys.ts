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

  hash(nameKey: string): string {
    return createHmac('sha256', this.keyObject).update(nameKey).digest().subarray(0, 16).toString('base64url');
  }

  /** The key, to build the same SearchKey on a worker thread of this process (name-index-pool.ts); never logged or stored. */
  keyMaterial(): Uint8Array {
    return new Uint8Array(this.key);
  }
}

/**
 * `key.hash` remembering what it hashed, for one rebuild: phonetic keys and text stems are few and
 * shared by many records, so a rebuild hashing millions of them hashes each once. Made per rebuild
 * and dropped with it: a key of a secret field must not stay in a long-lived process's memory.
 */
export function rebuildHasher(key: SearchKey, limit = 50_000): (material: string) => string {
  const hashes = new Map<string, string>();
  return (material) => {
    let hashed = hashes.get(material);
    if (hashed === undefined) {
      hashed = key.hash(material);
      if (hashes.size >= limit) hashes.clear();
      hashes.set(material, hashed);
    }
    return hashed;
  };
}

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
