import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Command } from 'commander';
import { createApp } from '../src/app.ts';
import { readConfig } from '../src/config.ts';
import { issueToken } from '../src/auth/tokens.service.ts';
import { ManualClock } from '../src/lib/clock.ts';
import { registerTokenCommands } from '../src/users/users.cli.ts';
import { systemPrincipal } from '../src/auth/roles.ts';
import { createUserToken, durationMs } from '../src/users/users.service.ts';
import { BACKEND, createProcessStore, personInput, startTestApp, type TestApp } from './helpers/test-app.ts';

const SECRET_KEYS = ['password_hash', 'totp_secret', 'recovery_codes', 'setup_token_hash', 'token_hash'];

async function auditEntries(t: TestApp, action: string) {
  const rows = await t.app.ctx.db.selectFrom('audit_entries').selectAll().where('action', '=', action).orderBy('seq').execute();
  return rows.map((row) => ({ ...row, detail: row.detail ? (JSON.parse(row.detail) as Record<string, unknown>) : null }));
}

describe(`users and API tokens (${BACKEND})`, () => {
  let t: TestApp;
  const clock = new ManualClock('2026-03-01T09:00:00Z');
  const admin = () => ({ token: t.tokens.admin });

  before(async () => {
    t = await startTestApp({ clock });
  });
  after(async () => {
    await t?.stop();
  });

  async function addUser(role: string, email = `${role}-${Math.random().toString(36).slice(2)}@ngo.example`) {
    const res = await t.api('POST', '/api/v1/users', { ...admin(), body: { email, role, display_name: `A ${role}` } });
    assert.equal(res.status, 201, res.text);
    return res.body;
  }

  /** A token for a user: made by that user (given their token), else by the operator at the server. */
  async function tokenFor(userId: string, body: Record<string, unknown> = { name: 'script' }, token?: string) {
    if (token) {
      const res = await t.api('POST', `/api/v1/users/${userId}/tokens`, { token, body });
      assert.equal(res.status, 201, res.text);
      return res.body as { id: string; token: string; read_only: boolean };
    }
    const made = await createUserToken(t.app.ctx, systemPrincipal('test'), userId, body as { name: string });
    return { id: made.info.id, token: made.token, read_only: made.info.read_only };
  }

  it('lets an administrator add and list users, with a one-time link and nothing secret in the answer', async () => {
    const res = await t.api('POST', '/api/v1/users', { ...admin(), body: { email: 'Aigerim@NGO.example', role: 'coordinator', display_name: 'Aigerim' } });
    assert.equal(res.status, 201, res.text);
    assert.equal(res.body.email, 'aigerim@ngo.example');
    assert.equal(res.body.role, 'coordinator');
    assert.equal(res.body.two_factor, false);
    assert.equal(res.body.has_password, false);
    assert.match(res.body.setup_link.path, /^\/setup\/vgl_[A-Za-z0-9_-]{43}$/);
    assert.equal(res.body.setup_link.expires_at, new Date(clock.now().getTime() + 72 * 3600_000).toISOString());
    for (const key of SECRET_KEYS) assert.ok(!(key in res.body), key);

    const list = await t.api('GET', '/api/v1/users?limit=200', admin());
    assert.equal(list.status, 200);
    const listed = list.body.items.find((u: { id: string }) => u.id === res.body.id);
    assert.equal(listed.email, 'aigerim@ngo.example');
    assert.ok(!('setup_link' in listed));
    for (const item of list.body.items) for (const key of SECRET_KEYS) assert.ok(!(key in item), key);
    // Only the link's hash is stored.
    const row = await t.app.ctx.db.selectFrom('users').selectAll().where('id', '=', res.body.id).executeTakeFirstOrThrow();
    assert.ok(row.setup_token_hash && !res.body.setup_link.path.includes(row.setup_token_hash));
    const [created] = (await auditEntries(t, 'user.created')).filter((e) => e.entity_id === res.body.id);
    assert.equal(created!.actor.startsWith('user:'), true);

    const again = await t.api('POST', '/api/v1/users', { ...admin(), body: { email: 'aigerim@ngo.example', role: 'viewer' } });
    assert.equal(again.status, 422);
    assert.equal(again.body.error.fields.email, 'is already in use');
  });

  it('refuses bad user input with a clear 400 and adds nothing', async () => {
    const before = (await t.api('GET', '/api/v1/users?limit=200', admin())).body.items.length;
    const cases: Array<[unknown, string]> = [
      [{ email: 'not-an-email', role: 'viewer' }, 'email'],
      [{ email: 'x@ngo.example', role: 'superuser' }, 'role'],
      [{ email: 'x@ngo.example', role: 'viewer', password_hash: 'scrypt$…' }, 'password_hash'],
      [{ email: 'x@ngo.example', role: 'viewer', totp_secret: 'JBSWY3DP' }, 'totp_secret'],
      [{ role: 'viewer' }, 'email'],
      [{ email: 'x@ngo.example', role: 'viewer', display_name: 'a\u0000b' }, 'display_name'],
    ];
    for (const [body, field] of cases) {
      const res = await t.api('POST', '/api/v1/users', { ...admin(), body });
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.ok(field in res.body.error.fields, `${field} in ${res.text}`);
    }
    assert.equal((await t.api('POST', '/api/v1/users', { ...admin(), raw: '{"email":' })).status, 400);
    assert.equal((await t.api('GET', '/api/v1/users?limit=200', admin())).body.items.length, before);
  });

  it('keeps user management to administrators: 401 without a token, 403 for other roles', async () => {
    assert.equal((await t.api('GET', '/api/v1/users', { token: null })).status, 401);
    assert.equal((await t.api('POST', '/api/v1/users', { token: null, body: { email: 'y@ngo.example', role: 'admin' } })).status, 401);
    for (const role of ['coordinator', 'researcher', 'viewer'] as const) {
      assert.equal((await t.api('GET', '/api/v1/users', { token: t.tokens[role] })).status, 403, role);
      const res = await t.api('POST', '/api/v1/users', { token: t.tokens[role], body: { email: `${role}-made@ngo.example`, role: 'admin' } });
      assert.equal(res.status, 403, role);
    }
    const me = await t.api('GET', '/api/v1/users/me', { token: t.tokens.viewer });
    assert.equal(me.status, 200);
    assert.equal(me.body.role, 'viewer');
    const other = await t.api('GET', `/api/v1/users/${me.body.id}`, { token: t.tokens.researcher });
    assert.equal(other.status, 403);
  });

  it('refuses privilege escalation through PATCH: a role change by a non-admin, or unknown fields', async () => {
    const me = (await t.api('GET', '/api/v1/users/me', { token: t.tokens.researcher })).body;
    const raise = await t.api('PATCH', `/api/v1/users/${me.id}`, { token: t.tokens.researcher, body: { role: 'admin', version: me.version } });
    assert.equal(raise.status, 403);
    const enable = await t.api('PATCH', `/api/v1/users/${me.id}`, { token: t.tokens.researcher, body: { disabled: false, version: me.version } });
    assert.equal(enable.status, 403);
    for (const body of [{ is_admin: true, version: me.version }, { roles: ['admin'], version: me.version }, { role: 'root', version: me.version }, { password_hash: 'x', version: me.version }]) {
      const res = await t.api('PATCH', `/api/v1/users/${me.id}`, { token: t.tokens.researcher, body });
      assert.equal(res.status, 400, JSON.stringify(body));
    }
    const viewer = (await t.api('GET', '/api/v1/users/me', { token: t.tokens.viewer })).body;
    assert.equal((await t.api('PATCH', `/api/v1/users/${viewer.id}`, { token: t.tokens.researcher, body: { display_name: 'x', version: viewer.version } })).status, 403);
    const after = (await t.api('GET', '/api/v1/users/me', { token: t.tokens.researcher })).body;
    assert.equal(after.role, 'researcher');
    assert.equal(after.version, me.version);
    // Renaming oneself is allowed.
    const renamed = await t.api('PATCH', `/api/v1/users/${me.id}`, { token: t.tokens.researcher, body: { display_name: 'Serik', version: me.version } });
    assert.equal(renamed.status, 200, renamed.text);
    assert.equal(renamed.body.display_name, 'Serik');
  });

  it('lets an administrator change a role or disable a user, with versions; it takes effect at the next request', async () => {
    const user = await addUser('researcher');
    const { token } = await tokenFor(user.id);
    assert.equal((await t.api('POST', '/api/v1/persons', { token, body: personInput() })).status, 201);

    assert.equal((await t.api('PATCH', `/api/v1/users/${user.id}`, { ...admin(), body: { role: 'viewer' } })).status, 400, 'a version is required');
    const stale = await t.api('PATCH', `/api/v1/users/${user.id}`, { ...admin(), body: { role: 'viewer', version: user.version + 5 } });
    assert.equal(stale.status, 409);
    const demoted = await t.api('PATCH', `/api/v1/users/${user.id}`, { ...admin(), body: { role: 'viewer' }, headers: { 'if-match': `"${user.version}"` } });
    assert.equal(demoted.status, 200, demoted.text);
    assert.equal(demoted.body.role, 'viewer');
    assert.equal(demoted.body.version, user.version + 1);
    assert.equal(demoted.headers.get('etag'), `"${user.version + 1}"`);
    assert.equal((await t.api('POST', '/api/v1/persons', { token, body: personInput() })).status, 403, 'now a viewer');

    const disabled = await t.api('PATCH', `/api/v1/users/${user.id}`, { ...admin(), body: { disabled: true, version: demoted.body.version } });
    assert.equal(disabled.status, 200);
    assert.equal(disabled.body.disabled, true);
    assert.equal((await t.api('GET', '/api/v1/persons', { token })).status, 401, 'a disabled user’s token stops working');
    const enabled = await t.api('PATCH', `/api/v1/users/${user.id}`, { ...admin(), body: { disabled: false, version: disabled.body.version } });
    assert.equal(enabled.body.disabled, false);
    assert.equal((await t.api('GET', '/api/v1/persons', { token })).status, 200);

    const updates = (await auditEntries(t, 'user.updated')).filter((e) => e.entity_id === user.id);
    assert.deepEqual(
      updates.map((e) => e.detail),
      [{ role_from: 'researcher', role_to: 'viewer' }, { disabled: true }, { disabled: false }],
    );
  });

  it('never leaves the deployment without an administrator who can act', async () => {
    const me = (await t.api('GET', '/api/v1/users/me', admin())).body;
    const admins = (await t.api('GET', '/api/v1/users?limit=200', admin())).body.items.filter((u: { role: string; disabled: boolean }) => u.role === 'admin' && !u.disabled);
    assert.equal(admins.length, 1, 'the test admin is the only one');
    const demote = await t.api('PATCH', `/api/v1/users/${me.id}`, { ...admin(), body: { role: 'coordinator', version: me.version } });
    assert.equal(demote.status, 422);
    assert.match(demote.body.error.message, /last administrator/);
    const disable = await t.api('PATCH', `/api/v1/users/${me.id}`, { ...admin(), body: { disabled: true, version: me.version } });
    assert.equal(disable.status, 422);
    // With a second administrator, the other one may go.
    const second = await addUser('admin');
    const demoted = await t.api('PATCH', `/api/v1/users/${second.id}`, { ...admin(), body: { role: 'viewer', version: second.version } });
    assert.equal(demoted.status, 200);
    assert.equal((await t.api('GET', '/api/v1/users/me', admin())).body.role, 'admin');
  });

  it('makes tokens that belong to a user and act as that user only', async () => {
    const aigul = await addUser('researcher');
    const berik = await addUser('researcher');
    const made = await tokenFor(aigul.id, { name: 'Aigul’s laptop' });
    assert.match(made.token, /^vgl_[A-Za-z0-9_-]{43}$/);
    for (const key of SECRET_KEYS) assert.ok(!(key in made), key);

    const me = await t.api('GET', '/api/v1/users/me', { token: made.token });
    assert.equal(me.body.id, aigul.id);
    const person = await t.api('POST', '/api/v1/persons', { token: made.token, body: personInput() });
    assert.equal(person.status, 201);
    const history = await t.api('GET', `/api/v1/persons/${person.body.id}/history`, { token: made.token });
    assert.equal(history.body.items[0].actor, `user:${aigul.id}`);

    // Aigul's token cannot act for Berik.
    assert.equal((await t.api('POST', `/api/v1/users/${berik.id}/tokens`, { token: made.token, body: { name: 'mine now' } })).status, 403);
    assert.equal((await t.api('GET', `/api/v1/users/${berik.id}/tokens`, { token: made.token })).status, 403);
    const berikToken = await tokenFor(berik.id);
    assert.equal((await t.api('POST', `/api/v1/users/${berik.id}/tokens/${berikToken.id}/revoke`, { token: made.token })).status, 403);
    assert.equal((await t.api('POST', `/api/v1/users/${aigul.id}/tokens/${berikToken.id}/revoke`, { token: made.token })).status, 404, 'not one of hers');
    assert.equal((await t.api('GET', '/api/v1/users/me', { token: berikToken.token })).status, 200, 'still in force');

    // She makes her own; the list shows names, never tokens.
    const own = await tokenFor(aigul.id, { name: 'backup script' }, made.token);
    const list = await t.api('GET', `/api/v1/users/${aigul.id}/tokens`, { token: made.token });
    assert.equal(list.status, 200);
    assert.deepEqual(list.body.items.map((i: { name: string }) => i.name).sort(), ['Aigul’s laptop', 'backup script']);
    assert.ok(!list.text.includes(own.token) && !list.text.includes(made.token));
    for (const item of list.body.items) assert.ok(!('token' in item) && !('token_hash' in item));

    // An admin cannot mint a token for a person: it would act, unseen, in that person's cases.
    const minted = await t.api('POST', `/api/v1/users/${berik.id}/tokens`, { ...admin(), body: { name: 'as berik' } });
    assert.equal(minted.status, 403, minted.text);
    const created = (await auditEntries(t, 'token.created')).filter((e) => e.detail?.user_id === aigul.id);
    assert.deepEqual(
      created.map((e) => [e.actor, e.entity_id, e.detail?.for_another_user]),
      [
        ['system:test', made.id, true],
        [`user:${aigul.id}`, own.id, false],
      ],
    );
  });

  it('lets a read-only token read but never write, nor make itself a writing token', async () => {
    const user = await addUser('coordinator');
    const ro = await tokenFor(user.id, { name: 'dashboard', read_only: true });
    assert.equal(ro.read_only, true);
    assert.equal((await t.api('GET', '/api/v1/persons', { token: ro.token })).status, 200);
    const write = await t.api('POST', '/api/v1/persons', { token: ro.token, body: personInput() });
    assert.equal(write.status, 403);
    assert.match(write.body.error.message, /read-only/);
    assert.equal((await t.api('POST', `/api/v1/users/${user.id}/tokens`, { token: ro.token, body: { name: 'escalate' } })).status, 403);
    assert.equal((await t.api('PATCH', `/api/v1/users/${user.id}`, { token: ro.token, body: { display_name: 'x', version: 1 } })).status, 403);
    assert.equal((await t.api('POST', `/api/v1/users/${user.id}/tokens/${ro.id}/revoke`, { token: ro.token })).status, 403);
  });

  it('answers 401 to revoked, expired, forged and session tokens', async () => {
    const user = await addUser('researcher');
    const revokable = await tokenFor(user.id);
    assert.equal((await t.api('GET', '/api/v1/persons', { token: revokable.token })).status, 200);
    const revoked = await t.api('POST', `/api/v1/users/${user.id}/tokens/${revokable.id}/revoke`, admin());
    assert.equal(revoked.status, 200);
    assert.equal(revoked.body.revoked, true);
    assert.equal((await t.api('GET', '/api/v1/persons', { token: revokable.token })).status, 401);
    assert.equal((await auditEntries(t, 'token.revoked')).filter((e) => e.entity_id === revokable.id).length, 1);

    const short = await tokenFor(user.id, { name: 'one minute', expires_in: 'PT1M' });
    assert.equal((await t.api('GET', '/api/v1/persons', { token: short.token })).status, 200);
    clock.advance(61_000);
    assert.equal((await t.api('GET', '/api/v1/persons', { token: short.token })).status, 401);

    for (const expires_in of ['P1Y', 'soon', 'PT0S', 'P400D', '-PT1H', 'PT']) {
      assert.equal((await t.api('POST', `/api/v1/users/${user.id}/tokens`, { ...admin(), body: { name: 'x', expires_in } })).status, 400, expires_in);
    }
    const forged = `vgl_${Buffer.alloc(32, 7).toString('base64url')}`;
    assert.equal((await t.api('GET', '/api/v1/persons', { token: forged })).status, 401);
    // A web session's token is not an API token.
    const session = await issueToken(t.app.ctx.db, clock, { userId: user.id, role: 'researcher', kind: 'session', name: 'web', expiresAt: new Date(clock.now().getTime() + 3600_000) });
    assert.equal((await t.api('GET', '/api/v1/persons', { token: session.token })).status, 401);

    const rejected = await auditEntries(t, 'token.rejected');
    const reasons = rejected.map((e) => e.detail?.reason);
    for (const reason of ['revoked', 'expired', 'unknown', 'wrong_kind']) assert.ok(reasons.includes(reason), `${reason} in ${reasons.join()}`);
    const forgedEntry = rejected.find((e) => e.detail?.reason === 'unknown')!;
    assert.equal(forgedEntry.actor, 'anonymous');
    assert.equal(forgedEntry.detail?.route, '/api/v1/persons');
  });

  it('audits every bearer-token request before it runs, with the route and the token id, never the token or body', async () => {
    const user = await addUser('researcher');
    const made = await tokenFor(user.id);
    const before = (await auditEntries(t, 'token.use')).length;
    const person = await t.api('POST', '/api/v1/persons', { token: made.token, body: personInput({ occupation: 'SECRET-OCCUPATION-MARKER' }) });
    await t.api('GET', `/api/v1/persons/${person.body.id}`, { token: made.token });
    const uses = (await auditEntries(t, 'token.use')).slice(before);
    assert.deepEqual(
      uses.map((e) => [e.actor, e.entity_id, e.detail?.method, e.detail?.route, e.detail?.token_id]),
      [
        [`user:${user.id}`, made.id, 'POST', '/api/v1/persons', made.id],
        [`user:${user.id}`, made.id, 'GET', '/api/v1/persons/:id', made.id],
      ],
    );
    const all = await t.app.ctx.db.selectFrom('audit_entries').select(['detail', 'actor', 'entity_id']).execute();
    const text = JSON.stringify(all);
    assert.ok(!text.includes(made.token) && !text.includes(made.token.slice(4)), 'no token in the audit log');
    assert.ok(!text.includes('SECRET-OCCUPATION-MARKER'), 'no request body in the audit log');
    // last_used_at is written, at most once a minute.
    const row = await t.app.ctx.db.selectFrom('api_tokens').select('last_used_at').where('id', '=', made.id).executeTakeFirstOrThrow();
    assert.equal(row.last_used_at, null, 'used within its first minute');
    clock.advance(60_000);
    await t.api('GET', '/api/v1/persons', { token: made.token });
    const touched = await t.app.ctx.db.selectFrom('api_tokens').select('last_used_at').where('id', '=', made.id).executeTakeFirstOrThrow();
    assert.equal(touched.last_used_at, clock.now().toISOString());
  });

  it('reads ISO 8601 durations of weeks, days and times', () => {
    const table: Array<[string, number | null]> = [
      ['PT90S', 90_000],
      ['PT12H', 12 * 3600_000],
      ['P90D', 90 * 86_400_000],
      ['P1W', 7 * 86_400_000],
      ['P1DT1H1M1S', 86_400_000 + 3600_000 + 60_000 + 1000],
      ['P', null],
      ['PT', null],
      ['P1Y', null],
      ['P1M', null],
      ['1D', null],
      ['pt1h', null],
    ];
    for (const [text, ms] of table) assert.equal(durationMs(text), ms, text);
  });
});

