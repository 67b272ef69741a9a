import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { ManualClock } from '../src/lib/clock.ts';
import { enrolUser, type Account } from './helpers/accounts.ts';
import { launchBrowser, openContext, signIn } from './helpers/browser.ts';
import { BACKEND, startTestApp, type TestApp } from './helpers/test-app.ts';
import { STORY_PERSON } from './helpers/story-person.ts';

/**
 * The WGEID communication in Chromium, with JavaScript on and off: the document, its footnotes,
 * the missing elements flagged with their links, printing without the page's own controls, and no
 * request leaving the server. With VIGIL_SCREENSHOTS=1 it also refreshes docs/screenshots/wgeid-*.png.
 */
describe(`the WGEID communication in Chromium (${BACKEND})`, () => {
  let t: TestApp;
  let browser: Browser;
  let account: Account;
  const clock = new ManualClock('2026-10-01T08:00:00Z');
  const ids = { complete: '', incomplete: '' };

  before(async () => {
    t = await startTestApp({ clock });
    account = await enrolUser(t, () => clock.now());
    browser = await launchBrowser();
    const created = async (path: string, body: unknown) => {
      const response = await t.api('POST', path, { body });
      assert.equal(response.status, 201, `${path}: ${response.text}`);
      return response.body.id as string;
    };
    const share = async (person: string) => assert.equal((await t.api('POST', `/api/v1/persons/${person}/members`, { body: { user_id: account.id, role: 'researcher' } })).status, 201);
    ids.complete = await created('/api/v1/persons', {
      ...STORY_PERSON,
    });
    const call = await created('/api/v1/sources', { person_id: ids.complete, kind: 'phone_call', title: 'Sister’s call: taken from her mother’s home', date: '2026-09-18' });
    const police = await created('/api/v1/actors', { name: 'Toli County Public Security Bureau', type: 'police' });
    await created(`/api/v1/persons/${ids.complete}/statuses`, {
      status: 'detained',
      date: '2026-09-18',
      place: 'Her mother’s home, Toli county town',
      whereabouts_acknowledged: 'no',
      citations: [{ source_id: call, hand: 'second_hand' }],
    });
    await created(`/api/v1/persons/${ids.complete}/statuses`, { status: 'disappeared', date: '2026-09-25', place: 'Last seen at her mother’s home', whereabouts_acknowledged: 'denied' });
    await created('/api/v1/events', {
      title: 'Taken from her mother’s home',
      date: '2026-09-18',
      acts: [{ type: 'arrest', victim_id: ids.complete, perpetrators: [{ actor_id: police, involvement: 'direct' }], citations: [{ source_id: call }] }],
    });
    await created('/api/v1/interventions', { person_id: ids.complete, type: 'family_petition', addressee: 'Toli County Procuratorate', date: '2026-09-26', status: 'sent' });
    ids.incomplete = await created('/api/v1/persons', { names: [{ text: 'Ерлан Омаров', script: 'Cyrl', lang: 'kk' }] });
    await share(ids.complete);
    await share(ids.incomplete);
  });
  after(async () => {
    await browser?.close();
    await t?.stop();
  });

  for (const javaScriptEnabled of [false, true]) {
    it(`shows the document with footnotes, flags what is missing, prints without controls (JavaScript ${javaScriptEnabled ? 'on' : 'off'})`, async () => {
      const c = await openContext(browser, t.url, { javaScriptEnabled });
      try {
        const { page } = c;
        await signIn(page, t.url, account, clock);
        await page.goto(`${t.url}/persons/${ids.complete}`);
        await Promise.all([page.waitForNavigation(), page.click(`a[href="/persons/${ids.complete}/reports/wgeid"]`)]);
        const json = await t.api('GET', `/api/v1/persons/${ids.complete}/reports/wgeid`);
        assert.equal(await page.locator('.wgeid-document h1').textContent(), 'Urgent appeal: enforced disappearance', JSON.stringify([json.body.procedure_reason, json.body.missing]));
        assert.equal(await page.locator('.wgeid-elements > li').count(), 6);
        assert.equal(await page.locator('.wgeid-elements > li.missing').count(), 0);
        assert.match((await page.locator('#element-d').textContent()) ?? '', /Toli County Public Security Bureau/);
        // A footnote leads to its source.
        await page.locator('#element-b sup.refs a').first().click();
        assert.match(page.url(), /#source-1$/);
        assert.match((await page.locator('#source-1').textContent()) ?? '', /Sister’s call/);
        if (javaScriptEnabled && process.env.VIGIL_SCREENSHOTS) {
          const dir = join(import.meta.dirname, '..', 'docs', 'screenshots');
          mkdirSync(dir, { recursive: true });
          await page.screenshot({ path: join(dir, 'wgeid-document.png'), fullPage: true });
        }
        // Printed, the page's own controls are gone and the document stays.
        await page.emulateMedia({ media: 'print' });
        assert.equal(await page.locator('.topbar').isVisible(), false);
        assert.equal(await page.locator('.wgeid-missing-list, .person-actions').first().isVisible(), false);
        assert.equal(await page.locator('.wgeid-document').isVisible(), true);
        await page.emulateMedia({ media: 'screen' });

        // An incomplete case: each missing element flagged, its link leading to where it is filled.
        await page.goto(`${t.url}/persons/${ids.incomplete}/reports/wgeid`);
        assert.equal(await page.locator('.wgeid-elements > li.missing').count(), 4);
        assert.match((await page.locator('.notice').first().textContent()) ?? '', /4 of the six required elements are missing/);
        await Promise.all([page.waitForNavigation(), page.click('#element-d .wgeid-flag a')]);
        assert.equal(new URL(page.url()).pathname, `/persons/${ids.incomplete}`);
        assert.equal(new URL(page.url()).hash, '#events');

        for (const url of c.requests) assert.ok(url.startsWith(`${t.url}/`), `request left the server: ${url}`);
        assert.deepEqual(c.errors, [], 'no console errors');
      } finally {
        await c.close();
      }
    });
  }
});
