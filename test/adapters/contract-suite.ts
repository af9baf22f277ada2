/**
 * The handler's status contract, as one suite that every way of running a task goes through:
 * the core's handleDeferredRequest, the Next route from createDeferredRoute, the jest stub's
 * runTask, and the emulator's dispatcher in front of a real handler. Each adapter file is a few
 * lines (like inngest-js's testFramework), so the four cannot drift: a case added here runs
 * against all of them. The expected statuses and outcomes are literals, written from the
 * contract (README's "How a task is handled"), never read from contract/outcomes.ts: a change
 * to that table must turn this suite red on every adapter.
 */
import {
  createManifest,
  deferrable,
  getTaskContext,
  PermanentTaskFailure,
  SingularTaskFailure,
  type DeadLetterEntry,
  type Manifest,
  type TaskContext,
} from 'next-cloud-tasks';
import { setupTestOptions } from 'next-cloud-tasks/testing';

/** One delivery of `fn(...args)` as the adapter makes it. */
export interface ContractDelivery {
  functionId: string;
  args: unknown[];
  /** Whether this attempt is the task's last (its queue's limits reached). @default false */
  lastAttempt?: boolean;
}

/**
 * What Cloud Tasks (or its stand-in) does with the task after the answer: deletes it, retries
 * it later, or gives up on it with the task kept as a dead letter.
 */
export type TaskFate = 'deleted' | 'retried' | 'dead-lettered';

export interface ContractResult {
  status: number;
  /** The outcome as the adapter reports it: the handler's outcome header, or the stub's result. */
  outcome: string;
  /** What became of the task; only adapters that hold the task (the stub, the emulator) know it. */
  fate?: TaskFate;
}

/**
 * The token of a delivery that must be refused. `another-account` is a valid token of a service
 * account that is not allowed; the others are not valid tokens.
 */
export type AuthCase = 'none' | 'malformed' | 'bad-signature' | 'expired' | 'wrong-audience' | 'wrong-issuer' | 'another-account';

export interface ContractAdapter {
  /** Called once with the suite's manifest and dead-letter sink. */
  setUp(manifest: Manifest, deadLetter: (entry: DeadLetterEntry) => void): Promise<void> | void;
  deliver(delivery: ContractDelivery): Promise<ContractResult>;
  /** Whether `fate` is reported (the adapter holds the task, as a queue does). */
  holdsTasks: boolean;
  /**
   * The refused tokens this adapter can deliver, and how. The stub's runTask skips HTTP and the
   * token, so it has none; the emulator signs every token itself, so it can send only the ones
   * Cloud Tasks can (no token, another account, another audience).
   */
  auth?: { cases: readonly AuthCase[]; deliver(delivery: ContractDelivery, token: AuthCase): Promise<ContractResult> };
  tearDown?(): Promise<void> | void;
}

const ran: { id: string; args: unknown[]; context: TaskContext }[] = [];
const track = (id: string, behaviour: () => unknown = () => undefined) =>
  deferrable(id, (...args: unknown[]) => {
    ran.push({ id, args, context: getTaskContext() });
    return behaviour();
  });

/** The suite's functions; `contract.missing` is deliberately left out of the manifest. */
export const CONTRACT_FUNCTIONS = {
  ok: track('contract.ok'),
  throws: track('contract.throws', () => {
    throw new Error('boom');
  }),
  permanent: track('contract.permanent', () => {
    throw new PermanentTaskFailure('never');
  }),
  quietRetry: track('contract.quietRetry', () => {
    throw new SingularTaskFailure('not yet');
  }),
  missing: track('contract.missing'),
};
const manifest = createManifest(Object.values(CONTRACT_FUNCTIONS).filter((fn) => fn.deferredId !== 'contract.missing'));

