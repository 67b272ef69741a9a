import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { Clock } from '../lib/clock.ts';
import { InvalidInputError } from '../lib/errors.ts';
import { newId } from '../lib/ids.ts';
import { isRole, type Principal, type Role } from './roles.ts';
import { findActiveTokenByHash, insertToken, revokeTokenByHash } from './tokens.repository.ts';

const PREFIX = 'vgl_';

// Tokens carry 256 random bits, so a plain SHA-256 is enough to keep them unusable at rest.
function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Creates a bearer token and returns it; only its hash is stored, so this is the one chance to see it. */
export async function createToken(
  db: Kysely<Database>,
  clock: Clock,
  input: { role: string; name?: string | undefined; expiresAt?: Date | undefined },
): Promise<{ id: string; token: string; role: Role }> {
  if (!isRole(input.role)) throw new InvalidInputError(`unknown role "${input.role}" (admin, coordinator, researcher, viewer)`);
  if (input.name !== undefined && (input.name.length === 0 || input.name.length > 200)) {
    throw new InvalidInputError('a token name needs 1 to 200 characters');
  }
  const token = PREFIX + randomBytes(32).toString('base64url');
  const id = newId();
  await insertToken(db, {
    id,
    name: input.name ?? null,
    role: input.role,
    token_hash: hashToken(token),
    created_at: clock.now().toISOString(),
    expires_at: input.expiresAt?.toISOString() ?? null,
    revoked_at: null,
    user_id: null,
    kind: 'api',
    read_only: 0,
    last_used_at: null,
  });
  return { id, token, role: input.role };
}

export async function authenticate(db: Kysely<Database>, clock: Clock, token: string): Promise<Principal | null> {
  if (!token.startsWith(PREFIX) || token.length > 100) return null;
  const row = await findActiveTokenByHash(db, hashToken(token));
  if (!row || !isRole(row.role)) return null;
  if (row.expires_at !== null && row.expires_at <= clock.now().toISOString()) return null;
  return { userId: row.user_id ?? row.id, tokenId: row.id, actor: `user:${row.user_id ?? row.id}`, role: row.role, name: row.name, readOnly: row.read_only === 1 };
}

/** Ends a token at once (a web session on sign-out). Unknown or already revoked tokens are ignored. */
export async function revokeToken(db: Kysely<Database>, clock: Clock, token: string): Promise<void> {
  if (!token.startsWith(PREFIX) || token.length > 100) return;
  await revokeTokenByHash(db, hashToken(token), clock.now().toISOString());
}
