export interface Citation {
  id: string;
  source_id: string;
  hand: string;
  field: string | null;
  note: string | null;
}

export type CitationTarget = 'status_entry' | 'event' | 'act' | 'person';
