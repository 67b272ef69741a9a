import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The webhook signature of DESIGN §6, both ways: our outgoing webhooks carry it, and inbound
 * gateways sign with it. `X-Vigil-Signature: t=UNIX_SECONDS,v1=HEX`, where HEX is
 * HMAC-SHA256(secret, t + "." + raw body).
 */
export const SIGNATURE_HEADER = 'x-vigil-signature';

/** How far a signature's `t` may lie from our clock, either way. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

// Longer than any honest header (a few v1 values during a secret change); refused before parsing.
const HEADER_MAX = 1000;

function mac(secret: string, body: string | Uint8Array, t: number): Buffer {
  return createHmac('sha256', secret).update(`${t}.`).update(body).digest();
}

/** The header value that signs `body` (the exact bytes sent) at `t` (UNIX seconds). */
export function signPayload(secret: string, body: string | Uint8Array, t: number): string {
  if (!Number.isSafeInteger(t) || t < 0) throw new RangeError('t must be UNIX seconds');
  return `t=${t},v1=${mac(secret, body, t).toString('hex')}`;
}

export type SignatureProblem = 'missing' | 'malformed' | 'stale' | 'mismatch';
export type SignatureCheck = { ok: true; t: number } | { ok: false; problem: SignatureProblem };

/**
 * Whether `header` signs `body` with `secret`, at a `t` within the tolerance of `now`. Several `v1`
 * values may be given (a sender changing its secret); any one that matches will do. The comparison
 * takes constant time; unknown keys (a future `v2`) are ignored.
 */
export function verifySignature(secret: string, header: string | undefined, body: string | Uint8Array, now: Date, toleranceSeconds = SIGNATURE_TOLERANCE_SECONDS): SignatureCheck {
  if (header === undefined || header === '') return { ok: false, problem: 'missing' };
  if (header.length > HEADER_MAX) return { ok: false, problem: 'malformed' };
  let t: number | null = null;
  const signatures: Buffer[] = [];
  for (const part of header.split(',')) {
    const equals = part.indexOf('=');
    if (equals < 1) return { ok: false, problem: 'malformed' };
    const key = part.slice(0, equals).trim();
    const value = part.slice(equals + 1).trim();
    if (key === 't') {
      if (t !== null || !/^\d{1,12}$/.test(value)) return { ok: false, problem: 'malformed' };
      t = Number(value);
    } else if (key === 'v1') {
      if (!/^[0-9a-fA-F]{64}$/.test(value)) return { ok: false, problem: 'malformed' };
      signatures.push(Buffer.from(value, 'hex'));
    }
  }
  if (t === null || signatures.length === 0) return { ok: false, problem: 'malformed' };
  if (Math.abs(Math.floor(now.getTime() / 1000) - t) > toleranceSeconds) return { ok: false, problem: 'stale' };
  const expected = mac(secret, body, t);
  let matched = false;
  // Every candidate is compared, so the time taken does not say which one matched.
  for (const signature of signatures) matched = timingSafeEqual(signature, expected) || matched;
  return matched ? { ok: true, t } : { ok: false, problem: 'mismatch' };
}
