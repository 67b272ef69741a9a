import { FIELD_CLASSES } from '../access/field-classes.ts';
/** How to reach a relative: secret, since it can lead the authorities to them. */
export interface Contact {
  phone?: string;
  email?: string;
  address?: string;
  messenger?: string;
}

export interface Relation {
  id: string;
  /** The case the relation is filed under: the case of `from_person_id`. */
  case_id: string;
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
  /** The reader may not see the secret fields: presenters leave them out. */
  secrets_hidden?: true;
}

/** Fields whose values never go into history or logs, and never to a viewer or a list. */
export const RELATION_SECRET_FIELDS = FIELD_CLASSES.relation.secret;
