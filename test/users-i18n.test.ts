import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PASSWORD_MIN } from '../src/auth/passwords.ts';
import { ManualClock } from '../src/lib/clock.ts';
import en from '../src/web/messages/en.json' with { type: 'json' };
import { CATALOGS, LANGUAGES, translator, type Language, type MessageKey, type Vars } from '../src/web/i18n.ts';
import { csrfIn, totpCode } from './helpers/accounts.ts';
import { BACKEND, startTestApp, type TestApp } from './helpers/test-app.ts';
import { cookieOf } from './helpers/web-client.ts';

/** The pages every user sees first: sign-in, the one-time link, two-factor set-up, recovery codes, the account. */
const FIRST_PAGES = /^(login|enrol|recovery|setup|account)\.|^error\.csrf$/;

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** English sentences a fully translated page must not show (short words may be shared, so only sentences). */
function englishFallbacks(lang: Language): string[] {
  return Object.entries(en as Record<string, string>)
    .filter(([key, text]) => text.length >= 15 && !text.includes('{') && CATALOGS[lang][key] !== text)
    .map(([, text]) => escape(text));
}

/** The page is in `lang`, with the right direction, shows each message, and falls back to English nowhere. */
function assertSpeaks(html: string, lang: Language, messages: Array<MessageKey | [MessageKey, Vars]>, what: string): void {
  const i18n = translator(lang);
  assert.match(html, new RegExp(`<html lang="${lang}" dir="${i18n.dir}">`), what);
  for (const message of messages) {
    const [key, vars] = typeof message === 'string' ? [message, undefined] : message;
    assert.ok(html.includes(escape(i18n.t(key, vars))), `${lang} ${what}: ${key}`);
  }
  for (const english of englishFallbacks(lang)) assert.ok(!html.includes(english), `${lang} ${what} shows English: ${english}`);
  // In a right-to-left page an English fallback is isolated (LRI…PDI): none may be there.
  if (i18n.dir === 'rtl') assert.ok(!html.includes('\u2066'), `${lang} ${what}: no English fallback`);
}

describe('sign-in and account messages', () => {
  it('are translated in every language', () => {
    const keys = Object.keys(en).filter((key) => FIRST_PAGES.test(key));
    assert.ok(keys.length > 50, `${keys.length} keys`);
    for (const lang of LANGUAGES) for (const key of keys) assert.notEqual(CATALOGS[lang][key], '', `${lang} ${key}`);
  });
});

