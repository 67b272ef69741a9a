import type SqliteDatabase from 'better-sqlite3-multiple-ciphers';
import type { Kysely } from 'kysely';
import type { Dialect } from '../db/database.ts';
import type { AuditEntryRow, Database } from '../db/schema.ts';
import type { Clock } from '../lib/clock.ts';
import { InvalidInputError } from '../lib/errors.ts';
import { decodeKeyCursor, pageOf } from '../records/list-cursor.ts';
import type { ServiceContext } from '../services.ts';
import { ChainWalker, chainEntries, type ChainBreak, type ChainedFields, type ChainHead } from './audit-chain.ts';
import {
  findAuditEntryBeforeStart,
  findAuditEntryBeyondHead,
  insertAuditEntries,
  listAuditEntriesAfter,
  listAuditEntriesForCase,
  lockAuditHead,
  readAuditHead,
  sqliteAuditAppender,
  type ChainOnto,
} from './audit.repository.ts';
import { createGroupCommit } from './group-commit.ts';

export type AuditDetailValue = string | number | boolean | null;

/** One audited happening. Identifiers and counts only: never a request body or a secret value. */
export interface AuditEvent {
  actor: string;
  /** Dotted, e.g. `person.update`, `person.read_secret`, `login.failed`, `break_glass.open`. */
  action: string;
  case_id?: string | null;
  entity?: string | null;
  entity_id?: string | null;
  detail?: Record<string, AuditDetailValue>;
}

export interface AuditLog {
  /**
   * Appends inside the caller's transaction, so the entry commits (or not) with the change. On
   * PostgreSQL it holds the chain head's lock until that commit: call it late in the transaction.
   */
  appendIn(trx: Kysely<Database>, event: AuditEvent): Promise<void>;
  /** Several entries in the caller's transaction, chained in order under one lock of the head (a bulk writer's batch). */
  appendAllIn(trx: Kysely<Database>, events: AuditEvent[]): Promise<void>;
  /**
   * Appends on its own (group-committed with concurrent appends); resolves once committed. Never
   * await it inside a transaction: on SQLite that transaction holds the one connection it needs.
   */
  append(event: AuditEvent): Promise<void>;
}

// Bounds that keep the log to identifiers and counts: a request body or a document does not fit.
const MAX_DETAIL_JSON = 2048;
const MAX_FIELD = 200;
// One group-committed transaction carries at most this many entries.
const MAX_BATCH = 1000;

/** Refuses an event that could not be a well-formed entry, before it can fail a whole batch. */
function eventFields(event: AuditEvent, at: string): Omit<ChainedFields, 'seq'> {
  const text = (name: string, value: unknown, required: boolean): string | null => {
    if (value === undefined || value === null) {
      if (required) throw new Error(`audit event: ${name} is required`);
      return null;
    }
    if (typeof value !== 'string' || value.length > MAX_FIELD || (required && value === '')) {
      throw new Error(`audit event: ${name} must be a string of at most ${MAX_FIELD} characters`);
    }
    return value;
  };
  let detail: string | null = null;
  if (event.detail !== undefined) {
    if (typeof event.detail !== 'object' || event.detail === null || Array.isArray(event.detail)) throw new Error('audit event: detail must be an object');
    for (const [key, value] of Object.entries(event.detail)) {
      const ok = value === null || typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
      if (!ok) throw new Error(`audit event: detail.${key} must be a string, finite number, boolean or null`);
    }
    detail = JSON.stringify(event.detail);
    if (detail.length > MAX_DETAIL_JSON) throw new Error(`audit event: detail is longer than ${MAX_DETAIL_JSON} characters (identifiers and counts only)`);
  }
  return {
    at,
    actor: text('actor', event.actor, true)!,
    action: text('action', event.action, true)!,
    case_id: text('case_id', event.case_id, false),
    entity: text('entity', event.entity, false),
    entity_id: text('entity_id', event.entity_id, false),
    detail,
  };
}

async function appendEntries(trx: Kysely<Database>, chain: ChainOnto): Promise<void> {
  await insertAuditEntries(trx, chain(await lockAuditHead(trx)));
}

/**
 * The audit log over a store. The head row is locked by every appender (a row lock on PostgreSQL,
 * the write lock on SQLite), so the chain stays one chain across transactions, handles and
 * processes, and an entry rolled back with its transaction leaves no gap. Given the raw SQLite
 * connection, group commits take the faster path through it.
 */
