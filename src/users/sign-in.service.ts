import { lockoutMs, secondsUntil, type AttemptLimits } from '../auth/attempt-limits.ts';
import { verifyPassword } from '../auth/passwords.ts';
import { findRecoveryCode, hashRecoveryCode, newRecoveryCodes } from '../auth/recovery-codes.ts';
import { isRole, type Principal, type Role } from '../auth/roles.ts';
import { revokeTokenById } from '../auth/tokens.repository.ts';
import { ENROLMENT_MINUTES, SESSION_HOURS, authenticateToken, issueToken, revokeToken } from '../auth/tokens.service.ts';
import { checkTotp, looksLikeTotpCode, newTotpSecret, totpUri } from '../auth/totp.ts';
import type { WebSecret } from '../auth/web-secret.ts';
import type { UserRow } from '../db/schema.ts';
import { sealContext } from '../keys/field-cipher.ts';
import { InvalidInputError } from '../lib/errors.ts';
import type { ServiceContext } from '../services.ts';
import { addFailedLogin, findUserByEmail, findUserById, updateUserIf } from './users.repository.ts';
import { ensureDemoUser, normaliseEmail, userOf } from './users.service.ts';
import type { User } from './users.types.ts';

/** The TOTP secret and the last time step accepted, sealed together in `users.totp_secret`. */
interface TotpState {
  secret: string;
  last_step: number | null;
  /** While not yet confirmed: the enrolment it was shown to. Each enrolment gets its own secret. */
  enrolment?: string | undefined;
}

function totpContext(userId: string): string {
  return sealContext('users', 'totp_secret', userId);
}

function openTotp(ctx: ServiceContext, row: UserRow): TotpState | null {
  if (row.totp_secret === null) return null;
  const state = JSON.parse(ctx.cipher.open(row.totp_secret, totpContext(row.id))) as TotpState;
  return { secret: state.secret, last_step: state.last_step ?? null, enrolment: state.enrolment };
}

function sealTotp(ctx: ServiceContext, userId: string, state: TotpState): string {
  return ctx.cipher.seal(JSON.stringify(state), totpContext(userId));
}

function roleOf(row: UserRow): Role {
  return isRole(row.role) ? row.role : 'viewer';
}

export type SignInResult =
  /** Signed in: a new web session. */
  | { outcome: 'session'; user: User; session: string; sessionId: string }
  /** The password was right and the user has no second factor yet: set one up first. */
  | { outcome: 'enrol'; user: User; enrolment: string }
  /** The password was right and a TOTP code (or recovery code) is needed. */
  | { outcome: 'code_required' }
  | { outcome: 'failed' }
  | { outcome: 'locked'; retryAfter: number };

export interface SignInInput {
  email: string;
  password: string;
  /** A six-digit TOTP code or a recovery code; may be empty. */
  code: string;
}

