import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { ApiTokenRow, Database } from '../db/schema.ts';
import type { Clock } from '../lib/clock.ts';
import { InvalidInputError } from '../lib/errors.ts';
import { newId } from '../lib/ids.ts';
import { insertUser, newUserRow } from '../users/users.repository.ts';
import { isRole, type Principal, type Role } from './roles.ts';
import { findTokenWithUserByHash, insertToken, revokeTokenByHash, touchToken } from './tokens.repository.ts';

const PREFIX = 'vgl_';

/** How long a web session lasts at most; the browser usually ends it sooner (no Max-Age). */
export const SESSION_HOURS = 12;
/** A session nobody has used for this long ends too, e.g. on a laptop left open. */
export const SESSION_IDLE_MINUTES = 120;
/** The step between a right password and a confirmed second factor. */
export const ENROLMENT_MINUTES = 20;
/** last_used_at is written at most this often per token: cheap, and precise enough for idle time. */
const TOUCH_EVERY_MS = 60_000;

/**
 * `api`: a bearer token for the API. `session`: a web sign-in, only ever in the session cookie.
 * `enrolment`: a right password waiting for its second factor (TOTP set-up), in its own cookie.
 */
export type TokenKind = 'api' | 'session' | 'enrolment';

// Tokens carry 256 random bits, so a plain SHA-256 is enough to keep them unusable at rest.
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** A new random token with its prefix; also used for one-time set-up links. */
export function newSecretToken(): string {
  return PREFIX + randomBytes(32).toString('base64url');
}

function wellFormed(token: string): boolean {
  return token.startsWith(PREFIX) && token.length <= 100;
}

export interface IssuedToken {
  id: string;
  token: string;
  row: ApiTokenRow;
}

/** Stores a new token of a user and returns it; only its hash is kept, so this is the one chance to see it. */
export async function issueToken(
  db: Kysely<Database>,
  clock: Clock,
  input: { userId: string; role: Role; kind: TokenKind; name: string | null; readOnly?: boolean; expiresAt?: Date | null },
): Promise<IssuedToken> {
  const token = newSecretToken();
  const row: ApiTokenRow = {
    id: newId(),
    name: input.name,
    // The user's role decides at each request; this column keeps what it was when issued.
    role: input.role,
    token_hash: hashToken(token),
    created_at: clock.now().toISOString(),
    expires_at: input.expiresAt?.toISOString() ?? null,
    revoked_at: null,
    user_id: input.userId,
    kind: input.kind,
    read_only: input.readOnly ? 1 : 0,
    last_used_at: null,
  };
  await insertToken(db, row);
  return { id: row.id, token, row };
}

/**
 * A bearer token for a service user of its own (a script, an integration), as `vigil token create`
 * makes: the user carries the role, so the token stays a user's like every other.
 */
export async function createToken(
  db: Kysely<Database>,
  clock: Clock,
  input: { role: string; name?: string | undefined; expiresAt?: Date | undefined; readOnly?: boolean | undefined },
): Promise<{ id: string; token: string; role: Role; userId: string }> {
  if (!isRole(input.role)) throw new InvalidInputError(`unknown role "${input.role}" (admin, coordinator, researcher, viewer)`);
  if (input.name !== undefined && (input.name.length === 0 || input.name.length > 200)) {
    throw new InvalidInputError('a token name needs 1 to 200 characters');
  }
  const role = input.role;
  const userId = newId();
  const at = clock.now().toISOString();
  return db.transaction().execute(async (trx) => {
    await insertUser(trx, newUserRow({ id: userId, email: `token-${userId}@service.invalid`, display_name: input.name ?? null, role, created_at: at }));
    const issued = await issueToken(trx, clock, { userId, role, kind: 'api', name: input.name ?? null, readOnly: input.readOnly ?? false, expiresAt: input.expiresAt ?? null });
    return { id: issued.id, token: issued.token, role, userId };
  });
}

export type Rejection = 'malformed' | 'unknown' | 'wrong_kind' | 'revoked' | 'expired' | 'idle' | 'disabled';

export type Authentication =
  | { ok: true; principal: Principal }
  | { ok: false; reason: Rejection; tokenId: string | null; userId: string | null };

/**
 * Who a token speaks for, if it is of the expected kind and in force: not revoked, not expired,
 * not idle too long (sessions), its user not disabled. The role is the user's current one, so a
 * change of role or a disabled account takes effect at the next request.
 */
export async function authenticateToken(db: Kysely<Database>, clock: Clock, token: string, kind: TokenKind): Promise<Authentication> {
  if (!wellFormed(token)) return { ok: false, reason: 'malformed', tokenId: null, userId: null };
  const row = await findTokenWithUserByHash(db, hashToken(token));
  if (!row || !row.user_id || !row.user_role || !isRole(row.user_role)) return { ok: false, reason: 'unknown', tokenId: null, userId: null };
  const refuse = (reason: Rejection): Authentication => ({ ok: false, reason, tokenId: row.id, userId: row.user_id });
  if (row.kind !== kind) return refuse('wrong_kind');
  if (row.revoked_at !== null) return refuse('revoked');
  const now = clock.now();
  const nowIso = now.toISOString();
  if (row.expires_at !== null && row.expires_at <= nowIso) return refuse('expired');
  if (row.user_disabled_at !== null) return refuse('disabled');
  const lastUsed = Date.parse(row.last_used_at ?? row.created_at);
  if (kind === 'session' && now.getTime() - lastUsed > SESSION_IDLE_MINUTES * 60_000) return refuse('idle');
  if (now.getTime() - lastUsed >= TOUCH_EVERY_MS) await touchToken(db, row.id, nowIso);
  return {
    ok: true,
    principal: {
      userId: row.user_id,
      tokenId: row.id,
      actor: `user:${row.user_id}`,
      role: row.user_role,
      name: row.user_display_name ?? row.user_email,
      readOnly: row.read_only === 1,
    },
  };
}

/** Who a bearer token speaks for, or null: for callers that need no reason. */
export async function authenticate(db: Kysely<Database>, clock: Clock, token: string): Promise<Principal | null> {
  const result = await authenticateToken(db, clock, token, 'api');
  return result.ok ? result.principal : null;
}

/** Ends a token at once (a web session on sign-out); returns its id, or null when unknown or already revoked. */
export async function revokeToken(db: Kysely<Database>, clock: Clock, token: string): Promise<string | null> {
  if (!wellFormed(token)) return null;
  return revokeTokenByHash(db, hashToken(token), clock.now().toISOString());
}
