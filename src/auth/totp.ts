import { Secret, TOTP } from 'otpauth';

/** RFC 6238 as every authenticator app speaks it: SHA-1, 6 digits, 30 s steps. */
const PERIOD_SECONDS = 30;
/** One step either side, for a phone clock that is a little off. */
const WINDOW = 1;

function totpFor(secret: string, label = 'Vigil'): TOTP {
  return new TOTP({ issuer: 'Vigil', label, algorithm: 'SHA1', digits: 6, period: PERIOD_SECONDS, secret: Secret.fromBase32(secret) });
}

/** A new shared secret (160 bits, base32), as RFC 4226 recommends. */
export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

/** The `otpauth://` address an authenticator app reads from the QR code. */
export function totpUri(secret: string, label: string): string {
  return totpFor(secret, label).toString();
}

/** A six-digit code as typed: spaces and dashes dropped. */
export function looksLikeTotpCode(text: string): boolean {
  return /^\d{6}$/.test(text.replace(/[\s-]/g, ''));
}

export type TotpCheck = { ok: true; step: number } | { ok: false; reused: boolean };

/**
 * Checks a code at `now`: right within one step either side, and of a later step than the last code
 * accepted, so a code seen over someone's shoulder cannot be used again in its window.
 */
export function checkTotp(secret: string, code: string, now: Date, lastStep: number | null): TotpCheck {
  const token = code.replace(/[\s-]/g, '');
  if (!/^\d{6}$/.test(token)) return { ok: false, reused: false };
  const delta = totpFor(secret).validate({ token, timestamp: now.getTime(), window: WINDOW });
  if (delta === null) return { ok: false, reused: false };
  const step = Math.floor(now.getTime() / 1000 / PERIOD_SECONDS) + delta;
  if (lastStep !== null && step <= lastStep) return { ok: false, reused: true };
  return { ok: true, step };
}
