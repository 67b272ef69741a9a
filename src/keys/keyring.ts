import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { Clock } from '../lib/clock.ts';
import { newId } from '../lib/ids.ts';
import { FieldCipher } from './field-cipher.ts';

export class WrongKeyError extends Error {
  constructor() {
    super('the deployment key does not open this store (wrong VIGIL_KEY or VIGIL_KEY_FILE?); nothing was written');
  }
}

/** The key that wraps data keys, derived from the deployment key for this one purpose. */
function wrappingKey(deploymentKey: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', deploymentKey, Buffer.alloc(0), 'vigil data-key wrapping v1', 32));
}

export function wrapDataKey(deploymentKey: Buffer, id: string, dataKey: Buffer): string {
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', wrappingKey(deploymentKey), nonce);
  cipher.setAAD(Buffer.from(`data_key:${id}`));
  return Buffer.concat([nonce, cipher.update(dataKey), cipher.final(), cipher.getAuthTag()]).toString('base64');
}

export function unwrapDataKey(deploymentKey: Buffer, id: string, wrapped: string): Buffer {
  const body = Buffer.from(wrapped, 'base64');
  try {
    const decipher = createDecipheriv('aes-256-gcm', wrappingKey(deploymentKey), body.subarray(0, 12));
    decipher.setAAD(Buffer.from(`data_key:${id}`));
    decipher.setAuthTag(body.subarray(body.length - 16));
    return Buffer.concat([decipher.update(body.subarray(12, body.length - 16)), decipher.final()]);
  } catch {
    throw new WrongKeyError();
  }
}

/**
 * The field cipher for this store: unwraps every data key with the deployment key (a wrong key
 * fails here, before anything is written), creating the first data key in a new store.
 */
export async function openFieldCipher(db: Kysely<Database>, clock: Clock, deploymentKey: Buffer): Promise<FieldCipher> {
  const rows = await db.selectFrom('data_keys').selectAll().orderBy('created_at').orderBy('id').execute();
  if (rows.length === 0) {
    const id = newId().replaceAll('-', '').slice(-12);
    const dataKey = randomBytes(32);
    await db.insertInto('data_keys').values({ id, wrapped: wrapDataKey(deploymentKey, id, dataKey), created_at: clock.now().toISOString() }).execute();
    return new FieldCipher(new Map([[id, dataKey]]), id);
  }
  const keys = new Map(rows.map((row) => [row.id, unwrapDataKey(deploymentKey, row.id, row.wrapped)]));
  return new FieldCipher(keys, rows.at(-1)!.id);
}
