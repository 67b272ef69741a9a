import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyRequest } from 'fastify';
import { SESSION_IDLE_MINUTES } from '../src/auth/tokens.service.ts';
import { readConfig } from '../src/config.ts';
import { cookieHeader } from '../src/http/cookies.ts';
import { ManualClock } from '../src/lib/clock.ts';
import { csrfIn, enrolUser, signInForm, staleTotpCode, totpCode, type Account } from './helpers/accounts.ts';
import { BACKEND, personInput, startTestApp, type TestApp } from './helpers/test-app.ts';
import { cookieOf, prepareSessions, session, webClient } from './helpers/web-client.ts';

async function audit(t: TestApp, action: string, userId?: string) {
  let query = t.app.ctx.db.selectFrom('audit_entries').selectAll().where('action', '=', action);
  if (userId) query = query.where('entity_id', '=', userId);
  const rows = await query.orderBy('seq').execute();
  return rows.map((row) => ({ ...row, detail: row.detail ? (JSON.parse(row.detail) as Record<string, unknown>) : null }));
}

async function userRow(t: TestApp, id: string) {
  return t.app.ctx.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

describe(`web sign-in with password and TOTP (${BACKEND})`, () => {
  let t: TestApp;
  const clock = new ManualClock('2026-03-02T08:00:00Z');
  /** Every sign-in with a code moves to the next 30-second step, as a person typing a fresh code would. */
  const nextStep = () => clock.advance(30_000);

  before(async () => {
    t = await startTestApp({ clock });
  });
  after(async () => {
    await t?.stop();
  });

  it('enrols through the one-time link and the QR page, then signs in with password and code', async () => {
    const account = await enrolUser(t, () => clock.now());
    assert.match(account.session, /^vigil_session=vgl_/);
    const row = await userRow(t, account.id);
    assert.ok(row.totp_enabled_at);
    assert.ok(row.totp_secret!.startsWith('vs1.'), 'the TOTP secret is sealed');
    assert.ok(!row.totp_secret!.includes(account.secret));
    assert.equal(JSON.parse(row.recovery_codes!).length, 10);
    assert.ok(!row.recovery_codes!.includes(account.recoveryCodes[0]!.replace(/-/g, '')));
    assert.equal(row.setup_token_hash, null, 'the link is used up');
    assert.equal((await audit(t, 'totp.enrolled', account.id)).length, 1);

    const persons = await fetch(`${t.url}/persons`, { headers: { cookie: account.session }, redirect: 'manual' });
    assert.equal(persons.status, 200);

    nextStep();
    const signedIn = await signInForm(t, { email: account.email.toUpperCase(), password: account.password, totp: totpCode(account.secret, clock.now()), next: '/persons?risk=high' });
    assert.equal(signedIn.status, 303, signedIn.html);
    assert.equal(signedIn.location, '/persons?risk=high');
    const cookie = signedIn.headers.getSetCookie().find((c) => c.startsWith('vigil_session='))!;
    assert.match(cookie, /^vigil_session=vgl_[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict$/, 'no Secure over plain http');
    const ok = (await audit(t, 'login.ok', account.id)).map((e) => e.detail?.method);
    assert.deepEqual(ok, ['totp_enrolment', 'totp']);
  });

  it('shows the QR code as an image made by Vigil, and the key as text', async () => {
    const created = await t.api('POST', '/api/v1/users', { token: t.tokens.admin, body: { email: 'qr@ngo.example', role: 'viewer' } });
    const link = created.body.setup_link.path;
    const page = await fetch(t.url + link);
    const browser = cookieOf(page, 'vigil_csrf')!;
    const set = await fetch(t.url + link, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: browser, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ password: 'twelve chars ok', repeat: 'twelve chars ok', _csrf: csrfIn(await page.text()) }).toString(),
    });
    const enrolCookie = set.headers.getSetCookie().find((c) => c.startsWith('vigil_enrol='))!;
    assert.match(enrolCookie, /; Path=\/; HttpOnly; SameSite=Strict$/);
    const enrol = await fetch(`${t.url}/login/enrol`, { headers: { cookie: `${browser}; ${enrolCookie.split(';')[0]}` } });
    const html = await enrol.text();
    const img = /<img class="totp-qr" src="data:image\/svg\+xml;base64,([^"]+)"/.exec(html);
    assert.ok(img, 'a QR image inline');
    const svg = Buffer.from(img[1]!, 'base64').toString('utf8');
    assert.match(svg, /^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    assert.doesNotMatch(svg, /<script|href=/);
    assert.match(html, /<code class="totp-secret" dir="ltr" id="totp-secret">([A-Z2-7]{4} ){7}[A-Z2-7]{4}<\/code>/);
    // The same secret on a reload, until confirmed.
    const again = await (await fetch(`${t.url}/login/enrol`, { headers: { cookie: `${browser}; ${enrolCookie.split(';')[0]}` } })).text();
    assert.equal(/id="totp-secret">([^<]+)</.exec(again)![1], /id="totp-secret">([^<]+)</.exec(html)![1]);
    // A wrong code keeps the user on the page; no session.
    const wrong = await fetch(`${t.url}/login/enrol`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: `${browser}; ${enrolCookie.split(';')[0]}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ totp: '000000', _csrf: csrfIn(html) }).toString(),
    });
    assert.equal(wrong.status, 400);
    assert.equal(cookieOf(wrong, 'vigil_session'), null);
    assert.equal((await fetch(`${t.url}/login/enrol`)).status, 401, 'no enrolment without its cookie');
  });

  it('refuses a wrong password or code with one message, and asks for the code after a right password', async () => {
    const account = await enrolUser(t, () => clock.now());
    nextStep();
    const wrongPassword = await signInForm(t, { email: account.email, password: 'not the password at all', totp: totpCode(account.secret, clock.now()) });
    assert.equal(wrongPassword.status, 401);
    assert.match(wrongPassword.html, /The email, password or code is not right/);
    assert.equal(wrongPassword.headers.getSetCookie().some((c) => c.startsWith('vigil_session=')), false);
    const wrongCode = await signInForm(t, { email: account.email, password: account.password, totp: staleTotpCode(account.secret, clock.now()) });
    assert.equal(wrongCode.status, 401);
    assert.match(wrongCode.html, /The email, password or code is not right/);
    const noCode = await signInForm(t, { email: account.email, password: account.password });
    assert.equal(noCode.status, 401);
    assert.match(noCode.html, /Enter the six-digit code/);
    const unknown = await signInForm(t, { email: 'nobody@ngo.example', password: account.password, totp: '123456' });
    assert.equal(unknown.status, 401);
    assert.match(unknown.html, /The email, password or code is not right/);
    const empty = await signInForm(t, { email: '', password: '' });
    assert.equal(empty.status, 400);
    // The typed email comes back; the password never does.
    assert.match(wrongPassword.html, new RegExp(`value="${account.email}"`));
    assert.doesNotMatch(wrongPassword.html, /not the password at all/);

    const failed = await audit(t, 'login.failed', account.id);
    assert.deepEqual(failed.map((e) => e.detail?.reason), ['password', 'totp']);
    const anonymous = (await audit(t, 'login.failed')).find((e) => e.actor === 'anonymous')!;
    assert.equal(anonymous.detail?.reason, 'unknown_email');
    assert.match(String(anonymous.detail?.email_pseudonym), /^[A-Za-z0-9_-]{22}$/);
    const log = JSON.stringify(await t.app.ctx.db.selectFrom('audit_entries').selectAll().execute());
    for (const secret of ['nobody@ngo.example', account.password, 'not the password at all']) assert.ok(!log.includes(secret), `no "${secret}" in the audit log`);
  });

  it('refuses a TOTP code used once already within its window', async () => {
    const account = await enrolUser(t, () => clock.now());
    nextStep();
    const code = totpCode(account.secret, clock.now());
    assert.equal((await signInForm(t, { email: account.email, password: account.password, totp: code })).status, 303);
    clock.advance(5_000);
    const replay = await signInForm(t, { email: account.email, password: account.password, totp: code });
    assert.equal(replay.status, 401, 'the same code, seconds later');
    assert.equal((await audit(t, 'login.failed', account.id)).at(-1)?.detail?.reason, 'totp_reused');
    nextStep();
    assert.equal((await signInForm(t, { email: account.email, password: account.password, totp: totpCode(account.secret, clock.now()) })).status, 303);
  });

  it('takes each recovery code once', async () => {
    const account = await enrolUser(t, () => clock.now());
    const [first, second] = account.recoveryCodes;
    const used = await signInForm(t, { email: account.email, password: account.password, totp: first!.toUpperCase() });
    assert.equal(used.status, 303, used.html);
    const again = await signInForm(t, { email: account.email, password: account.password, totp: first! });
    assert.equal(again.status, 401);
    assert.equal((await signInForm(t, { email: account.email, password: account.password, totp: second!.replace(/-/g, ' ') })).status, 303);
    const entries = await audit(t, 'recovery_code.used', account.id);
    assert.deepEqual(entries.map((e) => e.detail?.remaining), [9, 8]);
    assert.equal(JSON.parse((await userRow(t, account.id)).recovery_codes!).length, 8);
  });

  it('locks an account after five failures, longer after each further one, and the lock is in the database', async () => {
    const account = await enrolUser(t, () => clock.now());
    for (let i = 1; i <= 5; i++) {
      const res = await signInForm(t, { email: account.email, password: `wrong password ${i}`, totp: '' });
      assert.equal(res.status, 401, `attempt ${i}`);
    }
    const row = await userRow(t, account.id);
    assert.equal(row.failed_logins, 5);
    assert.equal(row.locked_until, new Date(clock.now().getTime() + 60_000).toISOString());
    nextStep();
    const locked = await signInForm(t, { email: account.email, password: account.password, totp: totpCode(account.secret, clock.now()) });
    assert.equal(locked.status, 429, 'even the right password waits');
    assert.equal(locked.headers.get('retry-after'), '30');
    assert.match(locked.html, /Too many failed attempts/);
    assert.deepEqual((await audit(t, 'login.locked', account.id)).map((e) => e.detail), [{ failures: 5, seconds: 60 }]);

    // After the lock, one more failure locks again for twice as long.
    clock.advance(31_000);
    const sixth = await signInForm(t, { email: account.email, password: 'still wrong password', totp: '' });
    assert.equal(sixth.status, 401);
    assert.equal((await userRow(t, account.id)).locked_until, new Date(clock.now().getTime() + 120_000).toISOString());
    // TOTP guesses count the same.
    clock.advance(121_000);
    const guess = await signInForm(t, { email: account.email, password: account.password, totp: staleTotpCode(account.secret, clock.now()) });
    assert.equal(guess.status, 401);
    assert.equal((await userRow(t, account.id)).failed_logins, 7);
    assert.equal((await userRow(t, account.id)).locked_until, new Date(clock.now().getTime() + 240_000).toISOString());

    clock.advance(241_000);
    const good = await signInForm(t, { email: account.email, password: account.password, totp: totpCode(account.secret, clock.now()) });
    assert.equal(good.status, 303);
    const reset = await userRow(t, account.id);
    assert.equal(reset.failed_logins, 0);
    assert.equal(reset.locked_until, null);
  });

  it('locks unknown emails the same way, so a lockout does not tell which emails exist', async () => {
    for (let i = 1; i <= 5; i++) assert.equal((await signInForm(t, { email: 'ghost@ngo.example', password: `guess number ${i}` })).status, 401);
    const locked = await signInForm(t, { email: 'ghost@ngo.example', password: 'guess number 6' });
    assert.equal(locked.status, 429);
    assert.equal(locked.headers.get('retry-after'), '60');
  });

  it('refuses disabled users and users without a password, with the same message', async () => {
    const account = await enrolUser(t, () => clock.now());
    const user = (await t.api('GET', `/api/v1/users/${account.id}`, { token: t.tokens.admin })).body;
    await t.api('PATCH', `/api/v1/users/${account.id}`, { token: t.tokens.admin, body: { disabled: true, version: user.version } });
    nextStep();
    const res = await signInForm(t, { email: account.email, password: account.password, totp: totpCode(account.secret, clock.now()) });
    assert.equal(res.status, 401);
    assert.match(res.html, /The email, password or code is not right/);
    assert.equal((await fetch(`${t.url}/persons`, { headers: { cookie: account.session }, redirect: 'manual' })).status, 303, 'its sessions stop too');
  });

  it('ends sessions on sign-out, on revocation from the account page, after idle time, and on a password change', async () => {
    const account = await enrolUser(t, () => clock.now());
    const signIn = async () => {
      nextStep();
      const res = await signInForm(t, { email: account.email, password: account.password, totp: totpCode(account.secret, clock.now()) });
      assert.equal(res.status, 303, res.html);
      return cookieOf(res, 'vigil_session')!;
    };
    const web = webClient(t);
    const open = async (cookie: string) => (await web.get('/persons', cookie)).status;

    const laptop = await signIn();
    const phone = await signIn();
    const accountPage = await web.get('/account', laptop);
    assert.equal(accountPage.status, 200);
    const sessionIds = [...accountPage.html.matchAll(/action="\/account\/sessions\/([0-9a-f-]{36})\/revoke"/g)].map((m) => m[1]!);
    assert.equal(sessionIds.length, 3, 'enrolment, laptop and phone');
    assert.match(accountPage.html, /this browser/);

    // From the laptop, end the phone's session: it stops at once.
    const phoneId = (await t.app.ctx.db.selectFrom('api_tokens').select('id').where('token_hash', '=', (await import('../src/auth/tokens.service.ts')).hashToken(decodeURIComponent(phone.split('=')[1]!))).executeTakeFirstOrThrow()).id;
    const revoked = await web.post(`/account/sessions/${phoneId}/revoke`, {}, laptop);
    assert.equal(revoked.status, 303);
    assert.equal(await open(phone), 303);
    assert.equal(await open(laptop), 200);
    assert.equal((await audit(t, 'session.revoked')).filter((e) => e.entity_id === phoneId).length, 1);

    // Idle for longer than allowed: gone; in use: kept.
    const idle = await signIn();
    clock.advance((SESSION_IDLE_MINUTES - 1) * 60_000);
    assert.equal(await open(laptop), 200);
    clock.advance(2 * 60_000);
    assert.equal(await open(idle), 303, 'idle too long');
    assert.equal(await open(laptop), 200, 'used a minute ago');

    // A password change ends the other sessions, not this one.
    const other = await signIn();
    const changed = await web.post('/account/password', { current_password: account.password, new_password: 'a brand new passphrase', repeat: 'a brand new passphrase' }, laptop);
    assert.equal(changed.status, 303, changed.html);
    assert.equal(await open(other), 303);
    assert.equal(await open(laptop), 200);
    const wrongCurrent = await web.post('/account/password', { current_password: 'not it at all!', new_password: 'another passphrase', repeat: 'another passphrase' }, laptop);
    assert.equal(wrongCurrent.status, 400);
    const short = await web.post('/account/password', { current_password: 'a brand new passphrase', new_password: 'short', repeat: 'short' }, laptop);
    assert.equal(short.status, 400);
    assert.match(short.html, /at least 12 characters/);

    // Sign-out from the page.
    const out = await web.post('/logout', {}, laptop);
    assert.equal(out.status, 303);
    assert.match(out.headers.get('set-cookie') ?? '', /^vigil_session=; Path=\/; HttpOnly; SameSite=Strict; Max-Age=0/);
    assert.equal(await open(laptop), 303);
  });

  it('makes and revokes API tokens from the account page, showing a new token once', async () => {
    const account = await enrolUser(t, () => clock.now());
    const web = webClient(t);
    const made = await web.post('/account/tokens', { name: 'export script', read_only: 'on' }, account.session);
    assert.equal(made.status, 201);
    const token = /<code class="new-token" dir="ltr">(vgl_[A-Za-z0-9_-]{43})<\/code>/.exec(made.html)![1]!;
    assert.equal((await t.api('GET', '/api/v1/persons', { token })).status, 200);
    assert.equal((await t.api('POST', '/api/v1/persons', { token, body: personInput() })).status, 403, 'read-only by default on the page');
    const page = await web.get('/account', account.session);
    assert.ok(!page.html.includes(token), 'shown only once');
    const id = /action="\/account\/tokens\/([0-9a-f-]{36})\/revoke"/.exec(page.html)![1]!;
    assert.equal((await web.post(`/account/tokens/${id}/revoke`, {}, account.session)).status, 303);
    assert.equal((await t.api('GET', '/api/v1/persons', { token })).status, 401);
    assert.equal((await web.post('/account/tokens', { name: '' }, account.session)).status, 400);
    // Someone else's token id is not found, and nothing is revoked.
    const foreign = (await t.api('GET', `/api/v1/users/${(await t.api('GET', '/api/v1/users/me', { token: t.tokens.viewer })).body.id}/tokens`, { token: t.tokens.admin })).body.items[0].id;
    assert.equal((await web.post(`/account/tokens/${foreign}/revoke`, {}, account.session)).status, 404);
    assert.equal((await t.api('GET', '/api/v1/persons', { token: t.tokens.viewer })).status, 200);
  });

  it('makes new recovery codes on the account page, given the password', async () => {
    const account = await enrolUser(t, () => clock.now());
    const web = webClient(t);
    const refused = await web.post('/account/recovery-codes', { password: 'not my password' }, account.session);
    assert.equal(refused.status, 400);
    const made = await web.post('/account/recovery-codes', { password: account.password }, account.session);
    assert.equal(made.status, 200);
    const codes = [...made.html.matchAll(/<li><code>([a-z0-9-]+)<\/code><\/li>/g)].map((m) => m[1]!);
    assert.equal(codes.length, 10);
    assert.equal((await signInForm(t, { email: account.email, password: account.password, totp: account.recoveryCodes[0]! })).status, 401, 'old codes stop working');
    assert.equal((await signInForm(t, { email: account.email, password: account.password, totp: codes[0]! })).status, 303);
  });
});

describe(`web hardening: CSRF, cookies, headers (${BACKEND})`, () => {
  let t: TestApp;
  let account: Account;
  const clock = new ManualClock('2026-03-03T08:00:00Z');
  before(async () => {
    t = await startTestApp({ clock });
    await prepareSessions(t);
    account = await enrolUser(t, () => clock.now());
  });
  after(async () => {
    await t?.stop();
  });

  async function personCount(): Promise<number> {
    return (await t.api('GET', '/api/v1/persons?limit=200&include_retracted=true', { token: t.tokens.researcher })).body.items.length;
  }

  const personForm = { 'names.0.text': 'Gulbahar Jalilova', 'names.0.script': 'Latn', 'names.0.lang': '', 'names.0.kind': 'primary', risk: 'high' };

  it('refuses a page post without its CSRF token, or with a wrong one, and changes nothing', async () => {
    const web = webClient(t);
    const before = await personCount();
    const cookie = session(t, 'researcher');
    const attempts: Array<[string, Record<string, string>, string]> = [
      ['without a token', personForm, cookie],
      ['with an empty token', { ...personForm, _csrf: '' }, cookie],
      ['with a made-up token', { ...personForm, _csrf: 'A'.repeat(43) }, cookie],
      ['with another session’s token', { ...personForm, _csrf: csrfIn((await web.get('/account', session(t, 'coordinator'))).html) }, cookie],
      ['with a pre-sign-in token', { ...personForm, _csrf: csrfIn((await web.get('/login', null)).html) }, cookie],
    ];
    for (const [what, form, withCookie] of attempts) {
      const res = await web.request('POST', '/persons/new', { form, cookie: withCookie, headers: { origin: t.url } });
      assert.equal(res.status, 403, what);
      assert.match(res.html, /This form is out of date or was not sent from Vigil/, what);
    }
    // Retract, logout and account posts are guarded the same way.
    const { body: person } = await t.api('POST', '/api/v1/persons', { token: t.tokens.researcher, body: personInput() });
    const retract = await web.request('POST', `/persons/${person.id}/retract`, { form: { reason: 'forged request', version: '1' }, cookie });
    assert.equal(retract.status, 403);
    assert.equal((await t.api('GET', `/api/v1/persons/${person.id}`, { token: t.tokens.researcher })).body.retracted, false);
    assert.equal((await web.request('POST', '/logout', { form: {}, cookie })).status, 403);
    assert.equal((await web.get('/persons', cookie)).status, 200, 'still signed in');
    assert.equal((await web.request('POST', '/account/tokens', { form: { name: 'x' }, cookie })).status, 403);
    assert.equal(await personCount(), before + 1, 'only the API-created person');

    // With the page's own token, the same post works; a script may send it as a header.
    const ok = await web.post('/persons/new', personForm, cookie);
    assert.equal(ok.status, 303, ok.html);
    const token = csrfIn((await web.get('/persons/new', cookie)).html);
    const viaHeader = await web.request('POST', '/persons/new', { form: personForm, cookie, headers: { 'x-csrf-token': token } });
    assert.equal(viaHeader.status, 303);
    assert.equal(await personCount(), before + 3);
  });

  it('guards the sign-in form with a token bound to a cookie of this browser', async () => {
    const page = await fetch(`${t.url}/login`);
    const browserCookie = page.headers.getSetCookie().find((c) => c.startsWith('vigil_csrf='))!;
    assert.match(browserCookie, /^vigil_csrf=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict$/);
    const token = csrfIn(await page.text());
    const fields = { email: account.email, password: account.password, totp: '' };
    const post = (cookie: string | null, body: Record<string, string>) =>
      fetch(`${t.url}/login`, { method: 'POST', redirect: 'manual', headers: { ...(cookie ? { cookie } : {}), 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(body).toString() });
    assert.equal((await post(null, { ...fields, _csrf: token })).status, 403, 'token without its cookie');
    assert.equal((await post(browserCookie.split(';')[0]!, fields)).status, 403, 'cookie without the token');
    const otherBrowser = `vigil_csrf=${'B'.repeat(43)}`;
    assert.equal((await post(otherBrowser, { ...fields, _csrf: token })).status, 403, 'another browser’s cookie');
    assert.equal((await post(browserCookie.split(';')[0]!, { ...fields, _csrf: token })).status, 401, 'passes CSRF, then asks for the code');
    assert.equal((await userRow(t, account.id)).failed_logins, 0, 'refused posts never reached the password check');
  });

  it('sends strict security headers on every answer, and HSTS only over https', async () => {
    for (const path of ['/login', '/api/v1/openapi.json', '/healthz', '/nowhere']) {
      const res = await fetch(t.url + path);
      const csp = res.headers.get('content-security-policy') ?? '';
      assert.match(csp, /default-src 'self'/, path);
      assert.match(csp, /script-src 'self';/, path);
      assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/, path);
      assert.match(csp, /frame-ancestors 'none'/, path);
      assert.match(csp, /form-action 'self'/, path);
      assert.equal(res.headers.get('x-frame-options'), 'DENY');
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(res.headers.get('referrer-policy'), 'no-referrer');
      assert.equal(res.headers.get('cross-origin-opener-policy'), 'same-origin');
      assert.equal(res.headers.get('cross-origin-resource-policy'), 'same-origin');
      assert.match(res.headers.get('permissions-policy') ?? '', /camera=\(\), microphone=\(\), geolocation=\(\)/);
      assert.equal(res.headers.get('strict-transport-security'), null, 'plain http');
    }
  });

  it('marks cookies Secure when the request came over https', () => {
    const over = (protocol: string) => ({ protocol }) as FastifyRequest;
    assert.equal(cookieHeader(over('https'), 'vigil_session', 'vgl_x'), 'vigil_session=vgl_x; Path=/; HttpOnly; SameSite=Strict; Secure');
    assert.equal(cookieHeader(over('http'), 'vigil_session', 'vgl_x'), 'vigil_session=vgl_x; Path=/; HttpOnly; SameSite=Strict');
    assert.equal(cookieHeader(over('https'), 'vigil_lang', 'kk', { maxAge: 60, sameSite: 'Lax' }), 'vigil_lang=kk; Path=/; HttpOnly; SameSite=Lax; Max-Age=60; Secure');
  });

  it('never takes the session cookie on the API, nor an API token in the session cookie', async () => {
    const cookieOnApi = await fetch(`${t.url}/api/v1/persons`, { headers: { cookie: account.session } });
    assert.equal(cookieOnApi.status, 401);
    const tokenAsCookie = await fetch(`${t.url}/persons`, { headers: { cookie: `vigil_session=${encodeURIComponent(t.tokens.admin)}` }, redirect: 'manual' });
    assert.equal(tokenAsCookie.status, 303, 'an API token is not a session');
    assert.equal(tokenAsCookie.headers.get('location'), '/login?next=%2Fpersons');
  });
});

describe(`sign-in attempts per address (${BACKEND})`, () => {
  it('holds back an address after many failed sign-ins, even with right credentials, then lets it in', async () => {
    const clock = new ManualClock('2026-03-04T08:00:00Z');
    const t = await startTestApp({ clock });
    try {
      const account = await enrolUser(t, () => clock.now());
      const victim = await enrolUser(t, () => clock.now());
      // Five wrong passwords lock one account; further tries at it are refused quickly and still count.
      for (let i = 0; i < 50; i++) await signInForm(t, { email: victim.email, password: `wrong guess ${i}` });
      clock.advance(30_000);
      const held = await signInForm(t, { email: account.email, password: account.password, totp: totpCode(account.secret, clock.now()) });
      assert.equal(held.status, 429);
      assert.match(held.html, /from this address/);
      const wait = Number(held.headers.get('retry-after'));
      assert.ok(wait > 0 && wait <= 600);
      assert.equal((await userRow(t, account.id)).failed_logins, 0, 'the address limit does not count against the account');
      clock.advance(wait * 1000);
      const through = await signInForm(t, { email: account.email, password: account.password, totp: totpCode(account.secret, clock.now()) });
      assert.equal(through.status, 303);
    } finally {
      await t.stop();
    }
  });
});

describe(`sign-in guesses sent all at once (${BACKEND})`, () => {
  it('counts parallel guesses one after another: the lock holds, and a right password sent just after is refused', async () => {
    const clock = new ManualClock('2026-03-04T08:00:00Z');
    const t = await startTestApp({ clock });
    try {
      const victim = await enrolUser(t, () => clock.now());
      clock.advance(30_000); // a fresh TOTP step: the enrolment used this one
      // One sign-in page, then every post at once, as a script would.
      const page = await fetch(`${t.url}/login`);
      const cookie = cookieOf(page, 'vigil_csrf')!;
      const csrf = csrfIn(await page.text());
      const post = (password: string, totp = '') =>
        fetch(`${t.url}/login`, {
          method: 'POST',
          redirect: 'manual',
          headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ email: victim.email, password, totp, _csrf: csrf }).toString(),
        });
      const wrong = Promise.all(Array.from({ length: 12 }, (_, i) => post(`wrong guess ${i}`)));
      // Sent while the guesses are still being checked (each takes a slow password hash): once the
      // first has been counted, all twelve have arrived, however loaded the machine is.
      for (let i = 0; i < 1000 && (await userRow(t, victim.id)).failed_logins < 1; i++) await new Promise((resolve) => setTimeout(resolve, 5));
      const right = await post(victim.password, totpCode(victim.secret, clock.now()));
      assert.ok((await wrong).every((r) => r.status !== 303));
      assert.notEqual(right.status, 303, 'the guesses before it locked the account');
      const row = await userRow(t, victim.id);
      assert.ok(row.failed_logins >= 5, `every guess counted (${row.failed_logins})`);
      assert.ok(row.locked_until, 'and the lock stands');
    } finally {
      await t.stop();
    }
  });
});

describe(`behind a TLS reverse proxy (${BACKEND})`, () => {
  it('believes X-Forwarded-Proto only from a proxy named in VIGIL_TRUST_PROXY: then cookies are Secure and HSTS is sent', async () => {
    const forwarded = { 'x-forwarded-proto': 'https' };
    const trusting = await startTestApp({ env: { VIGIL_TRUST_PROXY: '127.0.0.1' } });
    const untrusting = await startTestApp();
    try {
      const behind = await fetch(`${trusting.url}/login`, { headers: forwarded });
      assert.match(behind.headers.get('set-cookie') ?? '', /; Secure/);
      assert.match(behind.headers.get('strict-transport-security') ?? '', /max-age=/);
      const spoofed = await fetch(`${untrusting.url}/login`, { headers: forwarded });
      assert.doesNotMatch(spoofed.headers.get('set-cookie') ?? '', /; Secure/, 'a client cannot claim https without a configured proxy');
      assert.equal(spoofed.headers.get('strict-transport-security'), null);
    } finally {
      await trusting.stop();
      await untrusting.stop();
    }
  });

  it('refuses a VIGIL_TRUST_PROXY that is not a list of addresses', () => {
    assert.throws(() => readConfig({}, { VIGIL_TRUST_PROXY: 'everyone; rm -rf /' }), /VIGIL_TRUST_PROXY takes proxy addresses/);
    assert.deepEqual(readConfig({}, { VIGIL_TRUST_PROXY: '127.0.0.1, ::1,10.0.0.0/8' }).trustProxy, ['127.0.0.1', '::1', '10.0.0.0/8']);
  });
});
