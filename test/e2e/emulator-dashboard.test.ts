/**
 * The emulator's dashboard in a real browser, next to the demo app (`next start`): the queues of
 * queue.yaml are listed, a task deferred from the demo page shows with its function and
 * arguments, and "Run now" runs it. Run with `npm run test:e2e`.
 */
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { EmulatorHandle } from 'next-cloud-tasks/emulator';
import { startEmulatedApp, type EmulatedApp } from '../helpers/emulated-app';
import type { RunningServer } from '../helpers/next-server';
import { launchChromium } from './browser';

jest.setTimeout(300_000);

/** Screenshots to look at after a run (outside the repo, so nothing to ignore). */
const SCREENSHOTS = process.env.E2E_SCREENSHOTS ?? join(tmpdir(), 'emulator-e2e');
let loop: EmulatedApp;
let emulator: EmulatorHandle;
let app: RunningServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  loop = await startEmulatedApp();
  ({ emulator, app } = loop);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  mkdirSync(SCREENSHOTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await loop?.stop();
});

const queueRow = (id: string) => page.locator(`tr[data-queue="${id}"]`);

test('the dashboard lists the queues of queue.yaml with their settings', async () => {
  await page.goto(`${emulator.url}/`);
  await expect(page.title()).resolves.toBe('Cloud Tasks emulator');
  for (const id of ['default', 'demo-failures', 'testing', 'bench']) await queueRow(id).waitFor();
  await expect(queueRow('default').textContent()).resolves.toMatch(/RUNNING[\s\S]*10\/s[\s\S]*5 attempts/);
  await expect(queueRow('bench').textContent()).resolves.toContain('≤ 100 at once');
});

test('a task deferred from the demo page shows with its function and arguments; "Run now" runs it', async () => {
  // Pause the queue from the dashboard, so the task waits there to be looked at.
  await page.goto(`${emulator.url}/`);
  await queueRow('default').getByRole('button', { name: 'Pause' }).click();
  await page.locator('.notice', { hasText: 'Paused default' }).waitFor();
  await expect(queueRow('default').textContent()).resolves.toContain('PAUSED');

  const name = `Grace-${Date.now()}`;
  await page.goto(`${app.url}/`);
  await page.getByLabel('name').fill(name);
  await page.getByRole('button', { name: 'Defer a greeting' }).click();
  await expect(page.getByRole('status').textContent()).resolves.toMatch(/^Deferred [\w-]+ \(greet\)$/);
  const taskId = (await page.getByRole('status').textContent())!.match(/Deferred ([\w-]+)/)![1];

  await page.goto(`${emulator.url}/?queue=default`);
  const row = page.locator(`tr[data-task="${taskId}"]`);
  await row.waitFor();
  await expect(row.locator('.fn').textContent()).resolves.toBe('demo.greet');
  await expect(row.locator('.args').textContent()).resolves.toContain(`"${name}", Date(`);
  await page.screenshot({ path: join(SCREENSHOTS, 'dashboard-task.png'), fullPage: true });

  await row.getByRole('button', { name: 'Run now' }).click();
  await page.locator('.notice', { hasText: `Dispatching ${taskId} now` }).waitFor();
  // The page refreshes itself: the task leaves the list and the activity shows its success.
  await page.locator(`tr[data-task="${taskId}"]`).waitFor({ state: 'detached', timeout: 15_000 });
  await page.locator('.activity li.success', { hasText: taskId }).waitFor({ timeout: 15_000 });

  const greetings = (await (await fetch(`${app.url}/api/greetings`)).json()) as { name: string }[];
  expect(greetings.map((g) => g.name)).toContain(name);
  await page.screenshot({ path: join(SCREENSHOTS, 'dashboard-after-run.png'), fullPage: true });

  await queueRow('default').getByRole('button', { name: 'Resume' }).click();
  await page.locator('.notice', { hasText: 'Resumed default' }).waitFor();
  await expect(queueRow('default').textContent()).resolves.toContain('RUNNING');
});
