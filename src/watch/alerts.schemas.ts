import { Type, type Static } from '@sinclair/typebox';
import { Enum, ListQuery, OptionalText } from '../http/schemas.ts';
import { ALERT_STATES, RESOLVE_OUTCOMES } from './alerts.types.ts';

export const ListAlertsQuery = Type.Object(
  {
    ...ListQuery,
    state: Type.Optional(Enum(ALERT_STATES)),
    person_id: Type.Optional(Type.String({ format: 'uuid' })),
  },
  { additionalProperties: false },
);
export type ListAlertsQuery = Static<typeof ListAlertsQuery>;

export const ResolveAlertBody = Type.Object(
  {
    outcome: Enum(RESOLVE_OUTCOMES, 'detained and disappeared also write that status on the person’s timeline'),
    note: OptionalText(2000),
  },
  { additionalProperties: false },
);
export type ResolveAlertInput = Static<typeof ResolveAlertBody>;

const NullableString = Type.Union([Type.String(), Type.Null()]);

export const AlertOutput = Type.Object(
  {
    id: Type.String(),
    case_id: Type.String(),
    kind: Type.String(),
    person_id: Type.String(),
    watch_id: NullableString,
    opened_at: Type.String(),
    tier: Type.Integer({ description: 'the escalation tier in charge (1 until tier 2 is called)' }),
    drill: Type.Boolean(),
    notified_tiers: Type.Integer({ description: 'escalation tiers called so far' }),
    next_escalation_at: Type.Union([Type.String(), Type.Null()], { description: 'when the next tier is called unless acknowledged' }),
    state: Type.String(),
    deadline_at: NullableString,
    acknowledged_at: NullableString,
    acknowledged_by: NullableString,
    resolved_at: NullableString,
    resolved_by: NullableString,
    outcome: NullableString,
    note: NullableString,
    version: Type.Integer(),
    created_at: Type.String(),
    updated_at: Type.String(),
    appeal_draft_id: Type.Optional(Type.Union([Type.String(), Type.Null()], { description: 'resolving only: the WGEID appeal draft (an intervention) a disappearance prepared' })),
  },
  { additionalProperties: true },
);

export const NoticeOutput = Type.Object(
  {
    id: Type.String(),
    purpose: Type.String({ description: "tier: an escalation tier's notice; dossier: a released dossier (tier 0)" }),
    tier: Type.Integer(),
    channel: Type.String(),
    recipient: Type.Union([Type.String(), Type.Null()], { description: 'address or webhook URL; null for readers without the right to secrets' }),
    drill: Type.Boolean(),
    state: Type.String({ description: 'pending | sending | sent | failed | cancelled' }),
    attempts: Type.Integer(),
    next_attempt_at: NullableString,
    last_error: NullableString,
    sent_at: NullableString,
    created_at: Type.String(),
  },
  { additionalProperties: false },
);
