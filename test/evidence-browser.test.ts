import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { gradientPng, sineWav } from '../src/demo/demo-media.ts';
import { ManualClock } from '../src/lib/clock.ts';
import { enrolUser, type Account } from './helpers/accounts.ts';
import { launchBrowser, openContext, signIn as signInAs, submit, type RecordedContext } from './helpers/browser.ts';
import { BACKEND, personInput, startTestApp, type TestApp } from './helpers/test-app.ts';

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');


describe(`evidence pages in Chromium (${BACKEND})`, () => {
  let t: TestApp;
  let browser: Browser;
  let account: Account;
  const clock = new ManualClock('2026-07-01T08:00:00Z');
  const wav = sineWav();
  const png = gradientPng();

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

  /** From the person page through "Add evidence" and the form to the new item's page; returns its path. */
  async function addEvidence(page: Page, personId: string, file: { name: string; mimeType: string; buffer: Buffer }, description: string): Promise<string> {
    await page.goto(`${t.url}/persons/${personId}`);
    await submit(page, `#evidence a[href="/evidence/new?person_id=${personId}"]`);
    assert.equal(new URL(page.url()).pathname, '/evidence/new');
    await page.fill('#f-description', description);
    await page.fill('#f-recorded_by', 'her brother');
    await page.fill('#f-recorded_at', '2021-02-19');
    await page.fill('#f-recorded_at_asserted_by', 'the file’s metadata');
    await page.setInputFiles('#f-file', file);
    await submit(page, '.evidence-form button[type=submit].btn-primary');
    const path = new URL(page.url()).pathname;
    assert.match(path, /^\/evidence\/[0-9a-f-]{36}$/);
    assert.match((await page.locator('main').textContent()) ?? '', /The file was received and stored encrypted/);
    assert.equal((await page.locator('#sha256 code').textContent())?.trim(), sha256(file.buffer));
    assert.equal(await page.locator('#custody tr[data-kind="received"]').count(), 1);
    assert.ok((await page.locator('#checkpoint').textContent())?.includes('\n— '), 'a signed checkpoint');
    return path;
  }

  for (const javaScriptEnabled of [false, true]) {
    it(`uploads a recording and a photo from the person page, plays and shows them, and downloads the original (JavaScript ${javaScriptEnabled ? 'on' : 'off'})`, async () => {
      const person = (await t.api('POST', '/api/v1/persons', { body: personInput() })).body;
      await t.api('POST', `/api/v1/persons/${person.id}/members`, { body: { user_id: account.id, role: 'researcher' } });
      const origin = new URL(t.url).origin;
      const c: RecordedContext = await openContext(browser, t.url, { javaScriptEnabled });
      const page = c.page;
      const mode = javaScriptEnabled ? 'js' : 'nojs';
      /** Answers of the content route: a player asks by range and is answered 206. */
      const content: Array<{ url: string; status: number; range: string | undefined }> = [];
      c.context.on('response', (response) => {
        if (/\/evidence\/[^/]+\/content/.test(response.url())) content.push({ url: response.url(), status: response.status(), range: response.request().headers().range });
      });
      try {
        await signIn(page);

        const audioPath = await addEvidence(page, person.id, { name: 'brother-19feb.wav', mimeType: 'audio/wav', buffer: wav }, 'Voice message from her brother');
        const audio = page.locator('#file audio');
        assert.equal(await audio.getAttribute('src'), `${audioPath}/content`);
        if (javaScriptEnabled) {
          await page.waitForFunction(() => ((document.querySelector("#file audio") as HTMLAudioElement | null)?.readyState ?? 0) >= 1);
          assert.ok((await audio.evaluate((element: HTMLAudioElement) => element.readyState)) >= 1, 'HAVE_METADATA');
          assert.ok((await audio.evaluate((element: HTMLAudioElement) => element.duration)) > 0.4, 'the player read the length');
        }
        await page.screenshot({ path: `/tmp/vigil-evidence-audio-${mode}.png`, fullPage: true });

        const imagePath = await addEvidence(page, person.id, { name: 'summons.png', mimeType: 'image/png', buffer: png }, 'Photo of the summons');
        const image = page.locator('#file img');
        assert.equal(await image.getAttribute('src'), `${imagePath}/content`);
        if (javaScriptEnabled) {
          await page.waitForFunction(() => ((document.querySelector('#file img') as HTMLImageElement | null)?.naturalWidth ?? 0) > 0);
          assert.equal(await image.evaluate((element: HTMLImageElement) => element.naturalWidth), 24);
        }

        // The original, byte for byte, from the download link.
        const [download] = await Promise.all([page.waitForEvent('download'), page.click('.evidence-download a')]);
        assert.equal(download.suggestedFilename(), 'summons.png');
        assert.ok((await readFile((await download.path())!)).equals(png));

        // Both are on the person page, newest first.
        await page.goto(`${t.url}/persons/${person.id}`);
        assert.deepEqual(await page.locator('#evidence tbody a').allTextContents(), ['summons.png', 'brother-19feb.wav']);
        await page.screenshot({ path: `/tmp/vigil-evidence-person-${mode}.png`, fullPage: true });

        // The browser fetched the media from Vigil, the player by range.
        assert.ok(content.some((answer) => answer.url.endsWith(`${audioPath}/content`) && answer.status === 206 && answer.range?.startsWith('bytes=')), JSON.stringify(content));
        assert.ok(content.some((answer) => answer.url.endsWith(`${imagePath}/content`) && answer.status === 200));
        for (const url of c.requests) assert.ok(url.startsWith(`${origin}/`), `request left the server: ${url}`);
        assert.deepEqual(c.errors, [], 'no console errors (a CSP violation would be one)');
      } finally {
        await c.close();
      }
    });
  }
});
