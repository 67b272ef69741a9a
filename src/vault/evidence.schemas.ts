import { Type, type Static } from '@sinclair/typebox';
import { Enum, Id, ListQuery, Text } from '../http/schemas.ts';
import { DERIVATIONS } from './evidence.types.ts';

const CaptureValue = Type.Union([
  Text(500),
  Type.Object({ value: Text(500), asserted_by: Text(200, { description: 'who says so: the uploader, a source, the file’s own metadata…' }) }, { additionalProperties: false }),
]);

/** The `meta` part of an upload (DESIGN §6): what the file is about and what is said of its capture. */
export const EvidenceMeta = Type.Object(
  {
    person_ids: Type.Array(Id, { minItems: 1, maxItems: 50, uniqueItems: true, description: 'the first names the case the file is filed under' }),
    event_ids: Type.Optional(Type.Array(Id, { maxItems: 50, uniqueItems: true })),
    source_ids: Type.Optional(Type.Array(Id, { maxItems: 50, uniqueItems: true })),
    description: Type.Optional(Type.Union([Text(20000), Type.Null()])),
    capture: Type.Optional(
      Type.Object(
        { recorded_by: Type.Optional(CaptureValue), recorded_at: Type.Optional(CaptureValue), place: Type.Optional(CaptureValue), device: Type.Optional(CaptureValue) },
        { additionalProperties: false, description: 'each fact as a string (asserted by the uploader) or {value, asserted_by}' },
      ),
    ),
    parent_id: Type.Optional(Type.String({ format: 'uuid', description: 'the item this file was derived from' })),
    derivation: Type.Optional(Enum(DERIVATIONS)),
  },
  { additionalProperties: false },
);
export type EvidenceMetaInput = Static<typeof EvidenceMeta>;

export const ListEvidenceQuery = Type.Object(
  { ...ListQuery, person_id: Type.Optional(Type.String({ format: 'uuid' })), include_retracted: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);
export type ListEvidenceQuery = Static<typeof ListEvidenceQuery>;

export const CustodyBody = Type.Object(
  {
    kind: Enum(['transferred'] as const, 'recorded by hand: a transfer to another party (the others are recorded by Vigil itself)'),
    to: Text(500, { description: 'the party the file or a copy went to' }),
    note: Type.Optional(Text(5000)),
  },
  { additionalProperties: false },
);
export type CustodyInput = Static<typeof CustodyBody>;

const Nullable = Type.Union([Type.String(), Type.Null()]);
const CaptureOut = Type.Object({ value: Type.String(), asserted_by: Type.String() });

export const CustodyEventOutput = Type.Object({
  id: Type.String(),
  kind: Type.String(),
  at: Type.String(),
  actor: Type.String(),
  detail: Nullable,
  leaf_index: Type.Union([Type.Integer(), Type.Null()], { description: 'its place in the transparency log; null until the log takes it in' }),
});

export const EvidenceOutput = Type.Object({
  id: Type.String(),
  case_id: Type.String(),
  file_name: Type.String(),
  media_type: Type.String(),
  size: Type.Integer(),
  sha256: Type.String({ description: 'SHA-256 of the original bytes, hex' }),
  description: Nullable,
  capture: Type.Record(Type.String(), CaptureOut),
  parent_id: Nullable,
  derivation: Nullable,
  person_ids: Type.Array(Type.String()),
  event_ids: Type.Array(Type.String()),
  source_ids: Type.Array(Type.String()),
  version: Type.Integer(),
  created_at: Type.String(),
  created_by: Type.String(),
  retracted: Type.Boolean(),
  retracted_at: Nullable,
  retraction_reason: Nullable,
  content_url: Type.String(),
  custody: Type.Optional(Type.Array(CustodyEventOutput)),
  duplicate_of: Type.Optional(Type.Array(Type.String(), { description: 'other items of the case with the same bytes (stored once)' })),
});
