/** One step of the advocacy log: an appeal made on a person's behalf and what came of it. */
export interface Intervention {
  id: string;
  /** The case it is filed under: that of `person_id`. */
  case_id: string;
  person_id: string;
  type: string;
  addressee: string | null;
  date: string | null;
  /** Earliest day the date can mean: the sort key. */
  date_earliest: string | null;
  status: string;
  note: string | null;
  response: string | null;
  /** The day to chase the addressee if nothing came back (YYYY-MM-DD); null once settled. */
  follow_up_on: string | null;
  version: number;
  created_at: string;
  updated_at: string;
  retracted_at: string | null;
  retraction_reason: string | null;
}
