import { Type, type Static } from '@sinclair/typebox';
import { Text } from '../http/schemas.ts';
import { NotifyEmail, NotifyWebhook } from '../watch/watches.schemas.ts';

export const DossierBody = Type.Object(
  {
    statement: Text(20_000),
    records: Type.Array(Type.String({ format: 'uuid' }), { maxItems: 50, uniqueItems: true, description: 'persons and events of the case the dossier carries' }),
    recipients: Type.Array(Type.Union([NotifyEmail, NotifyWebhook]), { minItems: 1, maxItems: 20 }),
    release_after: Type.String({ maxLength: 40, description: "ISO 8601 duration from the alert's opening (P2D)" }),
    version: Type.Optional(Type.Integer({ minimum: 1, description: 'required to change an existing dossier' })),
  },
  { additionalProperties: false },
);
export type DossierInput = Static<typeof DossierBody>;

export const VetoBody = Type.Object({ reason: Text(2000, { minLength: 1 }) }, { additionalProperties: false });
export type VetoInput = Static<typeof VetoBody>;

const NullableString = Type.Union([Type.String(), Type.Null()]);

export const DossierOutput = Type.Object(
  {
    watch_id: Type.String(),
    statement: Type.Optional(Type.String()),
    recipients: Type.Optional(Type.Array(Type.Object({}, { additionalProperties: true }))),
    records: Type.Array(Type.String()),
    release_after: Type.String(),
    version: Type.Integer(),
    created_at: Type.String(),
    updated_at: Type.String(),
  },
  { additionalProperties: false },
);

export const ReleaseOutput = Type.Object(
  {
    id: Type.String(),
    alert_id: Type.String(),
    state: Type.String({ description: 'scheduled | vetoed | released | cancelled' }),
    release_at: Type.String(),
    released_at: NullableString,
    drill: Type.Boolean(),
    vetoes: Type.Array(Type.Object({ user_id: Type.String(), at: Type.String(), reason: NullableString })),
    vetoes_needed: Type.Integer(),
  },
  { additionalProperties: false },
);
