/**
 * Workflow tasks on the emulator's dashboard in a real browser (Debian's chromium): the SDK runs
 * `signup` on next-cloud-tasks/workflow through the emulator (test/emulator/support/workflow-tasks.ts);
 * the queue page shows the waiting step and the sleeping flow by kind, name, run and attempt, a
 * task's link opens its page, and a hostile task's text runs no script and adds no element.
 * Screenshots go to $E2E_SCREENSHOTS (default: the system's temp folder, emulator-e2e/).
 */
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { shortId } from '@/lib/src/contract/names';
import { encodeTaskMessage } from '@/lib/src/contract/workflow-message';
import { QUEUES, startWorkflowTasks, type WorkflowTasks } from '../emulator/support/workflow-tasks';
import { launchChromium } from './browser';

jest.setTimeout(300_000);

const SCREENSHOTS = process.env.E2E_SCREENSHOTS ?? join(tmpdir(), 'emulator-e2e');
let loop: WorkflowTasks;
let browser: Browser;
let page: Page;
const dialogs: string[] = [];

beforeAll(async () => {
  loop = await startWorkflowTasks();
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  mkdirSync(SCREENSHOTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await loop?.stop();
});

test('the queue page shows a waiting step and a hostile task readably; the step has its own page', async () => {
  await loop.api('POST', `${QUEUES}/workflow-steps:pause`, {});
  const runId = await loop.startSignup('Ada');
  const [step] = await loop.waitForTasks('workflow-steps', (tasks) => tasks.length === 1);
  const body = encodeTaskMessage({
    queueName: `__wkf_step_step//<script>alert(1)</script>//<img src=x onerror=alert(2)>${'z'.repeat(5000)}`,
    messageId: 'msg_forged',
    attempt: 1,
    payload: { workflowRunId: 'wrun_<b>bold</b>', stepId: 'step_\u202eevil' },
  });
  await loop.api('POST', `${QUEUES}/workflow-steps/tasks`, {
    task: { httpRequest: { url: `${loop.server.url}/.well-known/workflow/v1/step`, body: Buffer.from(body).toString('base64') } },
  });

  await page.goto(`${loop.emulator.url}/?queue=workflow-steps`);
  const row = page.locator(`tr[data-task="${shortId(step.name)}"]`);
  await expect(row.locator('.fn').innerText()).resolves.toMatch(/^step\s+createAccount$/);
  await expect(row.locator('.args').innerText()).resolves.toMatch(new RegExp(`run ${runId} \\(signup\\) · step id step_\\w+ · attempt 1`));
  await expect(page.locator('.wf-name', { hasText: '<img src=x' }).count()).resolves.toBe(1);
  await expect(page.locator('main img, main b, main script').count()).resolves.toBe(0);
  await page.screenshot({ path: join(SCREENSHOTS, 'dashboard-workflow-queue.png'), fullPage: true });

  await row.getByRole('link').click();
  await page.locator('[data-task-detail]').waitFor();
  await expect(page.locator('dl.detail').first().innerText()).resolves.toMatch(
    new RegExp(`Function\\s+step//./workflows/signup//createAccount[\\s\\S]*Run\\s+${runId}`),
  );
  await page.screenshot({ path: join(SCREENSHOTS, 'dashboard-workflow-task.png'), fullPage: true });
  expect(dialogs).toEqual([]);
});

test('after the step runs, the sleep is a flow task an hour ahead, and Recent activity names both', async () => {
  await loop.api('POST', `${QUEUES}/workflow-steps:resume`, {});
  const [sleeping] = await loop.waitForTasks('workflow-flows', (tasks) =>
    tasks.some((task) => Date.parse(task.scheduleTime) > Date.now() + 3_000_000),
  );
  await page.goto(`${loop.emulator.url}/`);
  const row = page.locator(`tr[data-task="${shortId(sleeping.name)}"]`);
  await expect(row.locator('.args').innerText()).resolves.toMatch(/attempt 2\s+wakes at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/);
  await page.locator('.activity li.success', { hasText: 'createAccount' }).waitFor();
  await page.screenshot({ path: join(SCREENSHOTS, 'dashboard-workflow-sleep.png'), fullPage: true });
  await page.goto(`${loop.emulator.url}/task?name=${encodeURIComponent(sleeping.name)}`);
  await page.screenshot({ path: join(SCREENSHOTS, 'dashboard-workflow-sleep-task.png'), fullPage: true });
  expect(dialogs).toEqual([]);
});
