import type { CustodyKind } from './statements.ts';

export const CAPTURE_FIELDS = ['recorded_by', 'recorded_at', 'place', 'device'] as const;
export type CaptureField = (typeof CAPTURE_FIELDS)[number];

/** A capture fact as given, with who asserts it (the uploader, a source, the file's own metadata…). */
export interface CaptureFact {
  value: string;
  asserted_by: string;
}

export const DERIVATIONS = ['transcoded', 'redacted', 'excerpt', 'translated', 'other'] as const;
export type Derivation = (typeof DERIVATIONS)[number];

/** A stored file with what is known of it; its bytes are an age file under the case's identity. */
export interface EvidenceItem {
  id: string;
  case_id: string;
  blob_id: string;
  file_name: string;
  media_type: string;
  size: number;
  /** SHA-256 of the original bytes, hex. */
  sha256: string;
  description: string | null;
  capture: Partial<Record<CaptureField, CaptureFact>>;
  parent_id: string | null;
  derivation: Derivation | null;
  person_ids: string[];
  event_ids: string[];
  source_ids: string[];
  version: number;
  created_at: string;
  created_by: string;
  retracted_at: string | null;
  retraction_reason: string | null;
}

export interface CustodyEvent {
  id: string;
  evidence_id: string;
  case_id: string;
  kind: CustodyKind;
  at: string;
  actor: string;
  detail: string | null;
}
