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

/** A page of a keyset list: `rows` holds one more than `limit` when more follow. */
export function pageOf<T>(rows: T[], limit: number, sortKey: (item: T) => readonly string[]): { items: T[]; next_cursor: string | null } {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items, next_cursor: rows.length > limit && last ? encodeKeyCursor(sortKey(last)) : null };
}

/** A case with more records of one kind than this is an import gone wrong, not a file a page can show. */
export const CASE_LIST_LIMIT = 5000;
