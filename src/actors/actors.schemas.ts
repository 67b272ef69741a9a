import { Type, type Static } from '@sinclair/typebox';
import { Enum, Id, ListQuery, OptionalText, Text, Version } from '../http/schemas.ts';
import { SCRIPTS } from '../persons/persons.schemas.ts';

export const ACTOR_TYPES = ['police', 'state_security', 'court', 'camp_administration', 'local_government', 'military', 'other'] as const;

export const ActorNameInput = Type.Object(
  {
    text: Text(300, { minLength: 1 }),
    script: Enum(SCRIPTS, 'ISO 15924 script code'),
    lang: Type.Optional(Type.Union([Type.String({ format: 'bcp47', maxLength: 35 }), Type.Null()])),
  },
  { additionalProperties: false },
);
export type ActorNameInput = Static<typeof ActorNameInput>;

const Names = Type.Array(ActorNameInput, {
  minItems: 1,
  maxItems: 20,
  description: 'the name in several scripts, e.g. the Chinese official name and a transliteration',
});

const actorFields = {
  names: Type.Optional(Names),
  type: Enum(ACTOR_TYPES),
  parent_id: Type.Optional(Type.Union([Id, Type.Null()], { description: 'the body this one belongs to (a county police bureau under a prefecture one)' })),
  place: OptionalText(300),
};

export const CreateActorBody = Type.Object(
  {
    name: Type.Optional(Text(300, { minLength: 1, description: 'display name; defaults to the first of names' })),
    ...actorFields,
  },
  { additionalProperties: false, description: 'give name, names or both' },
);
export type CreateActorInput = Static<typeof CreateActorBody>;

export const UpdateActorBody = Type.Object(
  {
    name: Type.Optional(Text(300, { minLength: 1 })),
    ...actorFields,
    type: Type.Optional(Enum(ACTOR_TYPES)),
    version: Version,
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateActorInput = Static<typeof UpdateActorBody>;

export const ListActorsQuery = Type.Object(
  {
    ...ListQuery,
    type: Type.Optional(Enum(ACTOR_TYPES)),
    parent_id: Type.Optional(Id),
    include_retracted: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type ListActorsQuery = Static<typeof ListActorsQuery>;

const NullableString = Type.Union([Type.String(), Type.Null()]);

export const ActorOutput = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    names: Type.Array(
      Type.Object({
        text: Type.String(),
        script: Type.String(),
        lang: NullableString,
        flags: Type.Array(Type.String(), { description: 'bidi_control, zero_width: invisible characters kept as given' }),
      }),
    ),
    name_flags: Type.Array(Type.String()),
    type: Type.String(),
    parent_id: NullableString,
    place: NullableString,
    version: Type.Integer(),
    created_at: Type.String(),
    updated_at: Type.String(),
    retracted: Type.Boolean(),
    retracted_at: NullableString,
    retraction_reason: NullableString,
  },
  { additionalProperties: true },
);
