import { FIELD_CLASSES } from '../access/field-classes.ts';
/** A source as the domain sees it; field names are those of the public interface. */
export interface Source {
  id: string;
  /** The case the source is filed under (stored as `case_id`); null for a source shared by many cases. */
  person_id: string | null;
  kind: string;
  title: string;
  publisher: string | null;
  url: string | null;
  date: string | null;
  language: string | null;
  reliability: string | null;
  confidential: boolean;
  confidential_identity: string | null;
  version: number;
  created_at: string;
  updated_at: string;
  retracted_at: string | null;
  retraction_reason: string | null;
  /** Set when the reader may not see secret fields: they are blanked and presenters leave them out. */
  secrets_hidden?: true;
}

/** Fields whose values never go into history or logs: who spoke to us, at what risk to them. */
export const SOURCE_SECRET_FIELDS = FIELD_CLASSES.source.secret;
