import { Type, type Static } from '@sinclair/typebox';
import { Edtf, Enum, Id, ListQuery, OptionalEdtf, OptionalEnum, OptionalText, Text, Version } from '../http/schemas.ts';

export const SCRIPTS = ['Latn', 'Cyrl', 'Arab', 'Hans', 'Hant', 'Hani', 'Mong', 'Tibt', 'Grek', 'Geor', 'Armn', 'Hebr'] as const;
export const NAME_KINDS = ['primary', 'alias', 'transliteration', 'official_chinese', 'birth'] as const;
export const SEXES = ['female', 'male', 'other', 'unknown'] as const;
export const RISKS = ['low', 'medium', 'high', 'critical'] as const;
export const PUBLICITY = ['none', 'anonymous', 'named'] as const;
export const LOCATION_DISCLOSURE = ['exact', 'region', 'hidden'] as const;

export const NameInput = Type.Object(
  {
    text: Text(300, { minLength: 1 }),
    script: Enum(SCRIPTS, 'ISO 15924 script code'),
    lang: Type.Optional(Type.Union([Type.String({ format: 'bcp47', maxLength: 35 }), Type.Null()])),
    kind: Type.Optional(Enum(NAME_KINDS)),
  },
  { additionalProperties: false },
);
export type NameInput = Static<typeof NameInput>;

export const ConsentInput = Type.Object(
  {
    publicity: Enum(PUBLICITY),
    location: Type.Optional(Enum(LOCATION_DISCLOSURE)),
    given_by: OptionalText(300),
    date: OptionalEdtf,
    source_id: Type.Optional(Type.Union([Id, Type.Null()])),
  },
  { additionalProperties: false },
);
export type Consent = Static<typeof ConsentInput>;

const personFields = {
  sex: OptionalEnum(SEXES),
  birth: OptionalEdtf,
  ethnicity: Type.Optional(Type.Union([Type.String({ pattern: '^[a-z][a-z_-]{1,39}$' }), Type.Null()])),
  citizenships: Type.Optional(Type.Array(Type.String({ pattern: '^[A-Z]{2}$' }), { maxItems: 10, uniqueItems: true })),
  hometown: OptionalText(300),
  residence: OptionalText(300),
  occupation: OptionalText(300),
  father_name: OptionalText(300),
  national_id: OptionalText(100),
  notes: OptionalText(20000),
  risk: OptionalEnum(RISKS),
  verification: Type.Optional(Type.Union([Type.Integer({ minimum: 1, maximum: 4 }), Type.Null()])),
  consent: Type.Optional(Type.Union([ConsentInput, Type.Null()])),
  published: Type.Optional(Type.Boolean()),
  duplicate_of: Type.Optional(Type.Union([Id, Type.Null()])),
};

export const CreatePersonBody = Type.Object(
  {
    names: Type.Array(NameInput, { minItems: 1, maxItems: 30 }),
    ...personFields,
    case_id: Type.Optional(
      Type.Union([Id, Type.Null()], { description: "File this person (a relative, a witness) under an existing case, covered by that case's members; absent opens a new case." }),
    ),
  },
  { additionalProperties: false },
);
export type CreatePersonInput = Static<typeof CreatePersonBody>;

export const UpdatePersonBody = Type.Object(
  { names: Type.Optional(Type.Array(NameInput, { minItems: 1, maxItems: 30 })), ...personFields, version: Version },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdatePersonInput = Static<typeof UpdatePersonBody>;

export const ListPersonsQuery = Type.Object(
  {
    ...ListQuery,
    status: Type.Optional(Type.String({ maxLength: 40 })),
    ethnicity: Type.Optional(Type.String({ maxLength: 40 })),
    risk: Type.Optional(Enum(RISKS)),
    include_retracted: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type ListPersonsQuery = Static<typeof ListPersonsQuery>;

const NameOutput = Type.Object({
  text: Type.String(),
  script: Type.String(),
  lang: Type.Union([Type.String(), Type.Null()]),
  kind: Type.String(),
  flags: Type.Array(Type.String(), { description: 'bidi_control, zero_width: invisible characters kept as given' }),
});

export const PersonOutput = Type.Object(
  {
    id: Type.String(),
    case_id: Type.String({ description: "The case this person is filed under: its own id, or the case it was added to" }),
    case_number: Type.String(),
    names: Type.Array(NameOutput),
    sex: Type.Union([Type.String(), Type.Null()]),
    birth: Type.Union([Type.String(), Type.Null()]),
    ethnicity: Type.Union([Type.String(), Type.Null()]),
    citizenships: Type.Array(Type.String()),
    current_status: Type.Union([Type.Object({}, { additionalProperties: true }), Type.Null()]),
    risk: Type.Union([Type.String(), Type.Null()]),
    verification: Type.Union([Type.Integer(), Type.Null()]),
    published: Type.Boolean(),
    merged_from: Type.Optional(Type.Array(Type.String(), { description: 'ids of the records merged into this one (their duplicate_of names it), on a single read' })),
    version: Type.Integer(),
  },
  { additionalProperties: true },
);

export { Edtf };
