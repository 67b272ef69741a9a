import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { ManualClock } from '../src/lib/clock.ts';
import { runDeadlineSweep } from '../src/watch/alerts.service.ts';
import { translator } from '../src/web/i18n.ts';
import { launchBrowser, openContext, submit, type RecordedContext } from './helpers/browser.ts';
import { BACKEND, personInput, startTestApp, type TestApp } from './helpers/test-app.ts';
import { prepareSessions, sessionValue } from './helpers/web-client.ts';

const PIN = '2468';
const DURESS = '1357';
const MINUTE = 60_000;


function assertStayedHome(c: RecordedContext, origin: string): void {
  for (const url of c.requests) assert.ok(url.startsWith(`${origin}/`), `request left the server: ${url}`);
  assert.deepEqual(c.errors, [], 'no console errors (a CSP violation would be one)');
}

describe(`the early-warning pages in Chromium (${BACKEND})`, () => {
  let t: TestApp;
  let browser: Browser;
  const clock = new ManualClock('2026-06-01T08:00:00Z');
  const checkinLinks: string[] = [];

  before(async () => {
    t = await startTestApp({ clock });
    await prepareSessions(t);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await t?.stop();
  });

  for (const javaScriptEnabled of [false, true]) {
    it(`sets up a watch, sees it come due, acknowledges and resolves the alert (JavaScript ${javaScriptEnabled ? 'on' : 'off'})`, async () => {
      const person = (await t.api('POST', '/api/v1/persons', { body: personInput({ names: [{ text: javaScriptEnabled ? 'Айгүл Сейіт' : 'Гүлбаһрам Тұрсын', script: 'Cyrl', lang: 'kk', kind: 'primary' }] }) })).body;
      const sister = (await t.api('POST', '/api/v1/persons', { body: personInput({ names: [{ text: 'Сәуле Сейіт', script: 'Cyrl', lang: 'kk', kind: 'primary' }] }) })).body;
      await t.api('POST', '/api/v1/relations', { body: { from_person_id: person.id, to_person_id: sister.id, relation: 'sister' } });
      const origin = new URL(t.url).origin;
      const c = await openContext(browser, t.url, { javaScriptEnabled });
      const page = c.page;
      const path = () => new URL(page.url()).pathname;
      const mode = javaScriptEnabled ? 'js' : 'nojs';
      try {
        await c.context.addCookies([{ name: 'vigil_session', value: sessionValue(t, 'researcher'), url: t.url }]);

        // From the case file to the set-up form.
        await page.goto(`${t.url}/persons/${person.id}`);
        assert.match((await page.locator('#watches').textContent()) ?? '', /No watch has been set up/);
        await submit(page, `#watches a[href="/watches/new?person_id=${person.id}"]`);
        assert.equal(path(), '/watches/new');
        await page.fill('#f-interval', '30m');
        await page.fill('#f-grace', '10m');
        await page.fill('#f-pin', PIN);
        await page.fill('#f-pin_repeat', '2469');
        await page.fill('#f-duress_pin', DURESS);
        await page.fill('#f-duress_pin_repeat', DURESS);
        await page.check(`#f-proxies-${sister.id}`);
        await page.fill('#f-escalation-0-emails', 'duty@ngo.example');
        await submit(page, 'form.watch-form button[type=submit].btn-primary');
        assert.match((await page.locator('#f-pin_repeat-error').textContent()) ?? '', /differ/);
        await page.screenshot({ path: `/tmp/vigil-watch-form-${mode}.png`, fullPage: true });
        assert.equal(await page.inputValue('#f-pin'), '', 'PINs are never sent back');
        assert.equal(await page.inputValue('#f-interval'), '30m', 'the rest is kept as typed');
        assert.ok(await page.isChecked(`#f-proxies-${sister.id}`));
        await page.fill('#f-pin', PIN);
        await page.fill('#f-pin_repeat', PIN);
        await page.fill('#f-duress_pin', DURESS);
        await page.fill('#f-duress_pin_repeat', DURESS);
        await submit(page, 'form.watch-form button[type=submit].btn-primary');

        // The check-in link, once.
        const link = ((await page.locator('#checkin-link').textContent()) ?? '').trim();
        assert.match(link, new RegExp(`^${origin}/c/[A-Za-z0-9_-]{43}$`));
        checkinLinks.push(link);
        assert.match((await page.locator('.checkin-once').textContent()) ?? '', /Shown only now/);
        await page.screenshot({ path: `/tmp/vigil-watch-created-${mode}.png`, fullPage: true });
        await submit(page, 'a.btn-primary[href^="/watches/"]');
        const watchPath = path();
        assert.match(watchPath, /^\/watches\/[0-9a-f-]{36}$/);
        assert.ok(!(await page.content()).includes(link.slice(-43)), 'the watch page never shows the link again');
        assert.match((await page.locator('#escalation').textContent()) ?? '', /duty@ngo\.example/);
        assert.match((await page.locator('#schedule').textContent()) ?? '', /Сәуле Сейіт/);

        // On the dashboard: coming due, no alert yet.
        await page.goto(`${t.url}/`);
        assert.equal(await page.locator(`#upcoming a[href="${watchPath}"]`).count(), 1);
        assert.equal(await page.locator(`#overdue-watches a[href="${watchPath}"]`).count(), 0);

        // The deadline passes (30 min + 10 min grace) and the worker's step runs.
        clock.advance(41 * MINUTE);
        const swept = await runDeadlineSweep(t.app.ctx);
        assert.ok(swept.missed >= 1, 'this watch’s deadline opened an alert');
        await page.goto(`${t.url}/`);
        await page.screenshot({ path: `/tmp/vigil-dashboard-${mode}.png`, fullPage: true });
        assert.equal(await page.locator('main section').first().getAttribute('id'), 'open-alerts', 'open alerts come first');
        const alertRow = page.locator('#open-alerts tr[data-alert]', { hasText: person.case_number });
        assert.equal(await alertRow.count(), 1);
        assert.match((await alertRow.textContent()) ?? '', /Missed check-in/);
        assert.match((await alertRow.textContent()) ?? '', /No contact since the watch began/);
        const overdueRow = page.locator(`#overdue-watches tr.overdue`, { hasText: person.case_number });
        assert.match((await overdueRow.textContent()) ?? '', /Overdue by 1 min/);
        await page.goto(`${t.url}/persons/${person.id}?lang=kk`);
        assert.match((await page.locator('#timeline .timeline-alerts').textContent()) ?? '', new RegExp(translator('kk').t('alert_kind.missed')));
        await page.screenshot({ path: `/tmp/vigil-person-kk-${mode}.png`, fullPage: true });
        await page.goto(`${t.url}/?lang=en`);

        // The alert: acknowledge, then resolve as contact restored.
        await submit(page, `#open-alerts tr[data-alert]:has-text("${person.case_number}") a[href^="/alerts/"]`);
        assert.match(path(), /^\/alerts\/[0-9a-f-]{36}$/);
        const alertPath = path();
        assert.match((await page.locator('.no-contact').textContent()) ?? '', /No contact since/);
        await submit(page, '#acknowledge button[type=submit]');
        assert.equal(path(), alertPath);
        assert.match((await page.locator('main').textContent()) ?? '', /Alert acknowledged/);
        assert.equal(await page.locator('#acknowledge').count(), 0, 'acknowledged once');
        await page.check('#f-resolve-outcome-contact_restored');
        await page.fill('#f-resolve-note', 'Her sister reached her by phone; she had no signal in the mountains.');
        await submit(page, '#resolve button[type=submit]');
        assert.match((await page.locator('main').textContent()) ?? '', /Alert resolved/);
        assert.match((await page.locator('#alert-facts').textContent()) ?? '', /Contact restored/);
        assert.equal(await page.locator('#history li.history-item').count(), 3, 'opened, acknowledged, resolved');
        await page.screenshot({ path: `/tmp/vigil-alert-${mode}.png`, fullPage: true });
        await page.goto(`${t.url}/`);
        assert.equal(await page.locator('#open-alerts tr[data-alert]', { hasText: person.case_number }).count(), 0, 'a resolved alert leaves the dashboard');

        // Contact made by the sister moves the watch on.
        await page.goto(t.url + watchPath);
        await page.selectOption('#f-contact-channel', 'phone_call');
        await page.selectOption('#f-contact-by_person_id', sister.id);
        await submit(page, '#record-contact button[type=submit]');
        assert.match((await page.locator('main').textContent()) ?? '', /Contact recorded/);
        assert.match((await page.locator('#checkins').textContent()) ?? '', /Phone call/);
        assert.equal(await page.locator('.notice-error', { hasText: 'Overdue' }).count(), 0, 'no longer overdue');
        await page.screenshot({ path: `/tmp/vigil-watch-${mode}.png`, fullPage: true });

        // The timeline of the case shows the watch; the navigation leads to the lists.
        await page.goto(`${t.url}/persons/${person.id}`);
        assert.equal(await page.locator(`#watches a[href="${watchPath}"]`).count(), 1);
        for (const [href, heading] of [['/watches', 'Watches'], ['/alerts', 'Alerts'], ['/', 'Open alerts']] as const) {
          await submit(page, `.mainnav a[href="${href}"]`);
          assert.equal(path(), href);
          assert.match((await page.locator('main').textContent()) ?? '', new RegExp(heading));
        }
        assertStayedHome(c, origin);
      } finally {
        await c.close();
      }
    });
  }

  it('the check-in page speaks the browser’s language and answers the PIN and the duress PIN alike', async () => {
    assert.ok(checkinLinks.length >= 1, 'a watch was set up above');
    const link = checkinLinks[0]!;
    const origin = new URL(t.url).origin;
    for (const [locale, lang] of [['kk-KZ', 'kk'], ['ru-RU', 'ru'], ['zh-CN', 'zh']] as const) {
      const i18n = translator(lang);
      const shown: string[] = [];
      const c = await openContext(browser, t.url, { javaScriptEnabled: false, locale });
      try {
        for (const pin of [PIN, DURESS]) {
          await c.page.goto(link);
          assert.equal(await c.page.getAttribute('html', 'lang'), lang, locale);
          assert.deepEqual(
            (await c.page.locator('button[type=submit]').allTextContents()).map((text) => text.trim()),
            [i18n.t('checkin.continue'), i18n.t('checkin.help'), i18n.t('checkin.cancel')],
          );
          assert.equal(await c.page.title(), i18n.t('checkin.title'));
          await c.page.fill('input[name="pin"]', pin);
          await submit(c.page, 'button[type="submit"]:not([name])');
          assert.equal(await c.page.title(), i18n.t('checkin.done_title'));
          shown.push(await c.page.content());
        }
        assert.deepEqual(await c.context.cookies(), [], 'no cookie');
        assertStayedHome(c, origin);
      } finally {
        await c.close();
      }
      assert.equal(shown[0], shown[1], `${lang}: the PIN and the duress PIN answer alike`);
      assert.ok(!shown[0]!.includes('Thank you'), `${lang}: not English`);
    }
  });
});
