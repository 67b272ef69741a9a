import { v7 as uuidv7 } from 'uuid';

/** Record ids: UUIDv7, time-ordered so inserts stay local in the B-tree, random enough not to guess. */
export function newId(): string {
  return uuidv7();
}

export function isId(text: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(text);
}
