import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchBrowser, openContext, submit } from './helpers/browser.ts';
import { BACKEND, personInput, startTestApp, type TestApp } from './helpers/test-app.ts';

/**
 * The public register in Chromium, with JavaScript on and off, signed out: the list, a search and a
 * case page work, and no request leaves the server. With VIGIL_SCREENSHOTS=1 it also refreshes
 * docs/screenshots/public-case.png.
 */
describe(`the public register in Chromium (${BACKEND})`, () => {
  let t: TestApp;
  let browser: Browser;
  const cases = { named: '', anonymous: '' };

  before(async () => {
    t = await startTestApp();
    browser = await launchBrowser();
    const created = async (path: string, body: unknown) => {
      const response = await t.api('POST', path, { token: t.tokens.coordinator, body });
      assert.equal(response.status, 201, `${path}: ${response.text}`);
      return response.body as { id: string; case_number: string };
    };
    const named = await created(
      '/api/v1/persons',
      personInput({
        names: [
          { text: 'Әсемгүл Бекболат', script: 'Cyrl', lang: 'kk', kind: 'primary' },
          { text: 'Asemgul Bekbolat', script: 'Latn', lang: 'en', kind: 'transliteration' },
          { text: '阿赛姆古丽·别克波拉提', script: 'Hans', lang: 'zh', kind: 'official_chinese' },
        ],
        birth: '1976~',
        hometown: 'Toli county, Tacheng',
        national_id: 'Browsersecret-650101',
        verification: 3,
        consent: { publicity: 'named', location: 'region', given_by: 'her sister', date: '2026-09' },
        published: true,
      }),
    );
    cases.named = named.case_number;
    await created(`/api/v1/persons/${named.id}/statuses`, { status: 'detained', date: '2026-09-18', place: 'Her mother’s home, Toli county town' });
    await created(`/api/v1/persons/${named.id}/statuses`, { status: 'disappeared', date: '2026-09-25', place: 'Toli county detention centre' });
    const anonymous = await created('/api/v1/persons', personInput({ names: [{ text: 'Ерлан Омаров', script: 'Cyrl', lang: 'kk' }], consent: { publicity: 'anonymous', location: 'hidden' }, published: true }));
    cases.anonymous = anonymous.case_number;
    await created(`/api/v1/persons/${anonymous.id}/statuses`, { status: 'camp', date: '2019', place: 'Camp near Ghulja' });
  });
  after(async () => {
    await browser?.close();
    await t?.stop();
  });

  for (const javaScriptEnabled of [true, false]) {
    const mode = javaScriptEnabled ? 'with JavaScript' : 'without JavaScript';
    it(`lists, searches and shows a case, ${mode}, and asks nothing of any other host`, async () => {
      const recorded = await openContext(browser, t.url, { javaScriptEnabled });
      try {
        const { page } = recorded;
        assert.equal((await page.goto(`${t.url}/public`))?.status(), 200);
        const rows = await page.locator('table.public-list tbody tr').allInnerTexts();
        assert.equal(rows.length, 2);
        assert.ok(rows.some((row) => row.includes('Asemgul Bekbolat')));
        assert.ok(rows.some((row) => row.includes('Е. О.') && !row.includes('Ерлан')));
        await page.fill('#public-q', 'Asemgul');
        assert.equal(await submit(page, 'form.filters button[type=submit]'), 200);
        assert.equal(new URL(page.url()).searchParams.get('q'), 'Asemgul');
        assert.equal(await page.locator('table.public-list tbody tr').count(), 1);
        await page.fill('#public-q', 'Ерлан Омаров');
        assert.equal(await submit(page, 'form.filters button[type=submit]'), 200);
        assert.equal(await page.locator('table.public-list tbody tr').count(), 0, 'an anonymous name finds nothing');
        await page.fill('#public-q', cases.anonymous);
        assert.equal(await submit(page, 'form.filters button[type=submit]'), 200);
        assert.equal(await page.locator('table.public-list tbody tr').count(), 1, 'a case number finds its case');
        await page.fill('#public-q', '');
        await submit(page, 'form.filters button[type=submit]');
        assert.equal(await submit(page, `a[href="/public/cases/${cases.named}"]`), 200);
        const text = await page.locator('main').innerText();
        assert.ok(text.includes('Asemgul Bekbolat') && text.includes('阿赛姆古丽·别克波拉提'));
        assert.ok(text.includes('Tacheng') && !text.includes('Toli county'), 'the region, not the place');
        assert.ok(text.includes('2026-09-25') && !text.includes('Browsersecret'));
        assert.ok(text.includes('Corrections'));
        if (javaScriptEnabled && process.env.VIGIL_SCREENSHOTS) {
          const dir = join(import.meta.dirname, '..', 'docs', 'screenshots');
          mkdirSync(dir, { recursive: true });
          await page.screenshot({ path: join(dir, 'public-case.png'), fullPage: true });
        }
        assert.equal(await submit(page, 'nav.public-nav a[href="/public/stats"]'), 200);
        assert.equal(await page.locator('svg.bar-chart').count(), 4);
        const foreign = recorded.requests.filter((url) => !url.startsWith(`${t.url}/`));
        assert.deepEqual(foreign, [], 'no request leaves the server');
        assert.deepEqual(recorded.errors, [], 'no console errors (CSP violations included)');
        assert.deepEqual(await recorded.context.cookies(), [], 'no cookie is set');
      } finally {
        await recorded.close();
      }
    });
  }
});
