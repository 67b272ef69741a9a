import { Type, type Static } from '@sinclair/typebox';
import { Enum, OptionalText } from '../http/schemas.ts';
import { INBOUND_GATEWAYS } from './inbound.ts';

export const SosBody = Type.Object(
  {
    by_person_id: Type.Optional(Type.Union([Type.String({ format: 'uuid', description: 'who raised it: the person or one of her proxies' }), Type.Null()])),
    note: OptionalText(2000),
  },
  { additionalProperties: false },
);
export type SosInput = Static<typeof SosBody>;

export const InboundParams = Type.Object({ gateway: Enum(INBOUND_GATEWAYS) }, { additionalProperties: false });

/** The largest message a gateway may relay; SMS and chat messages are far smaller. */
export const INBOUND_BODY_LIMIT = 16 * 1024;

export const InboundBody = Type.Object(
  {
    from: Type.String({ minLength: 1, maxLength: 200, description: 'the sender as the gateway knows it: a phone number, Signal number or UUID, Telegram id' }),
    // Any characters: what a sender typed is judged by the grammar, and never stored.
    text: Type.String({ maxLength: 2000, description: '`OK <pin>`, `SOS <pin>` or `CANCEL <pin>` (keyword in any case)' }),
    received_at: Type.Optional(Type.String({ format: 'date-time', description: 'when the gateway received the message; a check-in counts from then' })),
  },
  { additionalProperties: false },
);
export type InboundInput = Static<typeof InboundBody>;

export const InboundReply = Type.Object(
  { reply: Type.String({ description: 'the text to send back to the sender; the same for the PIN and the duress PIN' }) },
  { additionalProperties: false },
);
