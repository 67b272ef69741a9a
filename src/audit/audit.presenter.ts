import type { AuditEntry } from './audit.service.ts';

/** Every field sent is named here; the chain's hashes stay server-side (verify is the CLI's job). */
export function presentAuditEntry(entry: AuditEntry) {
  return {
    seq: entry.seq,
    at: entry.at,
    actor: entry.actor,
    action: entry.action,
    case_id: entry.case_id,
    entity: entry.entity,
    entity_id: entry.entity_id,
    detail: entry.detail,
  };
}
