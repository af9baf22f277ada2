/**
 * The demo page in a real browser, as a new user sees it under `npm run dev` (here with the
 * production build): a server action defers a task, the emulator calls the verified handler, and
 * the result shows on the page by itself; the analytics ping sent with runAfterResponse shows too;
 * a flaky task appears after its retries. Run with `npm run test:e2e`.
 */
import type { Browser, Page } from 'playwright-core';
import { startEmulatedApp, type EmulatedApp } from '../helpers/emulated-app';
import type { RunningServer } from '../helpers/next-server';
import { launchChromium } from './browser';

jest.setTimeout(300_000);

let loop: EmulatedApp;
let app: RunningServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  loop = await startEmulatedApp();
  app = loop.app;
  browser = await launchChromium();
  page = await browser.newPage();
});

afterAll(async () => {
  await browser?.close();
  await loop?.stop();
});

const greetingsRow = (text: string) => page.locator('#greetings tbody tr', { hasText: text });

test('a deferred greeting shows on the page once its task ran, with the analytics ping', async () => {
  await page.goto(`${app.url}/`);
  await expect(page.locator('#greetings tbody tr').count()).resolves.toBe(0);
  await page.getByLabel('name').fill('Katherine');
  await page.getByRole('button', { name: 'Defer a greeting' }).click();
  await expect(page.getByRole('status').textContent()).resolves.toMatch(/^Deferred [\w-]+ \(greet\)$/);
  // No reload: the page refreshes itself until the task has run through the emulator.
  await greetingsRow('Hello, Katherine!').waitFor({ timeout: 30_000 });
  await expect(greetingsRow('Hello, Katherine!').locator('td').nth(1).textContent()).resolves.toBe('1');
  await page.locator('#pings li', { hasText: 'deferred:greet' }).waitFor({ timeout: 30_000 });
});

test('a flaky task shows up after two failed attempts, on its third', async () => {
  await page.getByLabel('name').fill('Dorothy');
  await page.getByRole('button', { name: 'Flaky (fails twice)' }).click();
  await page
    .getByRole('status')
    .filter({ hasText: /\(flaky\)$/ })
    .waitFor();
  // queue.yaml's default queue backs off 1 s, then 2 s.
  await greetingsRow('Hello after 2 failures, Dorothy!').waitFor({ timeout: 60_000 });
  await expect(greetingsRow('Dorothy').locator('td').nth(1).textContent()).resolves.toBe('3');
});