export function createAuditLog(db: Kysely<Database>, _dialect: Dialect, clock: Clock, sqlite: SqliteDatabase.Database | null = null): AuditLog {
  const writeBatch = sqlite ? sqliteAuditAppender(db, sqlite) : (chain: ChainOnto) => db.transaction().execute((trx) => appendEntries(trx, chain));
  const commit = createGroupCommit<Omit<ChainedFields, 'seq'>>((entries) => writeBatch((head) => chainEntries(head, entries)), MAX_BATCH);
  return {
    appendIn: async (trx, event) => {
      const entry = eventFields(event, clock.now().toISOString());
      await appendEntries(trx, (head) => chainEntries(head, [entry]));
    },
    appendAllIn: async (trx, events) => {
      const at = clock.now().toISOString();
      const entries = events.map((event) => eventFields(event, at));
      if (entries.length) await appendEntries(trx, (head) => chainEntries(head, entries));
    },
    append: async (event) => commit(eventFields(event, clock.now().toISOString())),
  };
}

// ---------------------------------------------------------------------------------------------
// Verification

export type AuditVerification =
  | { ok: true; count: number; head: ChainHead }
  | { ok: false; /** Entries verified before the first bad one. */ count: number; seq: number; reason: ChainBreak; message: string };

const VERIFY_PAGE = 10_000;

/**
 * Walks the whole chain in pages of seq order, recomputing every hash and link, and checks the
 * head. Entries appended while it runs lie past the head it read first, and are left for next time.
 */
export async function verifyAuditChain(db: Kysely<Database>, options: { pageSize?: number } = {}): Promise<AuditVerification> {
  const pageSize = options.pageSize ?? VERIFY_PAGE;
  const head = await readAuditHead(db);
  const walker = new ChainWalker();
  const fail = (failure: { seq: number; reason: ChainBreak; message: string }): AuditVerification => ({ ok: false, count: walker.count, ...failure });
  let after = 0;
  for (;;) {
    const rows = await listAuditEntriesAfter(db, after, head?.seq ?? null, pageSize);
    for (const row of rows) {
      const failure = walker.next(row);
      if (failure) return fail(failure);
    }
    if (rows.length < pageSize) break;
    after = rows.at(-1)!.seq;
  }
  if (!head) {
    return fail({ seq: walker.count, reason: 'head_mismatch', message: `the audit chain has no head record (after entry #${walker.count}): it was removed` });
  }
  const headFailure = walker.end(head);
  if (headFailure) return fail(headFailure);
  const beyond = await findAuditEntryBeyondHead(db);
  if (beyond !== null) {
    const message = `audit entry #${beyond.seq} lies beyond the chain head (#${beyond.headSeq}): it was inserted, or the head was moved back`;
    return fail({ seq: beyond.seq, reason: 'inserted', message });
  }
  const before = await findAuditEntryBeforeStart(db);
  if (before !== null) {
    return fail({ seq: before, reason: 'inserted', message: `audit entry #${before} lies before the chain's first entry: it was inserted` });
  }
  return { ok: true, count: walker.count, head };
}

// ---------------------------------------------------------------------------------------------
// A case's audit trail

/** An entry as services and presenters see it: detail parsed back into its object. */
export interface AuditEntry {
  seq: number;
  at: string;
  actor: string;
  action: string;
  case_id: string | null;
  entity: string | null;
  entity_id: string | null;
  detail: Record<string, AuditDetailValue> | null;
}

function toAuditEntry(row: AuditEntryRow): AuditEntry {
  return {
    seq: row.seq,
    at: row.at,
    actor: row.actor,
    action: row.action,
    case_id: row.case_id,
    entity: row.entity,
    entity_id: row.entity_id,
    detail: parseDetail(row.detail),
  };
}

/** Detail as written is a JSON object; a row edited into anything else shows none (verify names it). */
function parseDetail(detail: string | null): Record<string, AuditDetailValue> | null {
  if (detail === null) return null;
  try {
    const parsed: unknown = JSON.parse(detail);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, AuditDetailValue>) : null;
  } catch {
    return null;
  }
}

export interface ListCaseAuditQuery {
  cursor?: string | undefined;
  limit?: number | undefined;
}

/** A case's audit trail, newest first, in keyset pages. Whoever calls it has checked access. */
export async function listCaseAudit(ctx: ServiceContext, caseId: string, query: ListCaseAuditQuery = {}): Promise<{ items: AuditEntry[]; next_cursor: string | null }> {
  const limit = query.limit ?? 50;
  if (!Number.isInteger(limit) || limit < 1 || limit > 200) throw new InvalidInputError('limit must be a whole number from 1 to 200', { limit: 'must be from 1 to 200' });
  const [before] = decodeKeyCursor(query.cursor, 1) ?? [];
  if (before !== undefined && !/^[1-9][0-9]{0,14}$/.test(before)) {
    throw new InvalidInputError('cursor is not one this list gave out', { cursor: 'is not a cursor from this list' });
  }
  const rows = await listAuditEntriesForCase(ctx.db, caseId, { beforeSeq: before === undefined ? undefined : Number(before), limit: limit + 1 });
  return pageOf(rows.map(toAuditEntry), limit, (entry) => [String(entry.seq)]);
}
