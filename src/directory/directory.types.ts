/** One addressee an urgent action or a press brief can be written to: an office, not a person's case. */
export interface DirectoryEntry {
  id: string;
  kind: string;
  /** The office, e.g. "Ambassador of the People's Republic of China to Kazakhstan". */
  name: string;
  /** ISO 3166-1 alpha-2: the jurisdiction it answers for. */
  country: string | null;
  salutation: string | null;
  address: string | null;
  email: string | null;
  phone: string | null;
  fax: string | null;
  website: string | null;
  /** BCP 47 tags of the languages it reads. */
  languages: string[];
  note: string | null;
  version: number;
  created_at: string;
  updated_at: string;
  retracted_at: string | null;
  retraction_reason: string | null;
}
