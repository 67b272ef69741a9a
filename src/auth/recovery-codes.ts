import { createHash, randomInt, timingSafeEqual } from 'node:crypto';

export const RECOVERY_CODE_COUNT = 10;
// No 0/o, 1/l/i: codes are copied by hand from paper.
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

/** `abcd-efgh-jkmn-pqrs`: 16 symbols of 31, about 79 bits, so a plain hash keeps them safe at rest. */
export function newRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    const symbols = Array.from({ length: 16 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
    return symbols.match(/.{4}/g)!.join('-');
  });
}

function normalise(code: string): string {
  return code.toLowerCase().replace(/[\s-]/g, '');
}

/** Bound to the user, so the same code elsewhere hashes differently. */
export function hashRecoveryCode(userId: string, code: string): string {
  return createHash('sha256').update(`${userId}:${normalise(code)}`).digest('hex');
}

/** The index of the stored hash this code matches, or -1. Compares every entry in constant time. */
export function findRecoveryCode(userId: string, code: string, hashes: readonly string[]): number {
  const normalised = normalise(code);
  if (!/^[a-z0-9]{16}$/.test(normalised)) return -1;
  const given = Buffer.from(hashRecoveryCode(userId, normalised), 'hex');
  let found = -1;
  hashes.forEach((hash, index) => {
    const stored = Buffer.from(hash, 'hex');
    if (stored.length === given.length && timingSafeEqual(stored, given) && found < 0) found = index;
  });
  return found;
}
