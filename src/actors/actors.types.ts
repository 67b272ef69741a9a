export interface ActorName {
  text: string;
  script: string;
  lang: string | null;
}

/** A perpetrator body (police unit, state security, court…); shared by every case, so it has no case. */
export interface Actor {
  id: string;
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
