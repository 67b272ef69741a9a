import assert from 'node:assert/strict';
import { Secret, TOTP } from 'otpauth';
import type { Role } from '../../src/auth/roles.ts';
import type { TestApp } from './test-app.ts';
import { cookieOf } from './web-client.ts';

/** What an authenticator app shows at `at`. */
export function totpCode(secret: string, at: Date): string {
  return new TOTP({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 }).generate({ timestamp: at.getTime() });
}

/** A code of a step other than `at`'s: right for the account, wrong for this moment. */
export function staleTotpCode(secret: string, at: Date): string {
  return totpCode(secret, new Date(at.getTime() - 10 * 60_000));
}

export interface Account {
  id: string;
  email: string;
  password: string;
  secret: string;
  recoveryCodes: string[];
  /** The session cookie (`vigil_session=…`) from enrolment. */
  session: string;
}

let counter = 0;

const CSRF_INPUT = /<input type="hidden" name="_csrf" value="([^"]*)"/;

export function csrfIn(html: string): string {
  const match = CSRF_INPUT.exec(html);
  assert.ok(match, 'the page has a CSRF field');
  return match[1]!;
}

async function form(t: TestApp, path: string, fields: Record<string, string>, cookie: string) {
  return fetch(t.url + path, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
}

/**
 * A user as a person gets one, all over HTTP: an admin adds them (API), they open the one-time link,
 * set a password, scan the QR page (its text key here), confirm a code and keep the recovery codes.
 */
export async function enrolUser(t: TestApp, at: () => Date, options: { role?: Role; email?: string } = {}): Promise<Account> {
  const email = options.email ?? `user${++counter}-${Date.now()}@ngo.example`;
  const password = 'correct horse battery staple';
  const created = await t.api('POST', '/api/v1/users', { token: t.tokens.admin, body: { email, role: options.role ?? 'researcher' } });
  assert.equal(created.status, 201, created.text);
  const link: string = created.body.setup_link.path;

  const setupPage = await fetch(t.url + link);
  assert.equal(setupPage.status, 200);
  const browser = cookieOf(setupPage, 'vigil_csrf')!;
  const setup = await form(t, link, { password, repeat: password, _csrf: csrfIn(await setupPage.text()) }, browser);
  assert.equal(setup.status, 303, await setup.text());
  assert.equal(setup.headers.get('location'), '/login/enrol');
  const enrolCookie = `${browser}; ${cookieOf(setup, 'vigil_enrol')}`;

  const enrolPage = await fetch(`${t.url}/login/enrol`, { headers: { cookie: enrolCookie } });
  const enrolHtml = await enrolPage.text();
  assert.equal(enrolPage.status, 200, enrolHtml);
  const secret = /<code class="totp-secret"[^>]*>([^<]+)<\/code>/.exec(enrolHtml)![1]!.replace(/\s/g, '');
  const confirmed = await form(t, '/login/enrol', { totp: totpCode(secret, at()), _csrf: csrfIn(enrolHtml) }, enrolCookie);
  const confirmedHtml = await confirmed.text();
  assert.equal(confirmed.status, 200, confirmedHtml);
  const recoveryCodes = [...confirmedHtml.matchAll(/<li><code>([a-z0-9-]+)<\/code><\/li>/g)].map((m) => m[1]!);
  assert.equal(recoveryCodes.length, 10);
  return { id: created.body.id, email, password, secret, recoveryCodes, session: cookieOf(confirmed, 'vigil_session')! };
}

/** Posts the sign-in form as a browser would: fetch the page (CSRF cookie and token), then post. */
export async function signInForm(t: TestApp, fields: { email: string; password: string; totp?: string; next?: string }) {
  const page = await fetch(`${t.url}/login`);
  const browser = cookieOf(page, 'vigil_csrf')!;
  const response = await form(t, '/login', { ...fields, totp: fields.totp ?? '', _csrf: csrfIn(await page.text()) }, browser);
  return { status: response.status, headers: response.headers, html: await response.text(), location: response.headers.get('location'), browser };
}
