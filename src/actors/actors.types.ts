export interface ActorName {
  text: string;
  script: string;
  lang: string | null;
}

/** A perpetrator body (police unit, state security, court…); usually shared by every case (no case). */
export interface Actor {
  id: string;
  /** Null for the organisation-wide register; an actor filed under a case follows that case's access. */
  case_id: string | null;
  name: string;
  names: ActorName[];
  type: string;
  parent_id: string | null;
  place: string | null;
  version: number;
  created_at: string;
  updated_at: string;
  retracted_at: string | null;
  retraction_reason: string | null;
}
