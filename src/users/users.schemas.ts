import { Type, type Static } from '@sinclair/typebox';
import { ROLES } from '../auth/roles.ts';
import { Enum, ListQuery, OptionalText, Text, Version } from '../http/schemas.ts';

export const CreateUserBody = Type.Object(
  {
    email: Type.String({ format: 'email', maxLength: 254, description: 'the address the user signs in with' }),
    role: Enum(ROLES),
    display_name: OptionalText(200),
  },
  { additionalProperties: false, description: 'the answer carries a one-time link (setup_link) for the user to set a password' },
);
export type CreateUserInput = Static<typeof CreateUserBody>;

export const UpdateUserBody = Type.Object(
  {
    role: Type.Optional(Enum(ROLES, 'administrators only')),
    disabled: Type.Optional(Type.Boolean({ description: 'administrators only; a disabled user can neither sign in nor use a token' })),
    display_name: OptionalText(200),
    version: Version,
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateUserInput = Static<typeof UpdateUserBody>;

export const ListUsersQuery = Type.Object({ ...ListQuery }, { additionalProperties: false });
export type ListUsersQuery = Static<typeof ListUsersQuery>;

export const UserParams = Type.Object({ id: Type.String({ format: 'uuid' }) }, { additionalProperties: false });
export const UserTokenParams = Type.Object({ id: Type.String({ format: 'uuid' }), token_id: Type.String({ format: 'uuid' }) }, { additionalProperties: false });

export const CreateTokenBody = Type.Object(
  {
    name: Text(200, { minLength: 1, description: 'what the token is for' }),
    read_only: Type.Optional(Type.Boolean({ description: 'reads what its user may read, changes nothing' })),
    expires_in: Type.Optional(Type.String({ maxLength: 40, description: 'ISO 8601 duration, e.g. P90D or PT12H (at most P366D); no expiry when left out' })),
  },
  { additionalProperties: false },
);
export type CreateTokenInput = Static<typeof CreateTokenBody>;

const NullableString = Type.Union([Type.String(), Type.Null()]);

export const UserOutput = Type.Object({
  id: Type.String(),
  email: Type.String(),
  display_name: NullableString,
  role: Type.String(),
  two_factor: Type.Boolean(),
  has_password: Type.Boolean(),
  service: Type.Boolean({ description: 'a user made for a bearer token by `vigil token create`' }),
  disabled: Type.Boolean(),
  disabled_at: NullableString,
  locked_until: NullableString,
  version: Type.Integer(),
  created_at: Type.String(),
  updated_at: Type.String(),
});

export const CreatedUserOutput = Type.Object({
  ...UserOutput.properties,
  setup_link: Type.Union([Type.Object({ path: Type.String(), expires_at: Type.String() }), Type.Null()], {
    description: 'a one-time link for the user to set a password; shown only here',
  }),
});

export const TokenOutput = Type.Object({
  id: Type.String(),
  kind: Type.String({ description: 'api or session' }),
  name: NullableString,
  read_only: Type.Boolean(),
  created_at: Type.String(),
  expires_at: NullableString,
  last_used_at: NullableString,
  revoked: Type.Boolean(),
  revoked_at: NullableString,
});

export const CreatedTokenOutput = Type.Object({
  ...TokenOutput.properties,
  token: Type.String({ description: 'the bearer token, shown only in this answer' }),
});
