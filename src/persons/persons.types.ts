import { FIELD_CLASSES } from '../access/field-classes.ts';
import type { StatusEntry } from '../timeline/statuses.types.ts';
import type { Consent, NameInput } from './persons.schemas.ts';

export interface PersonName {
  text: string;
  script: string;
  lang: string | null;
  kind: string;
}

/** A person as the domain sees it; field names are those of the public interface. */
export interface Person {
  id: string;
  /** The case this person is filed under: its own id, or the case of the person it was added as a relative to. */
  case_id: string;
  case_number: string;
  names: PersonName[];
  sex: string | null;
  birth: string | null;
  ethnicity: string | null;
  citizenships: string[];
  hometown: string | null;
  residence: string | null;
  occupation: string | null;
  father_name: string | null;
  national_id: string | null;
  notes: string | null;
  risk: string | null;
  verification: number | null;
  consent: Consent | null;
  published: boolean;
  duplicate_of: string | null;
  current_status: StatusEntry | null;
  /** Another system's id for this person, set by import (src/import). */
  external_id: string | null;
  version: number;
  created_at: string;
  updated_at: string;
  retracted_at: string | null;
  retraction_reason: string | null;
  /** Set when the reader may not see secret fields: they are blanked and presenters leave them out. */
  secrets_hidden?: true;
}

/** Fields whose values never go into history or logs. */
export const PERSON_SECRET_FIELDS = FIELD_CLASSES.person.secret;

export function normaliseName(name: NameInput): PersonName {
  return { text: name.text, script: name.script, lang: name.lang ?? null, kind: name.kind ?? 'primary' };
}
