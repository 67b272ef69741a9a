import { Type, type Static } from '@sinclair/typebox';
import { CitationList, Enum, Id, ListQuery, OptionalEdtf, OptionalEnum, OptionalText, Text, Version } from '../http/schemas.ts';
import { STATUSES } from '../timeline/statuses.schemas.ts';

export const ACT_TYPES = [
  'arrest',
  'detention',
  'disappearance',
  'abduction',
  'house_arrest',
  'threat',
  'surveillance',
  'harassment',
  'summons',
  'forced_psychiatric',
  'travel_ban',
  'passport_confiscation',
  'raid',
  'confiscation',
  'land_seizure',
  'torture',
  'death_in_custody',
  'reprisal',
] as const;

export const INVOLVEMENTS = ['direct', 'indirect', 'ordered', 'unknown'] as const;

export const PerpetratorInput = Type.Object(
  {
    actor_id: Id,
    involvement: Type.Optional(Enum(INVOLVEMENTS, 'degree of involvement; unknown when not given')),
  },
  { additionalProperties: false },
);

export const ActInput = Type.Object(
  {
    type: Enum(ACT_TYPES),
    victim_id: Type.String({ format: 'uuid', description: 'the person the act was done to' }),
    perpetrators: Type.Optional(Type.Array(PerpetratorInput, { maxItems: 50 })),
    date: OptionalEdtf,
    place: OptionalText(300),
    status_at_end: OptionalEnum(STATUSES),
    citations: CitationList,
  },
  { additionalProperties: false },
);
export type ActInput = Static<typeof ActInput>;

const Acts = Type.Array(ActInput, { maxItems: 100 });

const eventFields = {
  date: OptionalEdtf,
  place: OptionalText(300),
  description: OptionalText(20000),
  person_id: Type.Optional(
    Type.Union([Id, Type.Null()], { description: "the case (person id) the event is filed under; defaults to the first act's victim" }),
  ),
  citations: CitationList,
};

export const CreateEventBody = Type.Object(
  { title: Text(500, { minLength: 1 }), ...eventFields, acts: Type.Optional(Acts) },
  { additionalProperties: false },
);
export type CreateEventInput = Static<typeof CreateEventBody>;

export const UpdateEventBody = Type.Object(
  {
    title: Type.Optional(Text(500, { minLength: 1 })),
    ...eventFields,
    acts: Type.Optional(Type.Array(ActInput, { maxItems: 100, description: 'replaces every act of the event' })),
    version: Version,
  },
  { additionalProperties: false, minProperties: 1, description: 'citations and acts, when given, replace the current ones' },
);
export type UpdateEventInput = Static<typeof UpdateEventBody>;

export const ListEventsQuery = Type.Object(
  {
    ...ListQuery,
    person_id: Type.Optional(Type.String({ format: 'uuid', description: 'events filed under this case, or where this person is a victim' })),
    include_retracted: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type ListEventsQuery = Static<typeof ListEventsQuery>;

const NullableString = Type.Union([Type.String(), Type.Null()]);

const CitationOutput = Type.Object({
  id: Type.String(),
  source_id: Type.String(),
  hand: Type.String(),
  field: NullableString,
  note: NullableString,
});

export const EventOutput = Type.Object(
  {
    id: Type.String(),
    person_id: NullableString,
    title: Type.String(),
    date: NullableString,
    place: NullableString,
    description: NullableString,
    acts: Type.Array(
      Type.Object({
        id: Type.String(),
        type: Type.String(),
        victim_id: NullableString,
        perpetrators: Type.Array(Type.Object({ actor_id: Type.String(), involvement: Type.String() })),
        date: NullableString,
        place: NullableString,
        status_at_end: NullableString,
        citations: Type.Array(CitationOutput),
      }),
    ),
    citations: Type.Array(CitationOutput),
    version: Type.Integer(),
    created_at: Type.String(),
    updated_at: Type.String(),
    retracted: Type.Boolean(),
    retracted_at: NullableString,
    retraction_reason: NullableString,
  },
  { additionalProperties: true },
);