describe(`sign-in, set-up and account pages in the reader's language (${BACKEND})`, () => {
  let t: TestApp;
  const clock = new ManualClock('2026-03-04T08:00:00Z');

  before(async () => {
    t = await startTestApp({ clock });
  });
  after(async () => {
    await t?.stop();
  });

  async function request(method: 'GET' | 'POST', path: string, cookie: string, form?: Record<string, string>) {
    const response = await fetch(t.url + path, {
      method,
      redirect: 'manual',
      headers: { cookie, ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
      body: form ? new URLSearchParams(form).toString() : undefined,
    });
    return { status: response.status, headers: response.headers, html: await response.text() };
  }

  for (const lang of LANGUAGES.filter((l) => l !== 'en')) {
    it(`speaks ${lang} from the one-time link to the account page`, async () => {
      const chosen = `vigil_lang=${lang}`;
      const email = `reader-${lang}@ngo.example`;
      const password = 'four unrelated words here';
      const created = await t.api('POST', '/api/v1/users', { token: t.tokens.admin, body: { email, role: 'researcher' } });
      assert.equal(created.status, 201, created.text);
      const link: string = created.body.setup_link.path;

      const setup = await request('GET', link, chosen);
      assert.equal(setup.status, 200);
      assertSpeaks(setup.html, lang, ['setup.title', ['setup.intro', { email }], 'setup.password', 'setup.repeat', 'setup.submit'], 'setup page');
      const browser = `${chosen}; ${cookieOf(setup, 'vigil_csrf')}`;
      const csrf = csrfIn(setup.html);
      const differ = await request('POST', link, browser, { password, repeat: 'four other words here', _csrf: csrf });
      assert.equal(differ.status, 400);
      assertSpeaks(differ.html, lang, ['setup.mismatch', 'form.errors_title'], 'setup mismatch');
      const short = await request('POST', link, browser, { password: 'short', repeat: 'short', _csrf: csrf });
      assert.equal(short.status, 400);
      assertSpeaks(short.html, lang, [['form.error.too_short', { min: PASSWORD_MIN }]], 'setup too short');

      const set = await request('POST', link, browser, { password, repeat: password, _csrf: csrf });
      assert.equal(set.status, 303, set.html);
      const enrolling = `${browser}; ${cookieOf(set, 'vigil_enrol')}`;
      const used = await request('GET', link, chosen);
      assert.equal(used.status, 404);
      assertSpeaks(used.html, lang, ['setup.invalid'], 'used link');

      const enrol = await request('GET', '/login/enrol', enrolling);
      assert.equal(enrol.status, 200);
      assertSpeaks(enrol.html, lang, ['enrol.title', 'enrol.intro', 'enrol.scan', 'enrol.qr_alt', 'enrol.secret', 'enrol.confirm', 'enrol.submit'], 'enrol page');
      assert.match(enrol.html, /<code class="totp-secret" dir="ltr"/, 'the key reads left to right in every language');
      const secret = /id="totp-secret">([^<]+)</.exec(enrol.html)![1]!.replace(/\s/g, '');
      const wrong = await request('POST', '/login/enrol', enrolling, { totp: totpCode(secret, new Date(clock.now().getTime() - 600_000)), _csrf: csrfIn(enrol.html) });
      assert.equal(wrong.status, 400);
      assertSpeaks(wrong.html, lang, ['enrol.wrong_code', 'login.totp'], 'wrong enrolment code');
      const expired = await request('GET', '/login/enrol', chosen);
      assert.equal(expired.status, 401);
      assertSpeaks(expired.html, lang, ['enrol.expired'], 'enrolment without its cookie');

      const confirmed = await request('POST', '/login/enrol', enrolling, { totp: totpCode(secret, clock.now()), _csrf: csrfIn(enrol.html) });
      assert.equal(confirmed.status, 200, confirmed.html);
      assertSpeaks(confirmed.html, lang, ['recovery.title', 'recovery.intro', 'recovery.continue'], 'recovery codes');
      assert.match(confirmed.html, /<ol class="recovery-codes" dir="ltr">/);
      const signedIn = `${chosen}; ${cookieOf(confirmed, 'vigil_session')}`;

      const account = await request('GET', '/account', signedIn);
      assert.equal(account.status, 200);
      const role = translator(lang).label('role', 'researcher');
      assertSpeaks(
        account.html,
        lang,
        [
          'account.title',
          ['account.who', { email, role }],
          'account.sessions_title',
          'account.sessions_intro',
          'account.this_session',
          'account.session_name',
          'account.token_name',
          'account.started',
          'account.last_used',
          'account.expires',
          'account.revoke',
          'account.tokens_title',
          'account.tokens_intro',
          'account.no_tokens',
          'account.token_read_only',
          'account.token_create',
          'account.password_title',
          'account.current_password',
          'setup.password',
          'setup.repeat',
          'account.password_submit',
          'account.recovery_title',
          ['account.recovery_left', { count: 10 }],
          'login.password',
          'account.recovery_hint',
          'account.recovery_submit',
        ],
        'account page',
      );
      assert.ok(!account.html.includes('web session'), 'a session is named in the reader\'s words, not by its stored English name');
      const pageCsrf = csrfIn(account.html);
      const token = await request('POST', '/account/tokens', signedIn, { name: 'export script', read_only: 'on', _csrf: pageCsrf });
      assert.equal(token.status, 201);
      assertSpeaks(token.html, lang, ['account.token_created', 'account.kind_read_only'], 'new token');
      const full = await request('POST', '/account/tokens', signedIn, { name: 'import script', _csrf: pageCsrf });
      assertSpeaks(full.html, lang, ['account.kind_full'], 'read-write token');
      const notMine = await request('POST', '/account/password', signedIn, { current_password: 'not the password!', new_password: 'a new passphrase', repeat: 'a new passphrase', _csrf: pageCsrf });
      assert.equal(notMine.status, 400);
      assertSpeaks(notMine.html, lang, ['account.wrong_password'], 'wrong current password');
      const codes = await request('POST', '/account/recovery-codes', signedIn, { password, _csrf: pageCsrf });
      assert.equal(codes.status, 200);
      assertSpeaks(codes.html, lang, ['recovery.intro'], 'new recovery codes');
      for (const saved of ['password_changed', 'session_revoked', 'token_revoked'] as const) {
        assertSpeaks((await request('GET', `/account?saved=${saved}`, signedIn)).html, lang, [`account.${saved}`], saved);
      }
      const forged = await request('POST', '/account/tokens', signedIn, { name: 'forged' });
      assert.equal(forged.status, 403);
      assertSpeaks(forged.html, lang, ['error.csrf'], 'a post without its CSRF token');

      // Enrolled, the right password alone is not enough: the code is asked for, in the reader's language.
      const login = await request('GET', '/login', chosen);
      const noCode = await request('POST', '/login', `${chosen}; ${cookieOf(login, 'vigil_csrf')}`, { email, password, totp: '', _csrf: csrfIn(login.html) });
      assert.equal(noCode.status, 401);
      assertSpeaks(noCode.html, lang, ['login.code_required'], 'sign-in without the code');
    });

    it(`signs in in ${lang}, with every refusal in ${lang}`, async () => {
      const login = await request('GET', `/login?lang=${lang}`, '');
      assert.equal(login.status, 200);
      assertSpeaks(login.html, lang, ['login.title', 'login.intro', 'login.email', 'login.password', 'login.totp', 'login.totp_hint', 'login.submit'], 'sign-in page');
      const browser = `vigil_lang=${lang}; ${cookieOf(login, 'vigil_csrf')}`;
      const attempt = (fields: Record<string, string>) => request('POST', '/login', browser, { totp: '', ...fields, _csrf: csrfIn(login.html) });

      const empty = await attempt({ email: '', password: '' });
      assert.equal(empty.status, 400);
      assertSpeaks(empty.html, lang, ['form.error.required', 'form.errors_title'], 'empty sign-in');
      const ghost = `ghost-${lang}@ngo.example`;
      for (let i = 1; i <= 5; i++) {
        const failed = await attempt({ email: ghost, password: `guess number ${i}` });
        assert.equal(failed.status, 401);
        assertSpeaks(failed.html, lang, ['login.failed'], `failed attempt ${i}`);
      }
      const locked = await attempt({ email: ghost, password: 'guess number 6' });
      assert.equal(locked.status, 429);
      assertSpeaks(locked.html, lang, [['login.locked', { seconds: Number(locked.headers.get('retry-after')) }]], 'locked');
    });
  }
});
