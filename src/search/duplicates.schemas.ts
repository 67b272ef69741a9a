import { Type, type Static } from '@sinclair/typebox';
import { Id, Text, Version } from '../http/schemas.ts';
import { PersonOutput } from '../persons/persons.schemas.ts';

export const DuplicateReasonOutput = Type.Object({
  field: Type.String({ description: 'names, birth, hometown, father_name, relatives, sex or ethnicity' }),
  weight: Type.Number({ description: 'what this reason adds to the score (negative: takes away)' }),
  text: Type.String({ description: 'e.g. "names: Cyrillic Жұматай ≈ Latin Zhumatai", "birth: 1984 vs 1991 (different)"' }),
});

export const DuplicateItem = Type.Object({
  person: PersonOutput,
  score: Type.Number({ description: '0 to 1' }),
  reasons: Type.Array(DuplicateReasonOutput),
});

export const DuplicateList = Type.Object({ items: Type.Array(DuplicateItem), next_cursor: Type.Null() });

export const MergeBody = Type.Object(
  { into: Id, reason: Text(2000, { minLength: 3 }), version: Version },
  { additionalProperties: false },
);
export type MergeInput = Static<typeof MergeBody>;

export const UnmergeBody = Type.Object({ reason: Text(2000, { minLength: 3 }), version: Version }, { additionalProperties: false });
export type UnmergeInput = Static<typeof UnmergeBody>;

export const DistinctBody = Type.Object(
  { other_id: Id, reason: Type.Optional(Type.Union([Text(2000), Type.Null()])) },
  { additionalProperties: false },
);
export type DistinctInput = Static<typeof DistinctBody>;

export const DistinctOutput = Type.Object({
  person_a: Type.String(),
  person_b: Type.String(),
  different: Type.Boolean({ description: 'true while the decision is in force; false once undone' }),
  decided_by: Type.String(),
  decided_at: Type.String(),
  reason: Type.Union([Type.String(), Type.Null()]),
  undone_at: Type.Union([Type.String(), Type.Null()]),
  version: Type.Integer(),
});
