import type { Kysely } from 'kysely';
import { hashPassword, passwordProblem, verifyPassword } from '../auth/passwords.ts';
import { isRole, systemPrincipal, type Principal, type Role } from '../auth/roles.ts';
import { findTokenOfUser, listLiveTokensOfUser, revokeTokenById, revokeTokensOfUser } from '../auth/tokens.repository.ts';
import { hashToken, issueToken, newSecretToken } from '../auth/tokens.service.ts';
import type { ApiTokenRow, Database, UserRow } from '../db/schema.ts';
import { decodeCursor, encodeCursor } from '../http/schemas.ts';
import { ForbiddenError, InvalidInputError, NotFoundError, UnprocessableError } from '../lib/errors.ts';
import { newId } from '../lib/ids.ts';
import { assertCurrentVersion } from '../records/versioning.ts';
import type { ServiceContext } from '../services.ts';
import {
  findUserByEmail,
  findUserById,
  findUserBySetupHash,
  insertUser,
  listUserRows,
  newUserRow,
  lockActiveAdmins,
  updateUserIf,
  type UserChange,
} from './users.repository.ts';
import type { SetupLink, User, UserToken } from './users.types.ts';

/** How long a one-time sign-in link stays valid. */
export const SETUP_LINK_HOURS = 72;
export const DEMO_EMAIL = 'demo@vigil.invalid';
const SERVICE_EMAIL = /@service\.invalid$/;

