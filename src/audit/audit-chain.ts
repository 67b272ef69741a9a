import { createHash } from 'node:crypto';

export const GENESIS_HASH = '0'.repeat(64);

/** The fields an entry's hash commits to, besides the previous entry's hash. */
export interface ChainedFields {
  seq: number;
  at: string;
  actor: string;
  action: string;
  case_id: string | null;
  entity: string | null;
  entity_id: string | null;
  detail: string | null;
}

/** SHA-256 over the previous hash and the entry's fields in a fixed order: each entry commits to all before it. */
export function entryHash(prevHash: string, entry: ChainedFields): string {
  const fields = [entry.seq, entry.at, entry.actor, entry.action, entry.case_id, entry.entity, entry.entity_id, entry.detail];
  return createHash('sha256').update(prevHash).update(JSON.stringify(fields)).digest('hex');
}
