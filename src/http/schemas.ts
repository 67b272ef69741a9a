import { Type, type TSchema } from '@sinclair/typebox';

/** Shared building blocks of the API's schemas, which also make the OpenAPI document. */

// C0 controls other than tab and newlines never belong in a record.
const NO_CONTROLS = '^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F]*$';

export const Text = (maxLength: number, options: { minLength?: number; description?: string } = {}) =>
  Type.String({ maxLength, pattern: NO_CONTROLS, ...options });

export const OptionalText = (maxLength: number) => Type.Optional(Type.Union([Text(maxLength), Type.Null()]));

export const Edtf = Type.String({
  format: 'edtf',
  maxLength: 64,
  description: 'EDTF date (ISO 8601-2): 2021, 2021-02, 2021-02-19, 2021-02~, 2021-02?, 2021-01/2021-03',
});

export const OptionalEdtf = Type.Optional(Type.Union([Edtf, Type.Null()]));

export const Id = Type.String({ format: 'uuid', description: 'record id' });

export const Enum = <T extends string>(values: readonly T[], description?: string) =>
  Type.Unsafe<T>({ type: 'string', enum: [...values], ...(description ? { description } : {}) });

export const OptionalEnum = <T extends string>(values: readonly T[]) =>
  Type.Optional(Type.Union([Enum(values), Type.Null()]));

export const NullableString = Type.Union([Type.String(), Type.Null()]);

/** What every versioned, retractable record answers besides its own fields. */
export const versionedOutputFields = {
  version: Type.Integer(),
  created_at: Type.String(),
  updated_at: Type.String(),
  retracted: Type.Boolean(),
  retracted_at: NullableString,
  retraction_reason: NullableString,
};

export const IdParams = Type.Object({ id: Id }, { additionalProperties: false });

export const Version = Type.Optional(Type.Integer({ minimum: 1, description: 'the version this change is based on (or send If-Match)' }));

export const RetractBody = Type.Object(
  { reason: Text(2000, { minLength: 3 }), version: Version },
  { additionalProperties: false },
);

export const ListQuery = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  cursor: Type.Optional(Type.String({ maxLength: 200 })),
};

export const ErrorResponse = Type.Object({
  error: Type.Object({
    code: Type.String(),
    message: Type.String(),
    fields: Type.Optional(Type.Record(Type.String(), Type.String())),
  }),
});

export const ListOf = (item: TSchema) =>
  Type.Object({ items: Type.Array(item), next_cursor: Type.Union([Type.String(), Type.Null()]) });

export const Citation = Type.Object(
  {
    source_id: Id,
    hand: Type.Optional(Enum(['first_hand', 'second_hand'] as const)),
    field: Type.Optional(Text(64)),
    note: OptionalText(2000),
  },
  { additionalProperties: false },
);

export const CitationList = Type.Optional(Type.Array(Citation, { maxItems: 50 }));

/** Opaque list cursors: base64url of the last key seen. */
export function encodeCursor(key: string | number): string {
  return Buffer.from(String(key)).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): string | undefined {
  if (!cursor) return undefined;
  return Buffer.from(cursor, 'base64url').toString('utf8');
}
