import { issueToken, SESSION_HOURS } from '../../src/auth/tokens.service.ts';
import type { Role } from '../../src/auth/roles.ts';
import type { TestApp } from './test-app.ts';

export interface WebResponse {
  status: number;
  headers: Headers;
  html: string;
  location: string | null;
}

const sessions = new WeakMap<TestApp, Partial<Record<Role, string>>>();

/**
 * A web session (as after signing in) for the user of `role` (`t.users[role]`), as a Cookie header.
 * Web sessions are made at sign-in with password and TOTP; tests that are not about sign-in start
 * from one made directly, after `await prepareSessions(t)`.
 */
export function session(t: TestApp, role: Role = 'researcher'): string {
  const cookie = sessions.get(t)?.[role];
  if (!cookie) throw new Error('call `await prepareSessions(t)` once after startTestApp');
  return cookie;
}

/** The session token alone, as a browser stores the cookie's value. */
export function sessionValue(t: TestApp, role: Role = 'researcher'): string {
  return decodeURIComponent(session(t, role).slice('vigil_session='.length));
}

/** Makes one web session per role's user, for session(t, role). */
export async function prepareSessions(t: TestApp): Promise<void> {
  const { db, clock } = t.app.ctx;
  const made: Partial<Record<Role, string>> = {};
  for (const role of Object.keys(t.users) as Role[]) {
    const expiresAt = new Date(clock.now().getTime() + SESSION_HOURS * 3600_000);
    const issued = await issueToken(db, clock, { userId: t.users[role].id, role, kind: 'session', name: `test ${role} session`, expiresAt });
    made[role] = `vigil_session=${encodeURIComponent(issued.token)}`;
  }
  sessions.set(t, made);
}

const CSRF_INPUT = /<input type="hidden" name="_csrf" value="([^"]*)"/;

/** The value of a Set-Cookie header's cookie, as `name=value`. */
export function cookieOf(response: { headers: Headers }, name: string): string | null {
  const found = response.headers.getSetCookie().find((cookie) => cookie.startsWith(`${name}=`));
  return found ? found.split(';')[0]! : null;
}

/**
 * What a browser would send with a form: the page's CSRF token, and the cookie it is bound to.
 * Signed in, any page carries it (the account page is one every user has); otherwise the sign-in
 * page gives this browser its `vigil_csrf` cookie and a token bound to it.
 */
export async function csrfFor(t: TestApp, cookie: string | null): Promise<{ token: string; cookie: string | null }> {
  const headers: Record<string, string> = cookie ? { cookie } : {};
  const account = await fetch(`${t.url}/account`, { headers, redirect: 'manual' });
  const accountHtml = await account.text();
  if (account.status === 200) return { token: CSRF_INPUT.exec(accountHtml)![1]!, cookie };
  const login = await fetch(`${t.url}/login`, { headers, redirect: 'manual' });
  const match = CSRF_INPUT.exec(await login.text());
  if (!match) throw new Error(`no CSRF token on /login (status ${login.status})`);
  const nonce = cookieOf(login, 'vigil_csrf');
  return { token: match[1]!, cookie: nonce ? [cookie, nonce].filter(Boolean).join('; ') : cookie };
}

/** A browser-like client over real HTTP: form posts, cookies by hand, redirects not followed. */
export function webClient(t: TestApp) {
  async function request(
    method: string,
    path: string,
    options: {
      cookie?: string | null;
      form?: Record<string, string> | Array<[string, string]>;
      headers?: Record<string, string>;
      raw?: string;
      /** Adds the page's CSRF token to a form that has none, as a browser posting our own page would. */
      csrf?: boolean;
    } = {},
  ): Promise<WebResponse> {
    const headers: Record<string, string> = { ...(options.headers ?? {}) };
    let cookie = options.cookie ?? null;
    let form = options.form;
    const hasToken = Array.isArray(form) ? form.some(([name]) => name === '_csrf') : form !== undefined && '_csrf' in form;
    if (form && options.csrf && !hasToken) {
      const csrf = await csrfFor(t, cookie);
      cookie = csrf.cookie;
      form = Array.isArray(form) ? [...form, ['_csrf', csrf.token]] : { ...form, _csrf: csrf.token };
    }
    if (cookie) headers.cookie = cookie;
    let body: string | undefined = options.raw;
    if (form) {
      body = new URLSearchParams(form as Record<string, string>).toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    }
    const response = await fetch(t.url + path, { method, headers, body, redirect: 'manual' });
    return { status: response.status, headers: response.headers, html: await response.text(), location: response.headers.get('location') };
  }
  return {
    get: (path: string, cookie: string | null = session(t), headers: Record<string, string> = {}) => request('GET', path, { cookie, headers }),
    /** A form post with the CSRF token its page would carry (unless the form names `_csrf` itself). */
    post: (path: string, form: Record<string, string> | Array<[string, string]>, cookie: string | null = session(t), headers: Record<string, string> = {}) =>
      request('POST', path, { form, cookie, headers, csrf: true }),
    request,
  };
}

/** The text of the element with this id, tags stripped (enough for checking messages next to fields). */
export function textOf(html: string, id: string): string | null {
  const match = new RegExp(`<(\\w+)[^>]*\\bid="${id}"[^>]*>([\\s\\S]*?)</\\1>`).exec(html);
  return match ? match[2]!.replace(/<[^>]+>/g, '').trim() : null;
}

export function inputValue(html: string, name: string): string | null {
  const match = new RegExp(`<input[^>]*\\bname="${name.replace(/\./g, '\\.')}"[^>]*>`).exec(html);
  if (!match) return null;
  return /\bvalue="([^"]*)"/.exec(match[0])?.[1] ?? '';
}

/** The value attributes of a page's hidden edit-state fields, as a form post would send them back. */
export function hiddenFields(html: string, action: string): Array<[string, string]> {
  const start = html.indexOf(`action="${action}"`);
  const form = html.slice(start, html.indexOf('</form>', start));
  const decode = (text: string) => text.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  return [...form.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)].map((m): [string, string] => [m[1]!, decode(m[2]!)]);
}

/** An edit page's form as a browser would post it back: the values it was loaded with (`_orig`), changed where asked. */
export function editPost(html: string, action: string, changes: Record<string, string> = {}): Array<[string, string]> {
  const hidden = hiddenFields(html, action);
  const original = hidden.find(([name]) => name === '_orig')?.[1] ?? '';
  const values = [...new URLSearchParams(original)].filter(([name]) => !(name in changes));
  return [...hidden, ...values, ...Object.entries(changes)];
}
