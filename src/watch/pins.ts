import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

export const PIN_MIN = 4;
export const PIN_MAX = 64;

// Lighter than a password's scrypt: every check-in derives twice (PIN and duress PIN), and the
// stored hash is also sealed under the data key, so the cost only matters to one holding that key.
const COST = { N: 2 ** 14, r: 8, p: 1 };
const KEY_LENGTH = 32;

function derive(pin: string, salt: Buffer, cost: { N: number; r: number; p: number }): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(pin.normalize('NFC'), salt, KEY_LENGTH, { ...cost, maxmem: 64 * 1024 * 1024 }, (error, key) => (error ? reject(error) : resolve(key))),
  );
}

/** `scrypt$N$r$p$salt$key`, as passwords are stored (src/auth/passwords.ts), so the cost can be raised later. */
export async function hashPin(pin: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(pin, salt, COST);
  return ['scrypt', COST.N, COST.r, COST.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

// Stands in for a watch that does not exist, so an unknown link costs the same two derivations.
const DUMMY = `scrypt$${COST.N}$${COST.r}$${COST.p}$${randomBytes(16).toString('base64url')}$${randomBytes(KEY_LENGTH).toString('base64url')}`;

async function matches(pin: string, stored: string | null): Promise<boolean> {
  const parts = (stored ?? DUMMY).split('$');
  const valid = parts.length === 6 && parts[0] === 'scrypt';
  const [, n, r, p, salt, key] = (valid ? parts : DUMMY.split('$')) as [string, string, string, string, string, string];
  const expected = Buffer.from(key, 'base64url');
  const actual = await derive(pin.slice(0, PIN_MAX * 4), Buffer.from(salt, 'base64url'), { N: Number(n), r: Number(r), p: Number(p) });
  return valid && stored !== null && actual.length === expected.length && timingSafeEqual(actual, expected);
}

export type PinMatch = 'ok' | 'duress' | null;

/**
 * Which PIN was given. Both are derived and compared every time, whichever matches and even for an
 * unknown watch, so the answer's timing does not tell a duress PIN from the real one.
 */
export async function matchPin(pin: string, hashes: { pin: string | null; duress: string | null }): Promise<PinMatch> {
  const [real, duress] = await Promise.all([matches(pin, hashes.pin), matches(pin, hashes.duress)]);
  // Both results are in hand before either is looked at.
  return real ? 'ok' : duress ? 'duress' : null;
}

/** Why a PIN cannot be used, or null. */
export function pinProblem(pin: string): string | null {
  const length = [...pin].length;
  if (length < PIN_MIN) return `needs at least ${PIN_MIN} characters`;
  if (length > PIN_MAX) return `has at most ${PIN_MAX} characters`;
  if (/[\u0000-\u001F\u007F]/.test(pin)) return 'may not contain control characters';
  return null;
}
