import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { sealContext } from '../keys/field-cipher.ts';
import type { ServiceContext } from '../services.ts';
import { findSetting, insertSettingIfAbsent } from './settings.repository.ts';

const SETTING = 'web_secret';

/**
 * A per-deployment secret for the web's own tags: CSRF tokens and the pseudonyms of unknown emails
 * in the audit log. Kept in the database (sealed), so every app process of a deployment agrees.
 */
export class WebSecret {
  constructor(private readonly key: Buffer) {}

  private tag(purpose: string, value: string): string {
    return createHmac('sha256', this.key).update(`${purpose}\u0000${value}`).digest('base64url');
  }

  /** The form token of a signed-in request, bound to the session (or token) that authenticated it. */
  csrfForCredential(tokenId: string): string {
    return this.tag('csrf-credential', tokenId);
  }

  /** The form token before sign-in, bound to the browser's own random `vigil_csrf` cookie. */
  csrfForBrowser(nonce: string): string {
    return this.tag('csrf-browser', nonce);
  }

  /** Lets the audit log group failed sign-ins by the email typed without keeping the email. */
  pseudonym(email: string): string {
    return this.tag('email', email.toLowerCase()).slice(0, 22);
  }
}

/** Whether a submitted token equals the expected one, in constant time. */
export function tokensMatch(expected: string, given: unknown): boolean {
  if (typeof given !== 'string' || given.length !== expected.length) return false;
  return timingSafeEqual(Buffer.from(given), Buffer.from(expected));
}

/** Loads the deployment's web secret, creating it on first start. */
export async function loadWebSecret(ctx: Pick<ServiceContext, 'db' | 'cipher'>): Promise<WebSecret> {
  const context = sealContext('settings', 'value', SETTING);
  let sealed = await findSetting(ctx.db, SETTING);
  if (sealed === undefined) {
    await insertSettingIfAbsent(ctx.db, SETTING, ctx.cipher.seal(randomBytes(32).toString('base64'), context));
    sealed = (await findSetting(ctx.db, SETTING))!;
  }
  return new WebSecret(Buffer.from(ctx.cipher.open(sealed, context), 'base64'));
}
