import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { ManualClock } from '../src/lib/clock.ts';
import { enrolUser, type Account } from './helpers/accounts.ts';
import { launchBrowser, openContext, signIn as signInAs, submit } from './helpers/browser.ts';
import { BACKEND, personInput, startTestApp, type TestApp } from './helpers/test-app.ts';


describe(`duplicate review in Chromium (${BACKEND})`, () => {
  let t: TestApp;
  let browser: Browser;
  let account: Account;
  const clock = new ManualClock('2026-07-01T08:00:00Z');

  before(async () => {
    t = await startTestApp({ clock });
    account = await enrolUser(t, () => clock.now());
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await t?.stop();
  });

  const signIn = (page: Page): Promise<void> => signInAs(page, t.url, account, clock);

  async function createShared(body: Record<string, unknown>): Promise<{ id: string; case_number: string }> {
    const created = await t.api('POST', '/api/v1/persons', { body: personInput(body) });
    assert.equal(created.status, 201, created.text);
    const member = await t.api('POST', `/api/v1/persons/${created.body.id}/members`, { body: { user_id: account.id, role: 'researcher' } });
    assert.equal(member.status, 201, member.text);
    return created.body;
  }

  for (const javaScriptEnabled of [false, true]) {
    it(`reviews, merges and un-merges (JavaScript ${javaScriptEnabled ? 'on' : 'off'})`, async () => {
      const year = javaScriptEnabled ? '1979' : '1984';
      const kk = await createShared({ names: [{ text: 'Жанаргүл Жұматай', script: 'Cyrl', lang: 'kk' }], birth: year, hometown: 'Ghulja' });
      const en = await createShared({ names: [{ text: 'Zhanargul Zhumatai', script: 'Latn', lang: 'en' }], birth: year, hometown: 'Ghulja' });
      const c = await openContext(browser, t.url, { javaScriptEnabled });
      const page = c.page;
      try {
        await signIn(page);
        // The person page says there may be a duplicate and links to the review.
        await page.goto(`${t.url}/persons/${kk.id}`);
        assert.equal(await page.locator('#duplicates').count(), 1);
        await submit(page, `#duplicates a[href="/persons/${kk.id}/duplicates"]`);
        assert.equal(new URL(page.url()).pathname, `/persons/${kk.id}/duplicates`);

        const card = page.locator(`#candidate-${en.case_number}`);
        const text = (await card.textContent()) ?? '';
        assert.match(text, /Zhanargul Zhumatai/);
        assert.match(text, /Жанаргүл Жұматай/);
        assert.match(text, /names: Cyrillic Жанаргүл ≈ Latin Zhanargul/);
        assert.match(text, new RegExp(`birth: both ${year}`));
        assert.match(text, /Ghulja/);

        // Without a reason nothing happens: the page says why.
        await submit(page, `#candidate-${en.case_number} button[data-action="into_this-${en.case_number}"]`);
        assert.equal(new URL(page.url()).pathname, `/persons/${kk.id}/duplicates/merge`);
        assert.match((await page.locator('main').textContent()) ?? '', /Give a reason/);
        assert.equal((await t.api('GET', `/api/v1/persons/${en.id}`)).body.duplicate_of, null);

        // "Merge that one into this": the candidate becomes the merged record, with its banner.
        await page.fill(`#candidate-${en.case_number} #f-merge-from-${en.case_number}-reason`, 'same woman, press spelling');
        await submit(page, `#candidate-${en.case_number} button[data-action="into_this-${en.case_number}"]`);
        assert.equal(new URL(page.url()).pathname, `/persons/${en.id}`);
        const banner = (await page.locator('.merge-banner').textContent()) ?? '';
        assert.match(banner, new RegExp(`Merged into ${kk.case_number}`));
        assert.equal(await page.locator(`.merge-banner a[href="/persons/${kk.id}"]`).count(), 1);
        assert.equal((await t.api('GET', `/api/v1/persons/${en.id}`)).body.duplicate_of, kk.id);

        // The survivor names the record merged into it.
        await page.goto(`${t.url}/persons/${kk.id}`);
        assert.equal(await page.locator(`main a[href="/persons/${en.id}"]`).count() >= 1, true);
        assert.equal(await page.locator('#duplicates').count(), 0);

        // Un-merge from the merged record's banner.
        await page.goto(`${t.url}/persons/${en.id}`);
        await page.fill('#f-unmerge-reason', 'her cousin after all');
        await submit(page, '.merge-banner button[type=submit]');
        assert.equal(new URL(page.url()).pathname, `/persons/${en.id}`);
        assert.equal(await page.locator('.merge-banner').count(), 0);
        assert.match((await page.locator('main').textContent()) ?? '', /Un-merged/);
        const history = await t.api('GET', `/api/v1/persons/${en.id}/history`);
        assert.deepEqual(
          history.body.items.slice(0, 2).map((item: { action: string }) => item.action),
          ['unmerge', 'merge'],
        );
        assert.match((await page.locator('#history').textContent()) ?? '', /un-merged/);

        // "Different people" hides the pair; undo brings it back.
        await page.goto(`${t.url}/persons/${kk.id}/duplicates`);
        await submit(page, `#candidate-${en.case_number} button[data-action="distinct-${en.case_number}"]`);
        assert.equal(await page.locator(`#candidate-${en.case_number}`).count(), 0);
        assert.match((await page.locator('#different').textContent()) ?? '', new RegExp(en.case_number));
        await submit(page, `#different button[data-action="undo-${en.case_number}"]`);
        assert.equal(await page.locator(`#candidate-${en.case_number}`).count(), 1);
        assert.deepEqual(c.errors, []);
      } finally {
        await c.close();
      }
    });
  }

  it('shows possible duplicates right after creating a person through the form', async () => {
    await createShared({ names: [{ text: 'Абдурехим Хейит', script: 'Cyrl', lang: 'ru' }], birth: '1965' });
    const c = await openContext(browser, t.url, { javaScriptEnabled: false });
    try {
      await signIn(c.page);
      await c.page.goto(`${t.url}/persons/new`);
      await c.page.fill('#f-names-0-text', 'Abdurehim Heyit');
      await c.page.fill('#f-birth', '1965');
      await submit(c.page, '.person-form button[type=submit].btn-primary');
      assert.match(new URL(c.page.url()).pathname, /^\/persons\/[0-9a-f-]{36}$/);
      const main = (await c.page.locator('main').textContent()) ?? '';
      assert.match(main, /may duplicate 1 existing record/);
      assert.equal(await c.page.locator('#duplicates').count(), 1);
    } finally {
      await c.close();
    }
  });
});