export function userOf(row: UserRow): User {
  return {
    id: row.id,
    email: row.email,
    display_name: row.display_name,
    role: isRole(row.role) ? row.role : 'viewer',
    two_factor: row.totp_enabled_at !== null,
    has_password: row.password_hash !== null,
    service: SERVICE_EMAIL.test(row.email),
    locked_until: row.locked_until,
    disabled_at: row.disabled_at,
    version: row.version,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

export function tokenOf(row: ApiTokenRow): UserToken {
  return {
    id: row.id,
    kind: row.kind === 'session' ? 'session' : 'api',
    name: row.name,
    read_only: row.read_only === 1,
    created_at: row.created_at,
    expires_at: row.expires_at,
    last_used_at: row.last_used_at,
    revoked_at: row.revoked_at,
  };
}

/** Emails compare without case and surrounding spaces; the rest is kept as typed. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

function isAdmin(principal: Principal): boolean {
  return principal.role === 'admin';
}

function requireAdmin(principal: Principal): void {
  if (!isAdmin(principal)) throw new ForbiddenError('only an administrator may manage users');
}

/** A user acts on their own account; an administrator on anyone's. */
/** A user no person signs in as: no password, no second factor, no pending sign-in link. */
function isServiceAccount(row: UserRow): boolean {
  return row.password_hash === null && row.totp_enabled_at === null && row.setup_token_hash === null;
}

function requireSelfOrAdmin(principal: Principal, userId: string): void {
  if (principal.userId !== userId && !isAdmin(principal)) throw new ForbiddenError('you may manage only your own account');
}

function requireWritingCredential(principal: Principal): void {
  if (principal.readOnly) throw new ForbiddenError('a read-only token cannot change anything');
}

async function loadUser(db: Kysely<Database>, id: string): Promise<UserRow> {
  const row = await findUserById(db, id);
  if (!row) throw new NotFoundError('user');
  return row;
}

function newSetupLink(now: Date): { token: string; hash: string; link: SetupLink } {
  const token = newSecretToken();
  const expires = new Date(now.getTime() + SETUP_LINK_HOURS * 3600_000).toISOString();
  return { token, hash: hashToken(token), link: { path: `/setup/${token}`, expires_at: expires } };
}

/**
 * Adds a user. With a password they can sign in at once (and set up two-factor sign-in then);
 * without one they get a one-time link to set their password, of which only the hash is kept.
 */
export async function createUser(
  ctx: ServiceContext,
  principal: Principal,
  input: { email: string; role: string; display_name?: string | null | undefined; password?: string | undefined },
): Promise<{ user: User; setupLink: SetupLink | null }> {
  requireAdmin(principal);
  requireWritingCredential(principal);
  if (!isRole(input.role)) throw new InvalidInputError(`unknown role "${input.role}" (admin, coordinator, researcher, viewer)`, { role: 'is not a role' });
  const email = normaliseEmail(input.email);
  if (!/^[^\s@]+@[^\s@]+$/.test(email) || email.length > 254) throw new InvalidInputError('not an email address', { email: 'is not an email address' });
  if (SERVICE_EMAIL.test(email)) throw new InvalidInputError('this address is kept for service users', { email: 'is kept for service users' });
  if (input.password !== undefined) {
    const problem = passwordProblem(input.password);
    if (problem) throw new InvalidInputError(problem, { password: problem });
  }
  if (await findUserByEmail(ctx.db, email)) throw new UnprocessableError('a user with this email exists', { email: 'is already in use' });
  const now = ctx.clock.now();
  const at = now.toISOString();
  const setup = input.password === undefined ? newSetupLink(now) : null;
  const row = newUserRow({
    id: newId(),
    email,
    display_name: input.display_name ?? null,
    role: input.role,
    created_at: at,
    password_hash: input.password === undefined ? null : await hashPassword(input.password),
    setup_token_hash: setup?.hash ?? null,
    setup_expires_at: setup?.link.expires_at ?? null,
  });
  await ctx.db.transaction().execute(async (trx) => {
    await insertUser(trx, row);
    await ctx.audit.appendIn(trx, { actor: principal.actor, action: 'user.created', entity: 'user', entity_id: row.id, detail: { role: row.role, setup_link: setup !== null } });
  });
  return { user: userOf(row), setupLink: setup?.link ?? null };
}

/** `vigil user add`: the operator at the server adds a user. */
export async function addUserAtServer(ctx: ServiceContext, input: { email: string; role: string; display_name?: string; password?: string }) {
  return createUser(ctx, systemPrincipal('cli'), input);
}

export async function listUsers(ctx: ServiceContext, principal: Principal, options: { limit: number; cursor?: string | undefined }) {
  requireAdmin(principal);
  const rows = await listUserRows(ctx.db, { afterId: decodeCursor(options.cursor), limit: options.limit + 1 });
  const items = rows.slice(0, options.limit).map(userOf);
  return { items, next_cursor: rows.length > options.limit ? encodeCursor(items.at(-1)!.id) : null };
}

export async function getUser(ctx: ServiceContext, principal: Principal, id: string): Promise<User> {
  requireSelfOrAdmin(principal, id);
  return userOf(await loadUser(ctx.db, id));
}

/**
 * Changes a user: an administrator may change the role, disable or enable, and rename; anyone may
 * rename themselves. No change may leave the deployment without an administrator who can act.
 */
export async function updateUser(
  ctx: ServiceContext,
  principal: Principal,
  id: string,
  input: { role?: string | undefined; disabled?: boolean | undefined; display_name?: string | null | undefined },
  expectedVersion: number,
): Promise<User> {
  requireWritingCredential(principal);
  if ((input.role !== undefined || input.disabled !== undefined) && !isAdmin(principal)) {
    throw new ForbiddenError('only an administrator may change a role or disable an account');
  }
  requireSelfOrAdmin(principal, id);
  if (input.role !== undefined && !isRole(input.role)) throw new InvalidInputError(`unknown role "${input.role}"`, { role: 'is not a role' });
  const at = ctx.clock.now().toISOString();
  return ctx.db.transaction().execute(async (trx) => {
    const admins = await lockActiveAdmins(trx, ctx.dialect);
    const row = await loadUser(trx, id);
    assertCurrentVersion(row.version, expectedVersion);
    const change: UserChange = {};
    if (input.role !== undefined && input.role !== row.role) change.role = input.role;
    if (input.disabled !== undefined && input.disabled !== (row.disabled_at !== null)) change.disabled_at = input.disabled ? at : null;
    if (input.display_name !== undefined && input.display_name !== row.display_name) change.display_name = input.display_name;
    if (Object.keys(change).length === 0) return userOf(row);
    const after = { ...row, ...change };
    const stillAdmin = after.role === 'admin' && after.disabled_at === null;
    if (admins.includes(id) && !stillAdmin && admins.length === 1) {
      throw new UnprocessableError('this is the last administrator who can act: make someone else an administrator first');
    }
    const changed = await updateUserIf(trx, id, { version: row.version }, { ...change, version: row.version + 1, updated_at: at });
    if (!changed) assertCurrentVersion(row.version + 1, expectedVersion);
    await ctx.audit.appendIn(trx, {
      actor: principal.actor,
      action: 'user.updated',
      entity: 'user',
      entity_id: id,
      detail: {
        ...(change.role !== undefined ? { role_from: row.role, role_to: change.role } : {}),
        ...(change.disabled_at !== undefined ? { disabled: change.disabled_at !== null } : {}),
        ...(change.display_name !== undefined ? { display_name_changed: true } : {}),
      },
    });
    return userOf({ ...after, version: row.version + 1, updated_at: at });
  });
}

/**
 * Starts a user's sign-in over (a lost phone, lost recovery codes): password, second factor and
 * sessions are cleared and a new one-time link is made.
 */
export async function resetUserSignIn(ctx: ServiceContext, principal: Principal, id: string): Promise<SetupLink> {
  requireAdmin(principal);
  requireWritingCredential(principal);
  const now = ctx.clock.now();
  const setup = newSetupLink(now);
  await ctx.db.transaction().execute(async (trx) => {
    const row = await loadUser(trx, id);
    await updateUserIf(trx, id, {}, {
      password_hash: null,
      totp_secret: null,
      totp_enabled_at: null,
      recovery_codes: null,
      failed_logins: 0,
      locked_until: null,
      setup_token_hash: setup.hash,
      setup_expires_at: setup.link.expires_at,
      updated_at: now.toISOString(),
    });
    const ended = await revokeTokensOfUser(trx, row.id, ['session', 'enrolment'], now.toISOString());
    await ctx.audit.appendIn(trx, { actor: principal.actor, action: 'user.reset', entity: 'user', entity_id: id, detail: { sessions_ended: ended } });
  });
  return setup.link;
}

/** The user a one-time link belongs to, while it is valid; null otherwise. */
export async function findSetupUser(ctx: ServiceContext, token: string): Promise<User | null> {
  if (!/^vgl_[A-Za-z0-9_-]{43}$/.test(token)) return null;
  const row = await findUserBySetupHash(ctx.db, hashToken(token));
  if (!row || row.disabled_at !== null || !row.setup_expires_at || row.setup_expires_at <= ctx.clock.now().toISOString()) return null;
  return userOf(row);
}

/** Sets the password through a one-time link, which is then used up. */
export async function setPasswordWithLink(ctx: ServiceContext, token: string, password: string): Promise<User | null> {
  const user = await findSetupUser(ctx, token);
  if (!user) return null;
  const problem = passwordProblem(password);
  if (problem) throw new InvalidInputError(problem, { password: problem });
  const passwordHash = await hashPassword(password);
  const at = ctx.clock.now().toISOString();
  const done = await ctx.db.transaction().execute(async (trx) => {
    const changed = await updateUserIf(trx, user.id, { setup_token_hash: hashToken(token) }, {
      password_hash: passwordHash,
      setup_token_hash: null,
      setup_expires_at: null,
      failed_logins: 0,
      locked_until: null,
      updated_at: at,
    });
    if (changed) await ctx.audit.appendIn(trx, { actor: `user:${user.id}`, action: 'password.set', entity: 'user', entity_id: user.id, detail: { via: 'setup_link' } });
    return changed;
  });
  return done ? { ...user, has_password: true } : null;
}

/** Changes one's own password, given the current one; every other web session of the user ends. */
export async function changePassword(ctx: ServiceContext, principal: Principal, current: string, next: string): Promise<void> {
  requireWritingCredential(principal);
  const row = await loadUser(ctx.db, principal.userId);
  if (!(await verifyPassword(current, row.password_hash))) throw new InvalidInputError('the current password is not right', { current_password: 'is not right' });
  const problem = passwordProblem(next);
  if (problem) throw new InvalidInputError(problem, { new_password: problem });
  const passwordHash = await hashPassword(next);
  const at = ctx.clock.now().toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    await updateUserIf(trx, row.id, {}, { password_hash: passwordHash, updated_at: at });
    const ended = await revokeTokensOfUser(trx, row.id, ['session', 'enrolment'], at, principal.tokenId);
    await ctx.audit.appendIn(trx, { actor: principal.actor, action: 'password.changed', entity: 'user', entity_id: row.id, detail: { sessions_ended: ended } });
  });
}

