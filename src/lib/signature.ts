import { createHmac, timingSafeEqual } from 'node:crypto';

/** How far a signature's time may lie from ours before it is refused as stale (DESIGN §6). */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

function hexMac(secret: string, t: number, body: string | Buffer): string {
  return createHmac('sha256', secret).update(`${t}.`).update(body).digest('hex');
}

/** `X-Vigil-Signature` for a body sent at unix time `t`: `t=SECONDS,v1=HEX` (DESIGN §6). */
export function signPayload(secret: string, body: string | Buffer, t: number): string {
  return `t=${t},v1=${hexMac(secret, t, body)}`;
}

/** Whether the header signs this very body with this secret, at a time near `now` (constant-time compare). */
export function verifySignature(secret: string, header: string | undefined, body: string | Buffer, now: Date): boolean {
  if (!header || header.length > 500) return false;
  const parts = new Map(header.split(',').map((part) => [part.slice(0, part.indexOf('=')).trim(), part.slice(part.indexOf('=') + 1).trim()] as const));
  const t = parts.get('t');
  const mac = parts.get('v1');
  if (!t || !/^\d{1,12}$/.test(t) || !mac || !/^[0-9a-f]{64}$/.test(mac)) return false;
  if (Math.abs(now.getTime() / 1000 - Number(t)) > SIGNATURE_TOLERANCE_SECONDS) return false;
  return timingSafeEqual(Buffer.from(hexMac(secret, Number(t), body), 'hex'), Buffer.from(mac, 'hex'));
}
