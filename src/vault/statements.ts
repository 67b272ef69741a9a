import { createHash, randomBytes } from 'node:crypto';
import canonicalize from 'canonicalize';

/**
 * What a log leaf commits to (pure). A statement is a small JSON object, written in RFC 8785
 * canonical form; the leaf input is SHA-256(salt ‖ statement) with a random 32-byte salt, so a
 * leaf reveals neither a file hash nor a name, and cannot be tested against a guess. A bundle
 * reveals the salt and the statement, and anyone can recompute the leaf:
 *
 *     cat salt.bin statement.json | sha256sum        → the leaf input (data)
 *     (printf '\x00'; cat data.bin) | sha256sum      → the leaf hash (RFC 9162)
 */

export const STATEMENT_VERSION = 1;
export const SALT_BYTES = 32;

export type CustodyKind = 'received' | 'accessed' | 'exported' | 'derived' | 'transferred' | 'retracted';
export const CUSTODY_KINDS: readonly CustodyKind[] = ['received', 'accessed', 'exported', 'derived', 'transferred', 'retracted'];

/** A custody event: what happened to which file (by its plaintext SHA-256), when and by whom. */
export interface CustodyStatement {
  v: typeof STATEMENT_VERSION;
  type: 'custody';
  event_id: string;
  evidence_id: string;
  case_id: string;
  kind: CustodyKind;
  at: string;
  actor: string;
  sha256: string;
  size: number;
  /** A derived file names the file it was made from. */
  parent_sha256?: string;
  /** SHA-256 of the event's note (a transfer's recipient, a retraction's reason), when it has one. */
  detail_sha256?: string;
}

/** A revision of a case record: its changes are committed to by their canonical SHA-256. */
export interface RevisionStatement {
  v: typeof STATEMENT_VERSION;
  type: 'revision';
  revision_id: string;
  case_id: string | null;
  entity: string;
  entity_id: string;
  version: number;
  action: string;
  at: string;
  actor: string;
  changes_sha256: string;
  reason_sha256?: string;
}

export type Statement = CustodyStatement | RevisionStatement;

/**
 * The record kinds whose revisions are logged: the case file itself. Never the early-warning
 * records (watches, check-ins, alerts, notices, dossiers): the log's size is visible to every
 * reader (and to anyone with VIGIL_LOG_PUBLIC), and an extra leaf after a check-in would tell a
 * duress PIN from a real one (DESIGN §3).
 */
export const LOGGED_ENTITIES: ReadonlySet<string> = new Set(['person', 'status_entry', 'source', 'actor', 'event', 'relation', 'intervention', 'evidence']);

/** What a bundle for outside readers carries of the case file: the facts, not who is related to whom. */
export const BUNDLED_ENTITIES: ReadonlySet<string> = new Set(['person', 'status_entry', 'source', 'event', 'intervention', 'evidence']);

/** The statement of a stored revision; its changes are hashed as stored (JSON), so a bundle can recompute them. */
export function revisionStatement(
  id: string,
  revision: { case_id: string | null; entity: string; entity_id: string; version: number; action: string; at: string; actor: string; changes: unknown; reason: string | null },
): RevisionStatement {
  return {
    v: STATEMENT_VERSION,
    type: 'revision',
    revision_id: id,
    case_id: revision.case_id,
    entity: revision.entity,
    entity_id: revision.entity_id,
    version: revision.version,
    action: revision.action,
    at: revision.at,
    actor: revision.actor,
    changes_sha256: sha256Hex(canonicalJson(JSON.parse(JSON.stringify(revision.changes)))),
    ...(revision.reason === null ? {} : { reason_sha256: sha256Hex(revision.reason) }),
  };
}

export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new Error('a statement must be JSON');
  return text;
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

export function newSalt(): Buffer {
  return randomBytes(SALT_BYTES);
}

/** The leaf input: SHA-256(salt ‖ canonical statement). */
export function leafData(salt: Uint8Array, statementJson: string): Buffer {
  return createHash('sha256').update(salt).update(statementJson, 'utf8').digest();
}

/** Parses a statement from a bundle or the store; null when it is not one Vigil writes. */
export function parseStatement(json: string): Statement | null {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return null;
  }
  if (!value || typeof value !== 'object') return null;
  const statement = value as Partial<Statement>;
  if (statement.v !== STATEMENT_VERSION) return null;
  if (statement.type === 'custody' && CUSTODY_KINDS.includes((statement as CustodyStatement).kind)) return statement as CustodyStatement;
  if (statement.type === 'revision') return statement as RevisionStatement;
  return null;
}