/** ISO 8601 durations of weeks, days, hours, minutes and seconds (`P90D`, `PT12H`); months and years vary in length. */
export function durationMs(text: string): number | null {
  const match = /^P(?:(\d{1,6})W)?(?:(\d{1,6})D)?(?:T(?:(\d{1,6})H)?(?:(\d{1,6})M)?(?:(\d{1,8})S)?)?$/.exec(text);
  if (!match || text === 'P' || text.endsWith('T')) return null;
  const [, w = '0', d = '0', h = '0', m = '0', s = '0'] = match;
  return (((Number(w) * 7 + Number(d)) * 24 + Number(h)) * 60 + Number(m)) * 60_000 + Number(s) * 1000;
}

/** The longest an API token may be made to last: a year. */
const LONGEST_TOKEN_MS = 366 * 24 * 3600_000;

/**
 * A new API token of a user, shown once. A user makes their own; an administrator may make one
 * for anyone (audited like every token). A read-only token can make none, so it cannot make
 * itself a writing one.
 */
export async function createUserToken(
  ctx: ServiceContext,
  principal: Principal,
  userId: string,
  input: { name: string; read_only?: boolean | undefined; expires_in?: string | undefined },
): Promise<{ token: string; info: UserToken }> {
  requireWritingCredential(principal);
  requireSelfOrAdmin(principal, userId);
  let expiresAt: Date | null = null;
  if (input.expires_in !== undefined) {
    const ms = durationMs(input.expires_in);
    if (ms === null || ms <= 0 || ms > LONGEST_TOKEN_MS) {
      throw new InvalidInputError('expires_in takes an ISO 8601 duration from PT1S to P366D, e.g. P90D or PT12H', { expires_in: 'is not a duration up to P366D' });
    }
    expiresAt = new Date(ctx.clock.now().getTime() + ms);
  }
  return ctx.db.transaction().execute(async (trx) => {
    const row = await loadUser(trx, userId);
    // A token for another person would let an admin act, unseen, as a member of that person's
    // cases (bypassing break-glass): admins make tokens for service accounts only (the operator
    // at the server, who holds the deployment key, is not bound by this).
    if (principal.userId !== userId && !principal.system && !isServiceAccount(row)) {
      throw new ForbiddenError('an admin makes tokens only for service accounts; people make their own');
    }
    const role = isRole(row.role) ? row.role : 'viewer';
    const issued = await issueToken(trx, ctx.clock, { userId, role, kind: 'api', name: input.name, readOnly: input.read_only ?? false, expiresAt });
    await ctx.audit.appendIn(trx, {
      actor: principal.actor,
      action: 'token.created',
      entity: 'api_token',
      entity_id: issued.id,
      detail: { user_id: userId, read_only: input.read_only ?? false, for_another_user: principal.userId !== userId },
    });
    return { token: issued.token, info: tokenOf(issued.row) };
  });
}

