import { createHmac } from 'node:crypto';
import { loadSealedSecret } from '../keys/deployment-secrets.ts';
import type { ServiceContext } from '../services.ts';
import type { InboundGateway } from './inbound.ts';

const SETTING = 'inbound_sender_key';

/**
 * Turns an inbound sender (a phone number, a Telegram id) into the keyed hash a watch keeps of it.
 * The key is random per deployment and stored sealed, like the web secret: without the deployment
 * key the hashes cannot be tested against a list of numbers, and rotating the deployment key (which
 * rewraps the data keys) leaves them valid.
 */
export class SenderKey {
  constructor(private readonly key: Buffer) {}

  /** `sender` as normaliseSender wrote it. */
  hash(gateway: InboundGateway, sender: string): string {
    return createHmac('sha256', this.key).update(`${gateway}\u0000${sender}`).digest('hex');
  }
}

/** The deployment's sender key, made on first use; several processes starting at once keep the first. */
export async function loadSenderKey(ctx: Pick<ServiceContext, 'db' | 'cipher'>): Promise<SenderKey> {
  return new SenderKey(await loadSealedSecret(ctx, SETTING));
}