describe(`bearer-token failures per address (${BACKEND})`, () => {
  it('answers 429 with Retry-After once an address has sent too many bad tokens, and lets it try again later', async () => {
    const clock = new ManualClock('2026-03-01T09:00:00Z');
    const t = await startTestApp({ clock });
    try {
      for (let i = 0; i < 100; i++) assert.equal((await t.api('GET', '/api/v1/persons', { token: `vgl_bad${i}` })).status, 401);
      const limited = await t.api('GET', '/api/v1/persons', { token: 'vgl_bad-again' });
      assert.equal(limited.status, 429);
      assert.equal(limited.body.error.code, 'too_many_attempts');
      const wait = Number(limited.headers.get('retry-after'));
      assert.ok(wait > 0 && wait <= 600, String(wait));
      assert.equal((await t.api('GET', '/api/v1/persons', { token: t.tokens.viewer })).status, 429, 'the address waits, whatever it sends');
      assert.equal((await t.api('GET', '/healthz', { token: null })).status, 200, 'requests without a token are not held up');
      clock.advance(wait * 1000);
      assert.equal((await t.api('GET', '/api/v1/persons', { token: t.tokens.viewer })).status, 200);
    } finally {
      await t.stop();
    }
  });
});

describe(`vigil user add and token create (${BACKEND})`, () => {
  const BIN = join(import.meta.dirname, '..', 'bin', 'vigil.js');
  let store: Awaited<ReturnType<typeof createProcessStore>>;
  before(async () => {
    store = await createProcessStore('users_cli');
  });
  after(async () => {
    await store?.drop();
  });
  const vigil = (args: string[], input?: string) => {
    const result = spawnSync(process.execPath, [BIN, ...args, ...store.storeArgs], { encoding: 'utf8', input, env: { ...process.env, VIGIL_DB: '', VIGIL_DATA: '' }, timeout: 60_000 });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  };

  it('adds a user with a one-time link, or with a password from standard input; refuses bad input in one line', async () => {
    const linked = vigil(['user', 'add', '--email', 'gulnar@ngo.example', '--role', 'coordinator']);
    assert.equal(linked.status, 0, linked.stderr);
    assert.match(linked.stdout, /^\/setup\/vgl_[A-Za-z0-9_-]{43}\n$/);
    const full = vigil(['user', 'add', '--email', 'erlan@ngo.example', '--role', 'viewer', '--base-url', 'http://vigil.example:8080']);
    assert.match(full.stdout, /^http:\/\/vigil\.example:8080\/setup\/vgl_/);
    const withPassword = vigil(['user', 'add', '--email', 'dana@ngo.example', '--role', 'researcher', '--password-stdin'], 'a long enough passphrase\n');
    assert.equal(withPassword.status, 0, withPassword.stderr);
    assert.match(withPassword.stdout, /^[0-9a-f-]{36}\n$/);

    const bad: Array<[string[], string | undefined, RegExp]> = [
      [['user', 'add', '--email', 'x@ngo.example', '--role', 'root'], undefined, /unknown role "root"/],
      [['user', 'add', '--email', 'gulnar@ngo.example', '--role', 'viewer'], undefined, /a user with this email exists/],
      [['user', 'add', '--email', 'y@ngo.example', '--role', 'viewer', '--password-stdin'], 'short\n', /at least 12 characters/],
      [['user', 'reset', '--email', 'nobody@ngo.example'], undefined, /no user has the email/],
    ];
    for (const [args, input, message] of bad) {
      const res = vigil(args, input);
      assert.notEqual(res.status, 0, args.join(' '));
      assert.match(res.stderr, message, args.join(' '));
      assert.equal(res.stderr.trim().split('\n').length, 1, res.stderr);
    }

    // The link works once in the web UI; a reset makes a new one.
    const app = await createApp({ ...readConfig({ data: store.dataDir, db: store.dbUrl, port: 0 }, {}), logger: false });
    try {
      const url = await app.start();
      assert.equal((await fetch(url + linked.stdout.trim())).status, 200);
      assert.equal((await fetch(`${url}/setup/vgl_${'A'.repeat(43)}`)).status, 404);
      const reset = vigil(['user', 'reset', '--email', 'Gulnar@ngo.example']);
      assert.equal(reset.status, 0, reset.stderr);
      assert.equal((await fetch(url + linked.stdout.trim())).status, 404, 'the old link is void');
      assert.equal((await fetch(url + reset.stdout.trim())).status, 200);
    } finally {
      await app.stop();
    }
  });

  it('makes a token for an existing user with `token create --email`, read-only when asked, audited', async () => {
    const lines: string[] = [];
    const run = async (args: string[]) => {
      // In-process: src/cli/main.ts still registers the older `token create` of its own.
      const program = new Command('vigil').exitOverride();
      registerTokenCommands(program, (line) => lines.push(line));
      await program.parseAsync([...args, ...store.storeArgs], { from: 'user' });
    };
    await run(['token', 'create', '--role', 'researcher', '--email', 'Dana@ngo.example', '--read-only', '--name', 'dashboard']);
    const token = lines.pop()!;
    assert.match(token, /^vgl_[A-Za-z0-9_-]{43}$/);
    await assert.rejects(run(['token', 'create', '--role', 'admin', '--email', 'dana@ngo.example']), /has the role researcher, not admin/);
    await assert.rejects(run(['token', 'create', '--role', 'viewer', '--email', 'nobody@ngo.example']), /not found/);
    await assert.rejects(run(['token', 'create', '--role', 'viewer', '--expires-in', 'tomorrow']), /ISO 8601 duration/);
    await run(['token', 'create', '--role', 'viewer', '--name', 'nightly export', '--expires-in', 'P30D']);
    const serviceToken = lines.pop()!;

    const app = await createApp({ ...readConfig({ data: store.dataDir, db: store.dbUrl, port: 0 }, {}), logger: false });
    try {
      const url = await app.start();
      const call = (tokenText: string, method = 'GET', path = '/api/v1/users/me', body?: unknown) =>
        fetch(url + path, { method, headers: { authorization: `Bearer ${tokenText}`, 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
      const me = await (await call(token)).json();
      assert.equal(me.email, 'dana@ngo.example');
      assert.equal((await call(token, 'POST', '/api/v1/persons', personInput())).status, 403, 'read-only');
      const service = await (await call(serviceToken)).json();
      assert.equal(service.service, true);
      assert.equal(service.role, 'viewer');
      const rows = await app.ctx.db.selectFrom('api_tokens').select(['expires_at', 'read_only']).where('user_id', '=', service.id).execute();
      assert.equal(rows.length, 1);
      assert.ok(rows[0]!.expires_at! > new Date(Date.now() + 29 * 86_400_000).toISOString());
      const audited = await app.ctx.db.selectFrom('audit_entries').select(['actor', 'action']).where('action', '=', 'token.created').execute();
      assert.equal(audited.length, 2);
      assert.ok(audited.every((entry) => entry.actor === 'system:cli'));
    } finally {
      await app.stop();
    }
  });
});
