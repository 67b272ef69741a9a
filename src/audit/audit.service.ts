import type { Kysely } from 'kysely';
import type { Dialect } from '../db/database.ts';
import type { AuditEntryRow, Database } from '../db/schema.ts';
import type { Clock } from '../lib/clock.ts';
import { entryHash } from './audit-chain.ts';
import { insertAuditEntries, lockAuditHead } from './audit.repository.ts';

/** One audited happening. Identifiers and counts only: never a request body or a secret value. */
export interface AuditEvent {
  actor: string;
  /** Dotted, e.g. `person.update`, `person.read_secret`, `login.failed`, `break_glass.open`. */
  action: string;
  case_id?: string | null;
  entity?: string | null;
  entity_id?: string | null;
  detail?: Record<string, string | number | boolean | null>;
}

export interface AuditLog {
  /** Appends inside the caller's transaction, so the entry commits (or not) with the change. */
  appendIn(trx: Kysely<Database>, event: AuditEvent): Promise<void>;
  /** Appends on its own (group-committed with concurrent appends); resolves once committed. */
  append(event: AuditEvent): Promise<void>;
}

/**
 * The audit log over a store. On SQLite one connection serialises every transaction; on
 * PostgreSQL the head row's lock does, so the chain stays linear across processes.
 */
export function createAuditLog(db: Kysely<Database>, dialect: Dialect, clock: Clock): AuditLog {
  const appendIn = async (trx: Kysely<Database>, events: AuditEvent[]) => {
    const head = await lockAuditHead(trx, dialect);
    let { seq, hash } = head;
    const at = clock.now().toISOString();
    const rows: AuditEntryRow[] = events.map((event) => {
      seq += 1;
      const fields = {
        seq,
        at,
        actor: event.actor,
        action: event.action,
        case_id: event.case_id ?? null,
        entity: event.entity ?? null,
        entity_id: event.entity_id ?? null,
        detail: event.detail ? JSON.stringify(event.detail) : null,
      };
      const row = { ...fields, prev_hash: hash, hash: entryHash(hash, fields) };
      hash = row.hash;
      return row;
    });
    await insertAuditEntries(trx, rows);
  };
  return {
    appendIn: (trx, event) => appendIn(trx, [event]),
    append: (event) => db.transaction().execute((trx) => appendIn(trx, [event])),
  };
}
