import { FIELD_CLASSES } from '../access/field-classes.ts';

/**
 * Which free text of which record kind full-text search reads (pure data): the record kind (the
 * entity name of revisions and audit entries), its table, the column naming the person it is about,
 * and its text fields, each sealed or not, secret or not (FIELD_CLASSES decides which are secret).
 */
export interface TextField {
  /** The public field name (what a hit says matched). */
  name: string;
  column: string;
  /** Sealed at rest with sealContext(table, column, id). */
  sealed: boolean;
  secret: boolean;
}

export interface TextEntity {
  entity: 'person' | 'source' | 'event' | 'status_entry' | 'intervention' | 'evidence';
  table: 'persons' | 'sources' | 'events' | 'status_entries' | 'interventions' | 'evidence_items';
  /** The column naming the person the record is about; null: the case's own person. */
  personColumn: 'id' | 'person_id' | null;
  fields: TextField[];
}

function fields(kind: keyof typeof FIELD_CLASSES, list: Array<[name: string, sealed: boolean]>): TextField[] {
  const secret: readonly string[] = FIELD_CLASSES[kind].secret;
  // Non-secret fields first: a snippet comes from the first field that matches.
  return list.map(([name, sealed]) => ({ name, column: name, sealed, secret: secret.includes(name) })).sort((a, b) => Number(a.secret) - Number(b.secret));
}

export const TEXT_ENTITIES: readonly TextEntity[] = [
  // Sealed fields only: a plaintext column (a place, an occupation, a publisher) hashed into the same keys would let
  // a copy of the database line its values up with their keys, and so read those words inside sealed notes.
  { entity: 'person', table: 'persons', personColumn: 'id', fields: fields('person', [['notes', true]]) },
  { entity: 'source', table: 'sources', personColumn: null, fields: fields('source', [['title', true], ['confidential_identity', true]]) },
  { entity: 'event', table: 'events', personColumn: null, fields: fields('event', [['title', true], ['description', true]]) },
  { entity: 'status_entry', table: 'status_entries', personColumn: 'person_id', fields: fields('status_entry', [['note', true]]) },
  { entity: 'intervention', table: 'interventions', personColumn: 'person_id', fields: fields('intervention', [['note', true], ['response', true]]) },
  { entity: 'evidence', table: 'evidence_items', personColumn: null, fields: fields('evidence', [['description', true], ['file_name', true]]) },
];

export type TextEntityName = TextEntity['entity'];

export function textEntity(entity: string): TextEntity {
  const found = TEXT_ENTITIES.find((e) => e.entity === entity);
  if (!found) throw new Error(`no searchable text in ${entity}`);
  return found;
}
