/** How to reach a relative: secret, since it can lead the authorities to them. */
export interface Contact {
  phone?: string;
  email?: string;
  address?: string;
  messenger?: string;
}

export interface Relation {
  id: string;
  /** The case the relation is filed under (`case_id`). */
  from_person_id: string;
  to_person_id: string;
  /** What `to_person_id` is to `from_person_id`: his mother, her lawyer. */
  relation: string;
  trusted_contact: boolean;
  contact: Contact | null;
  version: number;
  created_at: string;
  updated_at: string;
  retracted_at: string | null;
  retraction_reason: string | null;
}

/** Fields whose values never go into history or logs. */
export const RELATION_SECRET_FIELDS = ['contact'] as const;
