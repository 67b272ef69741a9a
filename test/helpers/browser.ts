import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { ManualClock } from '../../src/lib/clock.ts';
import { totpCode, type Account } from './accounts.ts';

/** Debian's Chromium; tests never download a browser. */
export const CHROMIUM = process.env.VIGIL_TEST_CHROMIUM || '/usr/bin/chromium';

/** Launches Chromium; its absence fails the suite (npm's pretest installs it), it never skips. */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: run 'apt-get install chromium' (npm test's pretest does this as root)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export interface RecordedContext {
  context: BrowserContext;
  page: Page;
  /** Every URL any page of the context asked for, in order. */
  requests: string[];
  /** Console errors and uncaught page errors (CSP violations show up here). */
  errors: string[];
  close(): Promise<void>;
}

/**
 * A fresh browser profile that records every request and lets only those to `origin` through,
 * so a page that tried to reach another host fails the test instead of leaking.
 */
export async function openContext(
  browser: Browser,
  origin: string,
  options: { javaScriptEnabled: boolean; locale?: string },
): Promise<RecordedContext> {
  const context = await browser.newContext({
    javaScriptEnabled: options.javaScriptEnabled,
    locale: options.locale ?? 'en-US',
    viewport: { width: 1280, height: 900 },
  });
  const requests: string[] = [];
  const errors: string[] = [];
  context.on('request', (request) => requests.push(request.url()));
  await context.route('**/*', (route) => (route.request().url().startsWith(`${origin}/`) ? route.continue() : route.abort()));
  const page = await context.newPage();
  page.on('console', (message) => {
    // Pages answered 4xx on purpose (a form with errors is a 400) are not faults.
    if (message.type() === 'error' && !/^Failed to load resource: the server responded with a status of 4\d\d/.test(message.text())) {
      errors.push(message.text());
    }
  });
  page.on('pageerror', (error) => errors.push(error.message));
  return { context, page, requests, errors, close: () => context.close() };
}

/** Submits a form by its button (or follows a link) and waits for the page that answers, a full load with script or without; its HTTP status. */
export async function submit(page: Page, selector: string): Promise<number> {
  const [response] = await Promise.all([page.waitForNavigation(), page.click(selector)]);
  return response?.status() ?? 0;
}

/** Signs in through the sign-in form, with a code of a TOTP step not used before (the clock moves on 30 s). */
export async function signIn(page: Page, url: string, account: Account, clock: ManualClock): Promise<void> {
  clock.advance(30_000);
  await page.goto(`${url}/login`);
  await page.fill('#f-email', account.email);
  await page.fill('#f-password', account.password);
  await page.fill('#f-totp', totpCode(account.secret, clock.now()));
  await submit(page, '.login-panel button[type=submit].btn-primary');
  assert.equal(new URL(page.url()).pathname, '/persons');
}
