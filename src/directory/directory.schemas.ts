import { Type, type Static } from '@sinclair/typebox';
import { Enum, ListQuery, NullableString, OptionalText, Text, Version, versionedOutputFields } from '../http/schemas.ts';

export const DIRECTORY_KINDS = ['authority', 'diplomatic_mission', 'un_body', 'ngo', 'media', 'other'] as const;

const Country = Type.String({ pattern: '^[A-Z]{2}$', description: 'ISO 3166-1 alpha-2 code of the jurisdiction, e.g. CN, KZ' });

const entryFields = {
  country: Type.Optional(Type.Union([Country, Type.Null()])),
  salutation: OptionalText(200),
  address: OptionalText(1000),
  email: Type.Optional(Type.Union([Type.String({ maxLength: 254, pattern: '^[^\\s@<>"]+@[^\\s@<>"]+\\.[^\\s@<>"]+$' }), Type.Null()])),
  phone: Type.Optional(Type.Union([Type.String({ maxLength: 50, pattern: '^[0-9+() ./-]*$' }), Type.Null()])),
  fax: Type.Optional(Type.Union([Type.String({ maxLength: 50, pattern: '^[0-9+() ./-]*$' }), Type.Null()])),
  website: Type.Optional(Type.Union([Type.String({ maxLength: 500, pattern: '^https?://[^\\s<>"]+$' }), Type.Null()])),
  languages: Type.Optional(Type.Array(Type.String({ format: 'bcp47', maxLength: 35 }), { maxItems: 10, uniqueItems: true, description: 'languages it reads (BCP 47)' })),
  note: OptionalText(5000),
};

export const CreateDirectoryEntryBody = Type.Object(
  {
    kind: Enum(DIRECTORY_KINDS),
    name: Text(300, { minLength: 1, description: "the office, e.g. Ambassador of the People's Republic of China to Kazakhstan" }),
    ...entryFields,
  },
  { additionalProperties: false },
);
export type CreateDirectoryEntryInput = Static<typeof CreateDirectoryEntryBody>;

export const UpdateDirectoryEntryBody = Type.Object(
  { kind: Type.Optional(Enum(DIRECTORY_KINDS)), name: Type.Optional(Text(300, { minLength: 1 })), ...entryFields, version: Version },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateDirectoryEntryInput = Static<typeof UpdateDirectoryEntryBody>;

export const ListDirectoryQuery = Type.Object(
  {
    ...ListQuery,
    kind: Type.Optional(Enum(DIRECTORY_KINDS)),
    country: Type.Optional(Country),
    include_retracted: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type ListDirectoryQuery = Static<typeof ListDirectoryQuery>;

/** An entry's particulars: what a document's "write to" shows of it. */
export const AddresseeOutput = Type.Object({
  id: Type.String(),
  kind: Type.String(),
  name: Type.String(),
  country: NullableString,
  salutation: NullableString,
  address: NullableString,
  email: NullableString,
  phone: NullableString,
  fax: NullableString,
  website: NullableString,
});

export const DirectoryEntryOutput = Type.Object(
  { ...AddresseeOutput.properties, languages: Type.Array(Type.String()), note: NullableString, ...versionedOutputFields },
  { additionalProperties: true },
);
