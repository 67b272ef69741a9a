import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { ManualClock } from '../src/lib/clock.ts';
import { enrolUser, type Account } from './helpers/accounts.ts';
import { launchBrowser, openContext, signIn as signInAs, submit, type RecordedContext } from './helpers/browser.ts';
import { BACKEND, personInput, startTestApp, type TestApp } from './helpers/test-app.ts';

const name = (text: string, script: string, lang: string | null, kind = 'primary') => ({ text, script, lang, kind });


describe(`search in Chromium (${BACKEND})`, () => {
  let t: TestApp;
  let browser: Browser;
  let account: Account;
  const clock = new ManualClock('2026-07-01T08:00:00Z');
  const ids: Record<string, string> = {};

  before(async () => {
    t = await startTestApp({ clock });
    account = await enrolUser(t, () => clock.now());
    browser = await launchBrowser();
    const create = async (key: string, names: ReturnType<typeof name>[], status: [string, string] | null, extra: Record<string, unknown> = {}) => {
      const response = await t.api('POST', '/api/v1/persons', { body: personInput({ names, ...extra }) });
      assert.equal(response.status, 201, response.text);
      ids[key] = response.body.id;
      const member = await t.api('POST', `/api/v1/persons/${ids[key]}/members`, { body: { user_id: account.id, role: 'researcher' } });
      assert.ok(member.status === 200 || member.status === 201, member.text);
      if (status) {
        const added = await t.api('POST', `/api/v1/persons/${ids[key]}/statuses`, { body: { status: status[0], date: status[1] } });
        assert.equal(added.status, 201, added.text);
      }
    };
    await create('zhanargul', [name('Жанаргүл Жұматай', 'Cyrl', 'kk'), name('Zhanargul Zhumatai', 'Latn', null, 'transliteration'), name('加娜尔古丽', 'Hans', 'zh', 'transliteration')], ['camp', '2018-03']);
    // Namesakes, so that ranking first means something.
    await create('zhanar', [name('Жанар Жұмабаева', 'Cyrl', 'kk')], ['detained', '2019']);
    await create('gulnar', [name('Гүлнар Жұматаева', 'Cyrl', 'kk')], null);
    await create('aigul', [name('Aigul Zhumatai', 'Latn', 'en')], ['detained', '2020-01-05']);
    await create('ilham', [name('ئىلھام توختى', 'Arab', 'ug'), name('Ilham Tohti', 'Latn', null, 'transliteration')], null, { ethnicity: 'uyghur' });
  });
  after(async () => {
    await browser?.close();
    await t?.stop();
  });

  const signIn = (page: Page): Promise<void> => signInAs(page, t.url, account, clock);

  /** Types into the header's search box and submits it. */
  async function headerSearch(page: Page, q: string): Promise<number> {
    await page.fill('#site-search-q', q);
    return submit(page, '.site-search button[type=submit]');
  }

  const firstHit = (page: Page) => page.locator('#person-hits > li.search-hit').first();

  for (const javaScriptEnabled of [false, true]) {
    it(`finds a person from the header box by a Chinese form, filters, and survives hostile queries (JavaScript ${javaScriptEnabled ? 'on' : 'off'})`, async () => {
      const c: RecordedContext = await openContext(browser, t.url, { javaScriptEnabled });
      const page = c.page;
      const mode = javaScriptEnabled ? 'js' : 'nojs';
      const dialogs: string[] = [];
      page.on('dialog', (dialog) => {
        dialogs.push(dialog.message());
        void dialog.dismiss();
      });
      try {
        await signIn(page);
        // The box is labelled for assistive technology.
        assert.equal(await page.getByLabel('Search persons by any form of a name').count(), 1);

        // A Chinese form finds the Kazakh record, first, and says why.
        assert.equal(await headerSearch(page, '加娜尔古丽'), 200);
        const url = new URL(page.url());
        assert.equal(url.pathname, '/search');
        assert.equal(url.searchParams.get('q'), '加娜尔古丽');
        assert.equal(await firstHit(page).getAttribute('data-person-id'), ids.zhanargul);
        assert.match((await firstHit(page).locator('.hit-why').textContent()) ?? '', /Chinese 加娜尔古丽 [=≈] Chinese 加娜尔古丽|加娜尔古丽/);
        assert.deepEqual(await firstHit(page).locator('.hit-names bdi').allTextContents(), ['Жанаргүл Жұматай', 'Zhanargul Zhumatai', '加娜尔古丽']);
        assert.equal(await page.inputValue('#f-q'), '加娜尔古丽', 'the query stays in the page form');
        await page.screenshot({ path: `/tmp/vigil-search-chinese-${mode}.png`, fullPage: true });

        // A Latin form finds it too, with a cross-script explanation.
        assert.equal(await headerSearch(page, 'Zhanargul Zhumatai'), 200);
        assert.equal(await firstHit(page).getAttribute('data-person-id'), ids.zhanargul);
        assert.match((await firstHit(page).locator('.hit-why').textContent()) ?? '', /Latin Zhanargul/);
        // The case number leads to the person page.
        await submit(page, `#person-hits a.hit-case[href="/persons/${ids.zhanargul}"]`);
        assert.equal(new URL(page.url()).pathname, `/persons/${ids.zhanargul}`);

        // Arabic script renders right to left inside the list.
        assert.equal(await headerSearch(page, 'Ilham Tohti'), 200);
        assert.equal(await firstHit(page).getAttribute('data-person-id'), ids.ilham);
        const arabic = firstHit(page).locator('bdi[lang="ug-Arab"]');
        assert.equal(await arabic.textContent(), 'ئىلھام توختى');
        assert.equal(await arabic.getAttribute('dir'), 'auto');
        assert.equal(await arabic.evaluate((element) => getComputedStyle(element).direction), 'rtl');
        assert.equal(await firstHit(page).locator('bdi[lang="und-Latn"]').evaluate((element) => getComputedStyle(element).direction), 'ltr');

        // The page's own form: a status filter narrows the list.
        await page.fill('#f-q', 'Zhumatai');
        assert.equal(await submit(page, '.search-form button[type=submit]'), 200);
        const all = await page.locator('#person-hits > li.search-hit').evaluateAll((items) => items.map((item) => item.getAttribute('data-person-id')));
        assert.ok(all.includes(ids.zhanargul) && all.includes(ids.aigul), JSON.stringify(all));
        await page.selectOption('#f-status', 'camp');
        assert.equal(await submit(page, '.search-form button[type=submit]'), 200);
        assert.equal(new URL(page.url()).searchParams.get('status'), 'camp');
        assert.deepEqual(await page.locator('#person-hits > li.search-hit').evaluateAll((items) => items.map((item) => item.getAttribute('data-person-id'))), [ids.zhanargul]);
        await page.selectOption('#f-status', 'disappeared');
        assert.equal(await submit(page, '.search-form button[type=submit]'), 200);
        assert.equal(await page.locator('#person-hits > li').count(), 0);
        assert.equal(await page.locator('#search-empty').count(), 1);
        // A bad date in the form: a message at the field, status 400.
        await page.selectOption('#f-status', '');
        await page.fill('#f-from', 'last spring');
        assert.equal(await submit(page, '.search-form button[type=submit]'), 400);
        assert.match((await page.locator('#f-from-error').textContent()) ?? '', /Not a date/);
        assert.equal(await page.inputValue('#f-from'), 'last spring');

        // Hostile queries: escaped text or a clear message, never a 500, never a script run.
        const hostile: Array<[string, number[]]> = [
          ['<script>alert(1)</script>', [200, 400]],
          ['"><img src=x onerror=alert(2)>', [200, 400]],
          ['x'.repeat(10_000), [400]],
          ['Жанаргүл\u200dZhumatai', [200]], // found: see the check after this loop
          ['Zhanar\u200bgul', [200, 400]],
          ["' OR 1=1 --", [200, 400]],
        ];
        for (const [q, statuses] of hostile) {
          const status = await headerSearch(page, q);
          assert.ok(statuses.includes(status), `${q.slice(0, 30)}: ${status}`);
          assert.equal(await page.inputValue('#f-q'), q, 'what was typed comes back as text');
          if (status === 400) assert.ok(((await page.locator('#search-error').textContent()) ?? '').length > 10, 'a message says what is wrong');
          assert.equal(await page.locator('main script, main img[src="x"]').count(), 0);
        }
        assert.equal(await headerSearch(page, 'x'.repeat(10_000)), 400);
        assert.match((await page.locator('#f-q-error').textContent()) ?? '', /at most 200 characters/i);
        assert.equal(await headerSearch(page, 'Жанаргүл\u200dZhumatai'), 200);
        assert.equal(await firstHit(page).getAttribute('data-person-id'), ids.zhanargul, 'two scripts joined by a zero-width joiner read as two words');
        assert.equal(await headerSearch(page, 'Жанар\u200dгүл Жұматай'), 200);
        assert.equal(await firstHit(page).getAttribute('data-person-id'), ids.zhanargul, 'a zero-width joiner does not hide the person');
        await page.screenshot({ path: `/tmp/vigil-search-hostile-${mode}.png`, fullPage: true });

        assert.deepEqual(dialogs, [], 'no script ran');
        for (const request of c.requests) assert.ok(request.startsWith(`${new URL(t.url).origin}/`), `request left the server: ${request}`);
        assert.deepEqual(c.errors, [], 'no console errors (a CSP violation would be one)');
      } finally {
        await c.close();
      }
    });
  }
});
