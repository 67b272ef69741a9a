import type { Citation } from '../sources/citations.types.ts';

export interface Perpetrator {
  actor_id: string;
  involvement: string;
}

/** Who did what to whom: one act of an event. */
export interface Act {
  id: string;
  type: string;
  victim_id: string | null;
  perpetrators: Perpetrator[];
  date: string | null;
  /** Earliest day the act's date can mean: part of the event's sort key. */
  date_earliest: string | null;
  place: string | null;
  status_at_end: string | null;
  citations: Citation[];
  /** The victim is in a case the reader may not see: `victim_id` and the citations are withheld. */
  victim_hidden?: true;
}

export interface Event {
  id: string;
  /** The case the event is filed under (stored as `case_id`); null for an organisation-wide event. */
  person_id: string | null;
  title: string;
  date: string | null;
  /** The sort key: the earliest day of the event's date, or else of its earliest act. */
  date_earliest: string | null;
  place: string | null;
  description: string | null;
  acts: Act[];
  citations: Citation[];
  version: number;
  created_at: string;
  updated_at: string;
  retracted_at: string | null;
  retraction_reason: string | null;
}
