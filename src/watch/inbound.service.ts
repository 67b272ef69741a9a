import { InvalidInputError } from '../lib/errors.ts';
import type { ServiceContext } from '../services.ts';
import { findWatchIdBySender } from './channels.repository.ts';
import type { InboundInput } from './channels.schemas.ts';
import { CLOCK_SKEW_MS } from './deadlines.ts';
import { normaliseSender, parseInboundText, type InboundGateway } from './inbound.ts';
import type { SenderKey } from './sender-key.ts';
import { cancelSosBy, raiseSosBy } from './sos.service.ts';
import { findWatchForCheckinById } from './watches.repository.ts';
import { attemptWithPin, checkInBy, type CheckinGuard, type PinDoor } from './watches.service.ts';

/**
 * What the gateway sends back to the sender. Plain and alike: the PIN and the duress PIN get `done`;
 * an unknown sender, a wrong PIN and a message that is no command all get `refused`.
 */
export const INBOUND_REPLIES = {
  done: 'Thank you. Saved.',
  refused: 'That did not work.',
  locked: 'Too many tries. Wait a while, then try again.',
} as const;

/**
 * A message relayed by a gateway (its signature already checked): `OK`, `SOS` or `CANCEL` with a
 * PIN, from a sender registered on a watch. It takes the check-in page's path, under the same
 * lockout per watch; a sender no watch names is refused and locked out as a wrong PIN would be.
 * A message that is no command is refused without looking anyone up or counting anything.
 */
export async function receiveInboundMessage(ctx: ServiceContext, guard: CheckinGuard, key: SenderKey, gateway: InboundGateway, input: InboundInput): Promise<string> {
  const receivedAt = input.received_at === undefined ? undefined : new Date(input.received_at);
  if (receivedAt && receivedAt.getTime() > ctx.clock.now().getTime() + CLOCK_SKEW_MS) {
    throw new InvalidInputError('received_at lies in the future', { received_at: 'lies in the future' });
  }
  const message = parseInboundText(input.text);
  const sender = normaliseSender(gateway, input.from);
  if (!message || !sender) return INBOUND_REPLIES.refused;
  const senderHash = key.hash(gateway, sender);
  const source = { channel: gateway, actor: `checkin:${gateway}` };
  const action =
    message.action === 'checkin' ? checkInBy(gateway, source.actor, receivedAt) : message.action === 'sos' ? raiseSosBy(source, receivedAt) : cancelSosBy(source);
  const door: PinDoor = {
    key: `${gateway}:${senderHash}`,
    find: async () => {
      const watchId = await findWatchIdBySender(ctx.db, gateway, senderHash);
      return watchId ? findWatchForCheckinById(ctx.db, ctx.cipher, watchId) : null;
    },
  };
  const outcome = await attemptWithPin(ctx, guard, door, message.pin, action);
  return outcome.result === 'recorded' ? INBOUND_REPLIES.done : outcome.result === 'locked' ? INBOUND_REPLIES.locked : INBOUND_REPLIES.refused;
}
