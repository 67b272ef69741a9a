import { Type, type Static } from '@sinclair/typebox';
import { Enum, ListQuery, OptionalText } from '../http/schemas.ts';
import { PIN_MAX, PIN_MIN } from './pins.ts';
import { WATCH_STATES } from './watches.types.ts';

const Duration = (description: string) => Type.String({ maxLength: 40, description: `ISO 8601 duration (PT24H, PT90S, P1DT2H): ${description}` });

// Any characters but controls; the length rule is checked by pinProblem too, with a clearer message.
const Pin = (description: string) => Type.String({ minLength: PIN_MIN, maxLength: PIN_MAX, pattern: '^[^\\u0000-\\u001F\\u007F]*$', description });

export const NotifyEmail = Type.Object({ email: Type.String({ format: 'email', maxLength: 320 }) }, { additionalProperties: false });
export const NotifyWebhook = Type.Object(
  {
    webhook: Type.String({ format: 'uri', pattern: '^https?://', maxLength: 2000, description: 'receives signed JSON (X-Vigil-Signature)' }),
    secret: Type.String({ minLength: 16, maxLength: 200, description: 'the HMAC key; stored sealed, never sent back' }),
  },
  { additionalProperties: false },
);

export const EscalationTierBody = Type.Object(
  {
    after: Duration("tier 1: from the alert's opening; later tiers: from the previous tier's unacknowledged end (PT0S allowed)"),
    ack_within: Duration('how long this tier has to acknowledge'),
    notify: Type.Array(Type.Union([NotifyEmail, NotifyWebhook]), { minItems: 1, maxItems: 20 }),
  },
  { additionalProperties: false },
);

export const CreateWatchBody = Type.Object(
  {
    person_id: Type.String({ format: 'uuid', description: 'the at-risk person' }),
    interval: Duration('how often the person checks in'),
    grace: Duration('how long after a missed check-in the alarm waits (PT0S for none)'),
    pin: Pin('the check-in PIN'),
    duress_pin: Pin('answers like the PIN, and raises a silent alarm'),
    proxies: Type.Optional(Type.Array(Type.String({ format: 'uuid' }), { maxItems: 20, uniqueItems: true, description: 'persons who may report contact on her behalf' })),
    escalation: Type.Array(EscalationTierBody, { minItems: 1, maxItems: 10 }),
  },
  { additionalProperties: false },
);
export type CreateWatchInput = Static<typeof CreateWatchBody>;

export const CONTACT_CHANNELS = ['phone_call', 'message', 'meeting', 'other'] as const;

export const ContactBody = Type.Object(
  {
    at: Type.String({ format: 'date-time', description: 'when the contact happened' }),
    channel: Enum(CONTACT_CHANNELS),
    by_person_id: Type.Optional(Type.Union([Type.String({ format: 'uuid' }), Type.Null()])),
    note: OptionalText(2000),
  },
  { additionalProperties: false },
);
export type ContactInput = Static<typeof ContactBody>;

export const ListWatchesQuery = Type.Object(
  {
    ...ListQuery,
    person_id: Type.Optional(Type.String({ format: 'uuid' })),
    state: Type.Optional(Enum(WATCH_STATES)),
  },
  { additionalProperties: false },
);
export type ListWatchesQuery = Static<typeof ListWatchesQuery>;

const NullableString = Type.Union([Type.String(), Type.Null()]);

export const WatchOutput = Type.Object(
  {
    id: Type.String(),
    case_id: Type.String(),
    person_id: Type.String(),
    interval: Type.String(),
    grace: Type.String(),
    proxies: Type.Array(Type.String()),
    escalation: Type.Optional(Type.Array(Type.Object({ after: Type.String(), ack_within: Type.String(), notify: Type.Array(Type.Object({}, { additionalProperties: true })) }))),
    last_contact_at: NullableString,
    next_deadline: Type.String(),
    overdue: Type.Boolean(),
    state: Type.String(),
    checkin_url: Type.Optional(Type.String({ description: 'only in the answer to the creation: /c/{secret}' })),
    version: Type.Integer(),
    created_at: Type.String(),
    updated_at: Type.String(),
    retracted: Type.Boolean(),
  },
  { additionalProperties: true },
);

export const CheckinOutput = Type.Object(
  {
    id: Type.String(),
    watch_id: Type.String(),
    at: Type.String(),
    recorded_at: Type.String(),
    channel: Type.String(),
    by_person_id: NullableString,
    note: NullableString,
    last_contact_at: NullableString,
    next_deadline: Type.String(),
  },
  { additionalProperties: true },
);
