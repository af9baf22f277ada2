import { createHook, FatalError, getStepMetadata, sleep } from 'workflow';

/**
 * The demo's durable workflows (Vercel's Workflow SDK). On this app each step, sleep and wake-up
 * is a Cloud Task (next-cloud-tasks/workflow): watch them in the emulator's queues
 * `workflow-flows` and `workflow-steps`. A workflow function replays from its event log; its
 * steps run once each, retried on their own.
 */

export interface Account {
  id: string;
  name: string;
}

async function createAccount(name: string): Promise<Account> {
  'use step';
  return { id: `acct_${name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`, name };
}

/** Fails its first try, as a mail server might: the step is retried, not the workflow. */
async function sendWelcome(account: Account): Promise<string> {
  'use step';
  const { attempt } = getStepMetadata();
  if (attempt === 1) throw new Error('SMTP timeout (the demo fails the first try)');
  return `welcome mail to ${account.name} sent on try ${attempt}`;
}

async function sendTips(account: Account): Promise<string> {
  'use step';
  return `tips sent to ${account.name}`;
}

/** Three steps, a retry and a sleep: `POST /api/workflows {"workflow": "onboarding", "name": "Ada"}`. */
export async function onboarding(name: string) {
  'use workflow';
  const account = await createAccount(name);
  const welcome = await sendWelcome(account);
  // A sleep is a task scheduled 3 s ahead, not a process waiting.
  await sleep('3s');
  const tips = await sendTips(account);
  return { account, welcome, tips };
}

async function recordDecision(name: string, approved: boolean): Promise<string> {
  'use step';
  return `${name} was ${approved ? 'approved' : 'rejected'}`;
}

/**
 * Waits, with no process waiting, until someone decides: resume it with
 * `POST /api/workflows/hooks {"token": "approval:<name>", "approved": true}`.
 */
export async function approval(name: string) {
  'use workflow';
  using hook = createHook<{ approved: boolean }>({ token: `approval:${name}` });
  const { approved } = await hook;
  return await recordDecision(name, approved);
}

async function chargeCard(name: string): Promise<never> {
  'use step';
  throw new FatalError(`the card of ${name} was declined: retrying cannot help`);
}

/** A FatalError ends the step at once, and the run fails: no retries. */
export async function declined(name: string) {
  'use workflow';
  await chargeCard(name);
}
