import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { ManualClock } from '../src/lib/clock.ts';
import { enrolUser, type Account } from './helpers/accounts.ts';
import { launchBrowser, openContext, signIn, submit } from './helpers/browser.ts';
import { BACKEND, startTestApp, type TestApp } from './helpers/test-app.ts';

/**
 * The urgent action in Chromium, with JavaScript on and off: the document without the name of a
 * person who agreed only to anonymity, the warning, choosing addressees from the directory (a GET
 * form), printing without the page's controls, saving it as a draft intervention, and no request
 * leaving the server.
 */
describe(`the urgent action in Chromium (${BACKEND})`, () => {
  let t: TestApp;
  let browser: Browser;
  let account: Account;
  const clock = new ManualClock('2026-10-01T08:00:00Z');
  let person = '';
  let ministry = '';

  before(async () => {
    t = await startTestApp({ clock });
    account = await enrolUser(t, () => clock.now());
    browser = await launchBrowser();
    const created = async (path: string, body: unknown, token = t.tokens.researcher) => {
      const response = await t.api('POST', path, { body, token });
      assert.equal(response.status, 201, `${path}: ${response.text}`);
      return response.body.id as string;
    };
    await created('/api/v1/directory', { kind: 'diplomatic_mission', name: "Ambassador of the People's Republic of China to Kazakhstan", country: 'CN', salutation: 'Dear Ambassador' }, t.tokens.coordinator);
    ministry = await created('/api/v1/directory', { kind: 'authority', name: 'Minister of Foreign Affairs of the Republic of Kazakhstan', country: 'KZ', salutation: 'Dear Minister' }, t.tokens.coordinator);
    person = await created('/api/v1/persons', {
      names: [
        { text: 'Әсемгүл Бекболат', script: 'Cyrl', lang: 'kk', kind: 'primary' },
        { text: 'Asemgul Bekbolat', script: 'Latn', lang: 'en', kind: 'transliteration' },
      ],
      sex: 'female',
      citizenships: ['CN'],
      consent: { publicity: 'anonymous' },
    });
    const call = await created('/api/v1/sources', { person_id: person, kind: 'phone_call', title: 'Sister’s call', date: '2026-09-18' });
    await created(`/api/v1/persons/${person}/statuses`, { status: 'disappeared', date: '2026-09-25', place: 'Last seen at her mother’s home', whereabouts_acknowledged: 'denied', citations: [{ source_id: call }] });
    assert.equal((await t.api('POST', `/api/v1/persons/${person}/members`, { body: { user_id: account.id, role: 'researcher' } })).status, 201);
  });
  after(async () => {
    await browser?.close();
    await t?.stop();
  });

  for (const javaScriptEnabled of [false, true]) {
    it(`shows it without the name, chooses addressees, prints without controls, saves a draft (JavaScript ${javaScriptEnabled ? 'on' : 'off'})`, async () => {
      const c = await openContext(browser, t.url, { javaScriptEnabled });
      try {
        const { page } = c;
        await signIn(page, t.url, account, clock);
        await page.goto(`${t.url}/persons/${person}`);
        await submit(page, `a[href="/persons/${person}/reports/urgent_action"]`);
        assert.equal(await page.locator('.public-document h1').textContent(), 'Urgent action: A. B. disappeared after arrest');
        assert.match((await page.locator('.notice').first().textContent()) ?? '', /only anonymously/);
        const text = (await page.locator('body').textContent()) ?? '';
        for (const part of ['Asemgul', 'Bekbolat', 'Әсемгүл', 'Бекболат']) assert.ok(!text.includes(part), `the page shows "${part}"`);
        // By default, the entries of her citizenship; choosing the ministry instead goes through the address.
        assert.match((await page.locator('.document-addressees').textContent()) ?? '', /Dear Ambassador/);
        await page.locator('.addressee-form input[type=checkbox]:checked').uncheck();
        await page.check(`.addressee-form input[value="${ministry}"]`);
        await submit(page, '.addressee-form button[type=submit]');
        assert.equal(new URL(page.url()).searchParams.get('to'), ministry);
        const addressees = (await page.locator('.document-addressees').textContent()) ?? '';
        assert.match(addressees, /Dear Minister/);
        assert.doesNotMatch(addressees, /Dear Ambassador/);
        // Printed, only the document remains.
        await page.emulateMedia({ media: 'print' });
        assert.equal(await page.locator('.addressee-form').isVisible(), false);
        assert.equal(await page.locator('.save-draft').isVisible(), false);
        assert.equal(await page.locator('.public-document').isVisible(), true);
        await page.emulateMedia({ media: 'screen' });
        // Saved as a draft intervention, addressed to the ministry; the browser lands on it.
        assert.equal(await submit(page, '.save-draft button[type=submit]'), 200);
        const id = /^\/interventions\/([0-9a-f-]{36})\/edit$/.exec(new URL(page.url()).pathname)?.[1];
        assert.ok(id, page.url());
        const saved = (await t.api('GET', `/api/v1/interventions/${id}`)).body;
        assert.deepEqual([saved.type, saved.status, saved.addressee], ['letter_to_authorities', 'draft', 'Minister of Foreign Affairs of the Republic of Kazakhstan']);
        assert.ok(!saved.note.includes('Asemgul'));

        for (const url of c.requests) assert.ok(url.startsWith(`${t.url}/`), `request left the server: ${url}`);
        assert.deepEqual(c.errors, [], 'no console errors');
      } finally {
        await c.close();
      }
    });
  }
});
