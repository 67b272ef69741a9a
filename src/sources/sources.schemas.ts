import { Type, type Static } from '@sinclair/typebox';
import { Enum, Id, ListQuery, OptionalEdtf, OptionalText, Text, Version } from '../http/schemas.ts';

export const SOURCE_KINDS = [
  'testimony',
  'interview',
  'voice_recording',
  'phone_call',
  'media_article',
  'official_document',
  'social_media',
  'leaked_document',
] as const;

export const RELIABILITY = ['unknown', 'low', 'medium', 'high'] as const;

const RELIABILITY_DESCRIPTION =
  'How far the source is trusted, a four-step reduction of the Admiralty (NATO) source-reliability scale: ' +
  'high = reliable, with a record of accurate reports and corroborated by other evidence (Admiralty A–B); ' +
  'medium = fairly reliable, plausible and partly corroborated (C); ' +
  'low = doubtful, uncorroborated or contradicted (D–E); ' +
  'unknown = not yet assessed, or cannot be judged (F).';

export const SourceUrl = Type.String({
  format: 'uri',
  maxLength: 2000,
  description: 'an http:// or https:// address with a host; other schemes (javascript:, data:, file:) and embedded credentials are refused',
});

const Language = Type.String({ format: 'bcp47', maxLength: 35, description: 'BCP 47 language tag of the source (kk, ug, zh, ru, en…)' });

const sourceFields = {
  publisher: OptionalText(300),
  url: Type.Optional(Type.Union([SourceUrl, Type.Null()])),
  date: OptionalEdtf,
  language: Type.Optional(Type.Union([Language, Type.Null()])),
  reliability: Type.Optional(Type.Union([Enum(RELIABILITY, RELIABILITY_DESCRIPTION), Type.Null()])),
  confidential: Type.Optional(Type.Boolean({ description: 'the source must not be named outside the organisation' })),
  confidential_identity: Type.Optional(
    Type.Union([
      Text(2000, { description: 'secret: who the source is and how to reach them; never written to history' }),
      Type.Null(),
    ]),
  ),
  person_id: Type.Optional(Type.Union([Id, Type.Null()], { description: 'the case (person id) the source is filed under' })),
};

export const CreateSourceBody = Type.Object(
  { kind: Enum(SOURCE_KINDS), title: Text(500, { minLength: 1 }), ...sourceFields },
  { additionalProperties: false },
);
export type CreateSourceInput = Static<typeof CreateSourceBody>;

export const UpdateSourceBody = Type.Object(
  { kind: Type.Optional(Enum(SOURCE_KINDS)), title: Type.Optional(Text(500, { minLength: 1 })), ...sourceFields, version: Version },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateSourceInput = Static<typeof UpdateSourceBody>;

export const ListSourcesQuery = Type.Object(
  {
    ...ListQuery,
    person_id: Type.Optional(Id),
    kind: Type.Optional(Enum(SOURCE_KINDS)),
    include_retracted: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type ListSourcesQuery = Static<typeof ListSourcesQuery>;

const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()]);

export const SourceOutput = Type.Object(
  {
    id: Type.String(),
    person_id: Nullable(Type.String()),
    kind: Type.String(),
    title: Type.String(),
    publisher: Nullable(Type.String()),
    url: Nullable(Type.String()),
    date: Nullable(Type.String()),
    language: Nullable(Type.String()),
    reliability: Nullable(Type.String()),
    confidential: Type.Boolean(),
    confidential_identity: Type.Optional(Nullable(Type.String({ description: 'secret: left out of lists, and for readers who may not see secrets' }))),
    version: Type.Integer(),
    created_at: Type.String(),
    updated_at: Type.String(),
    retracted: Type.Boolean(),
    retracted_at: Nullable(Type.String()),
    retraction_reason: Nullable(Type.String()),
  },
  { additionalProperties: true },
);
