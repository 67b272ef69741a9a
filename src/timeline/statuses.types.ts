import type { Citation } from '../sources/citations.types.ts';

export interface StatusEntry {
  id: string;
  case_id: string;
  person_id: string;
  status: string;
  date: string;
  date_earliest: string;
  place: string | null;
  whereabouts_acknowledged: string | null;
  contact_permitted: string | null;
  note: string | null;
  citations: Citation[];
  version: number;
  created_at: string;
  retracted_at: string | null;
  retraction_reason: string | null;
}
