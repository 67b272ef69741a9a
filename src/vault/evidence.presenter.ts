import type { CustodyTrailEntry } from './evidence.service.ts';
import type { EvidenceItem } from './evidence.types.ts';

/** Every field sent is named here, so nothing leaves that was not meant to. */
export function presentEvidence(item: EvidenceItem, extra: { custody?: CustodyTrailEntry[]; duplicate_of?: string[] } = {}) {
  return {
    id: item.id,
    case_id: item.case_id,
    file_name: item.file_name,
    media_type: item.media_type,
    size: item.size,
    sha256: item.sha256,
    description: item.description,
    capture: item.capture,
    parent_id: item.parent_id,
    derivation: item.derivation,
    person_ids: item.person_ids,
    event_ids: item.event_ids,
    source_ids: item.source_ids,
    version: item.version,
    created_at: item.created_at,
    created_by: item.created_by,
    retracted: item.retracted_at !== null,
    retracted_at: item.retracted_at,
    retraction_reason: item.retraction_reason,
    content_url: `/api/v1/evidence/${item.id}/content`,
    ...(extra.custody ? { custody: extra.custody.map(presentCustodyEvent) } : {}),
    ...(extra.duplicate_of ? { duplicate_of: extra.duplicate_of } : {}),
  };
}

export function presentCustodyEvent(event: CustodyTrailEntry) {
  return { id: event.id, kind: event.kind, at: event.at, actor: event.actor, detail: event.detail, leaf_index: event.leaf_index };
}
