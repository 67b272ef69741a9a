import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { ManualClock } from '../src/lib/clock.ts';
import { totpCode } from './helpers/accounts.ts';
import { launchBrowser, openContext } from './helpers/browser.ts';
import { BACKEND, startTestApp, type TestApp } from './helpers/test-app.ts';

describe(`sign-in with TOTP in Chromium (${BACKEND})`, () => {
  let t: TestApp;
  let browser: Browser;
  const clock = new ManualClock('2026-03-05T08:00:00Z');
  before(async () => {
    t = await startTestApp({ clock });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await t?.stop();
  });

  for (const javaScriptEnabled of [false, true]) {
    it(`sets a password from the one-time link, enrols from the QR page and signs in again (JavaScript ${javaScriptEnabled ? 'on' : 'off'})`, async () => {
      const email = `browser-${javaScriptEnabled ? 'js' : 'nojs'}@ngo.example`;
      const password = 'a passphrase of several words';
      const created = await t.api('POST', '/api/v1/users', { token: t.tokens.admin, body: { email, role: 'researcher' } });
      assert.equal(created.status, 201, created.text);
      const c = await openContext(browser, t.url, { javaScriptEnabled });
      const page = c.page;
      const path = () => new URL(page.url()).pathname;
      try {
        await page.goto(`${t.url}/persons`);
        assert.equal(path(), '/login');

        // The one-time link: choose a password.
        await page.goto(t.url + created.body.setup_link.path);
        await page.fill('#f-password', password);
        await page.fill('#f-repeat', 'a different passphrase');
        await page.click('button[type=submit].btn-primary');
        assert.match((await page.locator('#f-repeat-error').textContent()) ?? '', /differ/);
        await page.fill('#f-password', password);
        await page.fill('#f-repeat', password);
        await page.click('button[type=submit].btn-primary');
        assert.equal(path(), '/login/enrol');

        // The QR page: the image is Vigil's own, the key is readable as text.
        const qr = page.locator('img.totp-qr');
        assert.ok(await qr.isVisible());
        assert.ok((await qr.evaluate((img: HTMLImageElement) => (img.complete ? img.naturalWidth : 0))) > 0, "the QR image renders");
        await page.screenshot({ path: `/tmp/vigil-enrol-${javaScriptEnabled ? 'js' : 'nojs'}.png`, fullPage: true });
        const secret = ((await page.locator('#totp-secret').textContent()) ?? '').replace(/\s/g, '');
        assert.match(secret, /^[A-Z2-7]{32}$/);
        await page.fill('#f-totp', '000000');
        await page.click('button[type=submit].btn-primary');
        assert.match((await page.locator('#f-totp-error').textContent()) ?? '', /not right/);
        await page.fill('#f-totp', totpCode(secret, clock.now()));
        await page.click('button[type=submit].btn-primary');

        // Recovery codes, once; then in.
        assert.equal(await page.locator('.recovery-codes li').count(), 10);
        await page.click('a.btn-primary');
        assert.equal(path(), '/persons');

        // Out, and back in with email, password and a fresh code.
        await page.click('.signout button[type=submit]');
        assert.equal(path(), '/login');
        await page.goto(`${t.url}/persons?risk=high`);
        clock.advance(30_000);
        await page.fill('#f-email', email);
        await page.fill('#f-password', password);
        await page.fill('#f-totp', totpCode(secret, new Date(clock.now().getTime() - 10 * 60_000)));
        await page.click('.login-panel button[type=submit].btn-primary');
        assert.match((await page.locator('.notice-error').textContent()) ?? '', /not right/);
        await page.fill('#f-email', email);
        await page.fill('#f-password', password);
        await page.fill('#f-totp', totpCode(secret, clock.now()));
        await page.click('.login-panel button[type=submit].btn-primary');
        assert.equal(path(), '/persons');
        assert.match(page.url(), /risk=high/, 'back where the sign-in began');
        const cookies = await c.context.cookies();
        const session = cookies.find((cookie) => cookie.name === 'vigil_session')!;
        assert.equal(session.httpOnly, true);
        assert.equal(session.sameSite, 'Strict');
        assert.equal(await page.evaluate(() => document.cookie), '', 'no cookie is readable by script');

        const origin = new URL(t.url).origin;
        for (const url of c.requests) assert.ok(url.startsWith(`${origin}/`), `request left the server: ${url}`);
        assert.deepEqual(c.errors, [], 'no console errors (a CSP violation would be one)');
      } finally {
        await c.close();
      }
    });
  }
});