/** A user's live API tokens and web sessions. */
export async function listUserTokens(ctx: ServiceContext, principal: Principal, userId: string): Promise<UserToken[]> {
  requireSelfOrAdmin(principal, userId);
  await loadUser(ctx.db, userId);
  const rows = await listLiveTokensOfUser(ctx.db, userId, ['api', 'session'], ctx.clock.now().toISOString());
  return rows.map(tokenOf);
}

/** Ends one of a user's tokens or sessions at once. */
export async function revokeUserToken(ctx: ServiceContext, principal: Principal, userId: string, tokenId: string): Promise<UserToken> {
  requireWritingCredential(principal);
  requireSelfOrAdmin(principal, userId);
  const at = ctx.clock.now().toISOString();
  return ctx.db.transaction().execute(async (trx) => {
    const row = await findTokenOfUser(trx, userId, tokenId);
    if (!row || (row.kind !== 'api' && row.kind !== 'session')) throw new NotFoundError('token');
    if (row.revoked_at !== null) return tokenOf(row);
    await revokeTokenById(trx, row.id, at);
    await ctx.audit.appendIn(trx, {
      actor: principal.actor,
      action: row.kind === 'session' ? 'session.revoked' : 'token.revoked',
      entity: 'api_token',
      entity_id: row.id,
      detail: { user_id: userId },
    });
    return tokenOf({ ...row, revoked_at: at });
  });
}

/** `vigil token create --email`: a token for an existing user, whose role it must name. */
export async function createTokenForEmail(
  ctx: ServiceContext,
  input: { email: string; role: Role; name?: string | undefined; read_only?: boolean; expires_in?: string | undefined },
): Promise<string> {
  const row = await findUserByEmail(ctx.db, normaliseEmail(input.email));
  if (!row) throw new NotFoundError(`user ${input.email}`);
  if (row.role !== input.role) throw new InvalidInputError(`${row.email} has the role ${row.role}, not ${input.role}`);
  const created = await createUserToken(ctx, systemPrincipal('cli'), row.id, { name: input.name ?? 'token', read_only: input.read_only, expires_in: input.expires_in });
  return created.token;
}

/**
 * The demo's case worker (only with `--demo`): signs in with one click, without a password or a
 * second factor. The demo loader makes it a member of the demo cases.
 */
export async function ensureDemoUser(ctx: ServiceContext): Promise<{ id: string }> {
  const existing = await findUserByEmail(ctx.db, DEMO_EMAIL);
  if (existing) return { id: existing.id };
  const at = ctx.clock.now().toISOString();
  const id = newId();
  try {
    await ctx.db.transaction().execute(async (trx) => {
      await insertUser(trx, newUserRow({ id, email: DEMO_EMAIL, display_name: 'Demo case worker', role: 'coordinator', created_at: at }));
      await ctx.audit.appendIn(trx, { actor: 'system:demo', action: 'user.created', entity: 'user', entity_id: id, detail: { role: 'coordinator', demo: true } });
    });
  } catch (error) {
    // Two processes starting with --demo at once: the other one made it.
    const made = await findUserByEmail(ctx.db, DEMO_EMAIL);
    if (!made) throw error;
    return { id: made.id };
  }
  return { id };
}