/** Starts a web session of a user. */
async function startSession(ctx: ServiceContext, row: UserRow): Promise<{ token: string; id: string }> {
  const expiresAt = new Date(ctx.clock.now().getTime() + SESSION_HOURS * 3600_000);
  const name = `web session ${ctx.clock.now().toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  const issued = await issueToken(ctx.db, ctx.clock, { userId: row.id, role: roleOf(row), kind: 'session', name, expiresAt });
  return { token: issued.token, id: issued.id };
}

/**
 * Password and second factor. Every failure counts against the account, TOTP and recovery codes as
 * much as passwords: past the threshold the account is locked, for twice as long each time, and
 * the count survives a restart. Emails without an account fail the same way, at the same speed.
 */
export async function signIn(ctx: ServiceContext, limits: AttemptLimits, secret: WebSecret, input: SignInInput): Promise<SignInResult> {
  const now = ctx.clock.now();
  const email = normaliseEmail(input.email);
  const row = email.length <= 254 ? await findUserByEmail(ctx.db, email) : undefined;
  const signable = row && row.disabled_at === null && row.password_hash !== null;

  if (!row || !signable) {
    const key = secret.pseudonym(email);
    const locked = limits.unknownAccounts.lockedFor(key, now.getTime());
    if (locked) return { outcome: 'locked', retryAfter: locked };
    await verifyPassword(input.password, null);
    limits.unknownAccounts.fail(key, now.getTime());
    await ctx.audit.append({
      actor: row ? `user:${row.id}` : 'anonymous',
      action: 'login.failed',
      entity: row ? 'user' : null,
      entity_id: row?.id ?? null,
      detail: row ? { reason: row.disabled_at !== null ? 'disabled' : 'no_password' } : { reason: 'unknown_email', email_pseudonym: key },
    });
    return { outcome: 'failed' };
  }

  // One attempt at a time per account, each reading the account afresh: parallel guesses cannot all
  // pass the lock check before the first failure lands. (Across several processes on one
  // PostgreSQL, each process still queues its own.)
  return limits.accounts.run(row.id, async () => {
    const fresh = await findUserById(ctx.db, row.id);
    if (!fresh || fresh.disabled_at !== null || fresh.password_hash === null) return { outcome: 'failed' } as SignInResult;
    return signInAccount(ctx, fresh, input, ctx.clock.now());
  });
}

async function signInAccount(ctx: ServiceContext, row: UserRow, input: SignInInput, now: Date): Promise<SignInResult> {
  const actor = `user:${row.id}`;
  if (row.locked_until !== null && row.locked_until > now.toISOString()) {
    await ctx.audit.append({ actor, action: 'login.failed', entity: 'user', entity_id: row.id, detail: { reason: 'locked' } });
    return { outcome: 'locked', retryAfter: secondsUntil(Date.parse(row.locked_until), now.getTime()) };
  }

  const fail = async (reason: string): Promise<SignInResult> => {
    const failures = await addFailedLogin(ctx.db, row.id);
    await ctx.audit.append({ actor, action: 'login.failed', entity: 'user', entity_id: row.id, detail: { reason, failures } });
    const lock = lockoutMs(failures);
    if (lock) {
      const until = new Date(ctx.clock.now().getTime() + lock).toISOString();
      await updateUserIf(ctx.db, row.id, {}, { locked_until: until });
      await ctx.audit.append({ actor, action: 'login.locked', entity: 'user', entity_id: row.id, detail: { failures, seconds: lock / 1000 } });
    }
    return { outcome: 'failed' };
  };

  if (!(await verifyPassword(input.password, row.password_hash))) return fail('password');

  const succeed = async (method: string): Promise<SignInResult> => {
    await updateUserIf(ctx.db, row.id, {}, { failed_logins: 0, locked_until: null });
    const session = await startSession(ctx, row);
    await ctx.audit.append({ actor, action: 'login.ok', entity: 'user', entity_id: row.id, detail: { method, session_id: session.id } });
    return { outcome: 'session', user: userOf(row), session: session.token, sessionId: session.id };
  };

  const totp = row.totp_enabled_at !== null ? openTotp(ctx, row) : null;
  if (!totp) {
    // Only the password can be proven so far; the second factor is set up next.
    await updateUserIf(ctx.db, row.id, {}, { failed_logins: 0, locked_until: null });
    const expiresAt = new Date(now.getTime() + ENROLMENT_MINUTES * 60_000);
    const enrolment = await issueToken(ctx.db, ctx.clock, { userId: row.id, role: roleOf(row), kind: 'enrolment', name: 'two-factor set-up', expiresAt });
    return { outcome: 'enrol', user: userOf(row), enrolment: enrolment.token };
  }

  const code = input.code.trim();
  if (code === '') return { outcome: 'code_required' };
  if (looksLikeTotpCode(code)) {
    const check = checkTotp(totp.secret, code, now, totp.last_step);
    if (!check.ok) return fail(check.reused ? 'totp_reused' : 'totp');
    // Compare-and-set on the sealed state: of two sign-ins with one code, only one gets through.
    const taken = await updateUserIf(ctx.db, row.id, { totp_secret: row.totp_secret }, { totp_secret: sealTotp(ctx, row.id, { ...totp, last_step: check.step }) });
    if (!taken) return fail('totp_reused');
    return succeed('totp');
  }
  const hashes = JSON.parse(row.recovery_codes ?? '[]') as string[];
  const index = findRecoveryCode(row.id, code, hashes);
  if (index < 0) return fail('recovery_code');
  const remaining = hashes.filter((_, i) => i !== index);
  const taken = await updateUserIf(ctx.db, row.id, { recovery_codes: row.recovery_codes }, { recovery_codes: JSON.stringify(remaining) });
  if (!taken) return fail('recovery_code');
  await ctx.audit.append({ actor, action: 'recovery_code.used', entity: 'user', entity_id: row.id, detail: { remaining: remaining.length } });
  return succeed('recovery_code');
}

/** The one-click demo sign-in (only with `--demo`). */
export async function signInDemo(ctx: ServiceContext): Promise<{ session: string }> {
  const { id } = await ensureDemoUser(ctx);
  const row = (await findUserById(ctx.db, id))!;
  const session = await startSession(ctx, row);
  await ctx.audit.append({ actor: `user:${id}`, action: 'login.ok', entity: 'user', entity_id: id, detail: { method: 'demo', session_id: session.id } });
  return { session: session.token };
}

/** The user behind an enrolment cookie, while it is valid and the user has no second factor yet. */
async function enrollingUser(ctx: ServiceContext, enrolment: string): Promise<{ row: UserRow; tokenId: string } | null> {
  const auth = await authenticateToken(ctx.db, ctx.clock, enrolment, 'enrolment');
  if (!auth.ok) return null;
  const row = await findUserById(ctx.db, auth.principal.userId);
  if (!row || row.totp_enabled_at !== null) return null;
  return { row, tokenId: auth.principal.tokenId! };
}

export interface Enrolment {
  user: User;
  /** Base32, to type into an app that cannot scan. */
  secret: string;
  /** The `otpauth://` address the QR code carries. */
  uri: string;
}