/** The contract for each refused token: 401 for no valid token, 403 for a valid one of an account not allowed. */
const AUTH_CONTRACT: [string, AuthCase, ContractResult][] = [
  ['no token', 'none', { status: 401, outcome: 'unauthorized', fate: 'retried' }],
  ['a malformed token', 'malformed', { status: 401, outcome: 'unauthorized', fate: 'retried' }],
  ['a token with a wrong signature', 'bad-signature', { status: 401, outcome: 'unauthorized', fate: 'retried' }],
  ['an expired token', 'expired', { status: 401, outcome: 'unauthorized', fate: 'retried' }],
  ['a token for another audience', 'wrong-audience', { status: 401, outcome: 'unauthorized', fate: 'retried' }],
  ['a token of another issuer', 'wrong-issuer', { status: 401, outcome: 'unauthorized', fate: 'retried' }],
  ["another account's valid token", 'another-account', { status: 403, outcome: 'forbidden', fate: 'retried' }],
];

export function runContractSuite(name: string, adapter: ContractAdapter): void {
  describe(`the status contract through ${name}`, () => {
    const deadLetters: DeadLetterEntry[] = [];
    /** The literal contract; without `fate` for an adapter that does not hold the task. */
    const expected = ({ fate, ...answer }: ContractResult) => (adapter.holdsTasks ? { ...answer, fate } : answer);
    beforeAll(() => adapter.setUp(manifest, (entry) => void deadLetters.push(entry)));
    afterAll(() => adapter.tearDown?.());
    setupTestOptions({ logWriter: () => {} });
    beforeEach(() => {
      ran.length = 0;
      deadLetters.length = 0;
    });

    test('success: 200, the task deleted; the function ran once, with its arguments and its task context', async () => {
      const args = ['a', new Date('2026-01-02T03:04:05Z'), new Map([['k', new Set([1n])]])];
      expect(await adapter.deliver({ functionId: 'contract.ok', args })).toEqual(
        expected({ status: 200, outcome: 'success', fate: 'deleted' }),
      );
      expect(ran).toEqual([{ id: 'contract.ok', args, context: expect.objectContaining({ functionId: 'contract.ok', attempt: 1 }) }]);
    });

    test('the function throws: 500, retried, not dead-lettered', async () => {
      expect(await adapter.deliver({ functionId: 'contract.throws', args: [] })).toEqual(
        expected({ status: 500, outcome: 'failed', fate: 'retried' }),
      );
      expect(ran).toHaveLength(1);
      expect(deadLetters).toEqual([]);
    });

    test('PermanentTaskFailure: 200 so that it is not retried, dead-lettered at once', async () => {
      expect(await adapter.deliver({ functionId: 'contract.permanent', args: ['x'] })).toEqual(
        expected({ status: 200, outcome: 'dead-lettered', fate: 'dead-lettered' }),
      );
      expect(deadLetters).toEqual([expect.objectContaining({ reason: 'permanent-failure', functionId: 'contract.permanent' })]);
    });

    test("SingularTaskFailure: App Engine's quiet retry (408), not dead-lettered", async () => {
      expect(await adapter.deliver({ functionId: 'contract.quietRetry', args: [] })).toEqual(
        expected({ status: 408, outcome: 'retry-requested', fate: 'retried' }),
      );
      expect(deadLetters).toEqual([]);
    });

    test('a function this deploy does not know: 404, retried, nothing ran', async () => {
      expect(await adapter.deliver({ functionId: 'contract.missing', args: [] })).toEqual(
        expected({ status: 404, outcome: 'unknown-function', fate: 'retried' }),
      );
      expect(ran).toEqual([]);
    });

    test('a failure on the last attempt: still 500, and dead-lettered, not dropped silently', async () => {
      expect(await adapter.deliver({ functionId: 'contract.throws', args: [], lastAttempt: true })).toEqual(
        expected({ status: 500, outcome: 'dead-lettered', fate: 'dead-lettered' }),
      );
      expect(deadLetters).toEqual([expect.objectContaining({ reason: 'final-attempt', functionId: 'contract.throws' })]);
    });

    const auth = adapter.auth;
    const authCases = AUTH_CONTRACT.filter(([, token]) => auth?.cases.includes(token));
    if (auth && authCases.length) {
      test.each(authCases)('%s: refused, the function never runs', async (_what, token, contract) => {
        expect(await auth.deliver({ functionId: 'contract.ok', args: ['refused'] }, token)).toEqual(expected(contract));
        expect(ran).toEqual([]);
        expect(deadLetters).toEqual([]);
      });
    }
  });
}
