import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DataKeyRow, Database } from '../db/schema.ts';
import type { Clock } from '../lib/clock.ts';
import { newId } from '../lib/ids.ts';
import { FieldCipher } from './field-cipher.ts';
import { WrongKeyError } from './key-errors.ts';
import { insertDataKey, updateWrappedDataKey } from './keys.repository.ts';

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

/** Throws WrongKeyError unless the deployment key unwraps every data key; reads only. */
export function checkDataKeys(deploymentKey: Buffer, rows: DataKeyRow[]): void {
  for (const row of rows) unwrapDataKey(deploymentKey, row.id, row.wrapped);
}

/** A fresh data key, wrapped and stored; being the newest, it seals what is written from now on. */
export async function addDataKey(db: Kysely<Database>, clock: Clock, deploymentKey: Buffer): Promise<{ id: string; dataKey: Buffer }> {
  const id = newId().replaceAll('-', '').slice(-12);
  const dataKey = randomBytes(32);
  await insertDataKey(db, { id, wrapped: wrapDataKey(deploymentKey, id, dataKey), created_at: clock.now().toISOString() });
  return { id, dataKey };
}

/** Wraps every data key again under a new deployment key (the data keys themselves stay). */
export async function rewrapDataKeys(db: Kysely<Database>, rows: DataKeyRow[], from: Buffer, to: Buffer): Promise<void> {
  for (const row of rows) await updateWrappedDataKey(db, row.id, wrapDataKey(to, row.id, unwrapDataKey(from, row.id, row.wrapped)));
}

/**
 * The field cipher for this store over its data keys (oldest first; the newest seals), creating
 * the first data key in a new store. The caller has listed the keys after migrating.
 */
export async function openFieldCipher(db: Kysely<Database>, clock: Clock, deploymentKey: Buffer, rows: DataKeyRow[]): Promise<FieldCipher> {
  if (rows.length === 0) {
    const { id, dataKey } = await addDataKey(db, clock, deploymentKey);
    return new FieldCipher(new Map([[id, dataKey]]), id);
  }
  const keys = new Map(rows.map((row) => [row.id, unwrapDataKey(deploymentKey, row.id, row.wrapped)]));
  return new FieldCipher(keys, rows.at(-1)!.id);
}
