import { Type, type Static } from '@sinclair/typebox';
import { Enum, ListQuery, OptionalEdtf, OptionalText, Version } from '../http/schemas.ts';

export const INTERVENTION_TYPES = [
  'wgeid_urgent',
  'wgeid_standard',
  'un_special_procedure',
  'embassy',
  'press',
  'letter_to_authorities',
  'lawyer',
  'family_petition',
] as const;

export const INTERVENTION_STATUSES = ['draft', 'sent', 'acknowledged', 'responded', 'closed'] as const;

const interventionFields = {
  addressee: OptionalText(500),
  date: OptionalEdtf,
  status: Type.Optional(Enum(INTERVENTION_STATUSES, 'draft when not given')),
  note: OptionalText(20000),
  response: OptionalText(20000),
  follow_up_on: Type.Optional(
    Type.Union([Type.String({ format: 'date', description: 'the day to chase the addressee (YYYY-MM-DD); set on sending when not given, cleared once responded or closed' }), Type.Null()]),
  ),
};

export const CreateInterventionBody = Type.Object(
  {
    person_id: Type.String({ format: 'uuid', description: 'the person on whose behalf the intervention was made' }),
    type: Enum(INTERVENTION_TYPES),
    ...interventionFields,
  },
  { additionalProperties: false },
);
export type CreateInterventionInput = Static<typeof CreateInterventionBody>;

export const UpdateInterventionBody = Type.Object(
  { type: Type.Optional(Enum(INTERVENTION_TYPES)), ...interventionFields, version: Version },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateInterventionInput = Static<typeof UpdateInterventionBody>;

export const ListInterventionsQuery = Type.Object(
  {
    ...ListQuery,
    person_id: Type.Optional(Type.String({ format: 'uuid' })),
    status: Type.Optional(Enum(INTERVENTION_STATUSES)),
    include_retracted: Type.Optional(Type.Boolean()),
    follow_up_due: Type.Optional(Type.Boolean({ description: 'only those to chase today: sent or acknowledged with follow_up_on on or before today, and drafts older than 7 days' })),
  },
  { additionalProperties: false },
);
export type ListInterventionsQuery = Static<typeof ListInterventionsQuery>;

const NullableString = Type.Union([Type.String(), Type.Null()]);

export const InterventionOutput = Type.Object(
  {
    id: Type.String(),
    case_id: Type.String({ description: 'the case it is filed under: that of person_id' }),
    person_id: Type.String(),
    type: Type.String(),
    addressee: NullableString,
    date: NullableString,
    status: Type.String(),
    note: NullableString,
    response: NullableString,
    follow_up_on: NullableString,
    version: Type.Integer(),
    created_at: Type.String(),
    updated_at: Type.String(),
    retracted: Type.Boolean(),
    retracted_at: NullableString,
    retraction_reason: NullableString,
  },
  { additionalProperties: true },
);
