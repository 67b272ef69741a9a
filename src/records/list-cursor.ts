import { decodeCursor, encodeCursor } from '../http/schemas.ts';
import { InvalidInputError } from '../lib/errors.ts';

/**
 * Keyset cursors over several sort keys (e.g. date, recording time, id), opaque to clients.
 * A cursor that was not made by this list is a 400, never a silently restarted list.
 */
export function encodeKeyCursor(keys: readonly string[]): string {
  return encodeCursor(JSON.stringify(keys));
}

export function decodeKeyCursor(cursor: string | undefined, arity: number): string[] | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  let keys: unknown;
  try {
    keys = JSON.parse(decodeCursor(cursor) ?? '');
  } catch {
    keys = null;
  }
  if (!Array.isArray(keys) || keys.length !== arity || !keys.every((k) => typeof k === 'string' && k.length <= 1000)) {
    throw new InvalidInputError('cursor is not one this list gave out', { cursor: 'is not a cursor from this list' });
  }
  return keys as string[];
}

/** Undated records sort after every dated one, on both databases (NULL ordering differs). */
export const UNDATED_SORT_KEY = '9999-12-31';
