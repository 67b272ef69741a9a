import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

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
