import { Type, type Static } from '@sinclair/typebox';
import { Enum, Id, ListQuery, OptionalText, Version } from '../http/schemas.ts';

export const RELATION_KINDS = [
  'mother',
  'father',
  'sister',
  'brother',
  'spouse',
  'child',
  'relative',
  'colleague',
  'lawyer',
  'friend',
  'neighbour',
  'other',
] as const;

export const ContactInput = Type.Object(
  { phone: OptionalText(100), email: OptionalText(320), address: OptionalText(1000), messenger: OptionalText(300) },
  { additionalProperties: false, description: 'secret: how to reach the person; never written to history' },
);
export type ContactInput = Static<typeof ContactInput>;

const relationFields = {
  relation: Enum(RELATION_KINDS, 'what to_person is to from_person (to_person is from_person’s mother, lawyer…)'),
  trusted_contact: Type.Optional(Type.Boolean({ description: 'may be told about the case and reached in an emergency' })),
  contact: Type.Optional(Type.Union([ContactInput, Type.Null()])),
};

export const CreateRelationBody = Type.Object(
  {
    from_person_id: Type.String({ format: 'uuid', description: 'the person whose case the relation is filed under' }),
    to_person_id: Id,
    ...relationFields,
  },
  { additionalProperties: false },
);
export type CreateRelationInput = Static<typeof CreateRelationBody>;

export const UpdateRelationBody = Type.Object(
  { to_person_id: Type.Optional(Id), ...relationFields, relation: Type.Optional(Enum(RELATION_KINDS)), version: Version },
  { additionalProperties: false, minProperties: 1, description: 'from_person_id is fixed: retract and record anew to file under another case' },
);
export type UpdateRelationInput = Static<typeof UpdateRelationBody>;

export const ListRelationsQuery = Type.Object(
  {
    ...ListQuery,
    person_id: Type.Optional(Type.String({ format: 'uuid', description: 'relations on either side of this person' })),
    include_retracted: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type ListRelationsQuery = Static<typeof ListRelationsQuery>;

const NullableString = Type.Union([Type.String(), Type.Null()]);

export const RelationOutput = Type.Object(
  {
    id: Type.String(),
    case_id: Type.String({ description: 'the case the relation is filed under: that of from_person_id' }),
    from_person_id: Type.String(),
    to_person_id: Type.String(),
    relation: Type.String(),
    trusted_contact: Type.Boolean(),
    contact: Type.Optional(
      Type.Union(
        [
          Type.Object({
            phone: Type.Optional(Type.String()),
            email: Type.Optional(Type.String()),
            address: Type.Optional(Type.String()),
            messenger: Type.Optional(Type.String()),
          }),
          Type.Null(),
        ],
        { description: 'secret: only in a single relation read by a case member who may see secrets; never in lists or to viewers' },
      ),
    ),
    version: Type.Integer(),
    created_at: Type.String(),
    updated_at: Type.String(),
    retracted: Type.Boolean(),
    retracted_at: NullableString,
    retraction_reason: NullableString,
  },
  { additionalProperties: true },
);