/** The pending second factor of an enrolling user, made on first sight and kept until confirmed. */
export async function beginEnrolment(ctx: ServiceContext, enrolment: string): Promise<Enrolment | null> {
  const found = await enrollingUser(ctx, enrolment);
  if (!found) return null;
  const { row, tokenId } = found;
  let state = openTotp(ctx, row);
  // A secret shown to another sign-in is not reused: whoever else knew the password would hold it too.
  if (!state || state.enrolment !== tokenId) {
    state = { secret: newTotpSecret(), last_step: null, enrolment: tokenId };
    const stored = await updateUserIf(ctx.db, row.id, { totp_secret: row.totp_secret }, { totp_secret: sealTotp(ctx, row.id, state) });
    // Another tab of this enrolment made one at the same moment: show that one.
    if (!stored) return beginEnrolment(ctx, enrolment);
  }
  return { user: userOf(row), secret: state.secret, uri: totpUri(state.secret, row.email) };
}

export type EnrolmentResult =
  | { outcome: 'done'; session: string; recoveryCodes: string[] }
  | { outcome: 'wrong_code' }
  | { outcome: 'expired' };

/** Confirms the second factor with a code from the app; then signs in and hands out recovery codes once. */
export async function confirmEnrolment(ctx: ServiceContext, enrolment: string, code: string): Promise<EnrolmentResult> {
  const found = await enrollingUser(ctx, enrolment);
  if (!found) return { outcome: 'expired' };
  const { row, tokenId } = found;
  const state = openTotp(ctx, row);
  if (!state || state.enrolment !== tokenId) return { outcome: 'expired' };
  const check = checkTotp(state.secret, code, ctx.clock.now(), state.last_step);
  if (!check.ok) return { outcome: 'wrong_code' };
  const codes = newRecoveryCodes();
  const at = ctx.clock.now().toISOString();
  const enabled = await ctx.db.transaction().execute(async (trx) => {
    const changed = await updateUserIf(trx, row.id, { totp_secret: row.totp_secret }, {
      totp_secret: sealTotp(ctx, row.id, { secret: state.secret, last_step: check.step }),
      totp_enabled_at: at,
      recovery_codes: JSON.stringify(codes.map((c) => hashRecoveryCode(row.id, c))),
      failed_logins: 0,
      locked_until: null,
      updated_at: at,
    });
    if (!changed) return false;
    await revokeTokenById(trx, tokenId, at);
    await ctx.audit.appendIn(trx, { actor: `user:${row.id}`, action: 'totp.enrolled', entity: 'user', entity_id: row.id, detail: { recovery_codes: codes.length } });
    return true;
  });
  if (!enabled) return { outcome: 'expired' };
  const session = await startSession(ctx, row);
  await ctx.audit.append({ actor: `user:${row.id}`, action: 'login.ok', entity: 'user', entity_id: row.id, detail: { method: 'totp_enrolment', session_id: session.id } });
  return { outcome: 'done', session: session.token, recoveryCodes: codes };
}

/** A one-time step to set up the second factor, for a user who has just set a password through a link. */
export async function enrolmentAfterSetup(ctx: ServiceContext, user: User): Promise<string> {
  const expiresAt = new Date(ctx.clock.now().getTime() + ENROLMENT_MINUTES * 60_000);
  const issued = await issueToken(ctx.db, ctx.clock, { userId: user.id, role: user.role, kind: 'enrolment', name: 'two-factor set-up', expiresAt });
  return issued.token;
}

/** New recovery codes for one's own account, given the password; the old ones stop working. */
export async function regenerateRecoveryCodes(ctx: ServiceContext, principal: Principal, password: string): Promise<string[]> {
  if (principal.readOnly) throw new InvalidInputError('a read-only token cannot change anything');
  const row = await findUserById(ctx.db, principal.userId);
  if (!row || row.totp_enabled_at === null) throw new InvalidInputError('set up two-factor sign-in first');
  if (!(await verifyPassword(password, row.password_hash))) throw new InvalidInputError('the password is not right', { password: 'is not right' });
  const codes = newRecoveryCodes();
  const at = ctx.clock.now().toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    await updateUserIf(trx, row.id, {}, { recovery_codes: JSON.stringify(codes.map((c) => hashRecoveryCode(row.id, c))), updated_at: at });
    await ctx.audit.appendIn(trx, { actor: principal.actor, action: 'recovery_codes.regenerated', entity: 'user', entity_id: row.id, detail: { count: codes.length } });
  });
  return codes;
}

/** How many unused recovery codes a user has left. */
export async function recoveryCodesLeft(ctx: ServiceContext, userId: string): Promise<number> {
  const row = await findUserById(ctx.db, userId);
  return row?.recovery_codes ? (JSON.parse(row.recovery_codes) as string[]).length : 0;
}

/** Ends the web session of a cookie (sign-out). */
export async function signOut(ctx: ServiceContext, session: string, principal: Principal | null): Promise<void> {
  const id = await revokeToken(ctx.db, ctx.clock, session);
  if (id && principal) await ctx.audit.append({ actor: principal.actor, action: 'session.revoked', entity: 'api_token', entity_id: id, detail: { sign_out: true } });
}
