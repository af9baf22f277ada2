/**
 * The handler's status contract, as one suite that every way of running a task goes through:
 * the core's handleDeferredRequest, the Next route from createDeferredRoute, and the jest stub's
 * runTask. Each adapter file is a few lines (like inngest-js's testFramework), so the three
 * cannot drift: a case added here runs against all of them.
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
import { OUTCOMES, type TaskOutcome } from '@/lib/src/contract/outcomes';
import { setupTestOptions } from 'next-cloud-tasks/testing';

/** One delivery of `fn(...args)` as the adapter makes it. */
export interface ContractDelivery {
  functionId: string;
  args: unknown[];
  /** Whether this attempt is the task's last (its queue's limits reached). @default false */
  lastAttempt?: boolean;
}

export interface ContractResult {
  status: number;
  /** The outcome as the adapter reports it: the handler's outcome header, or the stub's result. */
  outcome: string;
  deadLettered: boolean;
}

export interface ContractAdapter {
  /** Called once with the suite's manifest and dead-letter sink. */
  setUp(manifest: Manifest, deadLetter: (entry: DeadLetterEntry) => void): Promise<void> | void;
  deliver(delivery: ContractDelivery): Promise<ContractResult>;
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

/** What the contract says a delivery ends in: the outcome's own status, and its outcome header. */
const expected = (outcome: TaskOutcome, deadLettered = false) => ({
  status: OUTCOMES[outcome].status,
  outcome: deadLettered ? 'dead-lettered' : outcome,
  deadLettered,
});

export function runContractSuite(name: string, adapter: ContractAdapter): void {
  describe(`the status contract through ${name}`, () => {
    const deadLetters: DeadLetterEntry[] = [];
    beforeAll(() => adapter.setUp(manifest, (entry) => void deadLetters.push(entry)));
    afterAll(() => adapter.tearDown?.());
    setupTestOptions({ logWriter: () => {} });
    beforeEach(() => {
      ran.length = 0;
      deadLetters.length = 0;
    });

    test('success: 2xx; the function ran once, with its arguments and its task context', async () => {
      const args = ['a', new Date('2026-01-02T03:04:05Z'), new Map([['k', new Set([1n])]])];
      expect(await adapter.deliver({ functionId: 'contract.ok', args })).toEqual(expected('success'));
      expect(ran).toEqual([{ id: 'contract.ok', args, context: expect.objectContaining({ functionId: 'contract.ok', attempt: 1 }) }]);
    });

    test('the function throws: 500, retried, not dead-lettered', async () => {
      expect(await adapter.deliver({ functionId: 'contract.throws', args: [] })).toEqual(expected('failed'));
      expect(deadLetters).toEqual([]);
    });

    test('PermanentTaskFailure: 2xx, dead-lettered at once', async () => {
      expect(await adapter.deliver({ functionId: 'contract.permanent', args: ['x'] })).toEqual(expected('permanent-failure', true));
      expect(deadLetters).toEqual([expect.objectContaining({ reason: 'permanent-failure', functionId: 'contract.permanent' })]);
    });

    test("SingularTaskFailure: App Engine's quiet retry (408), not dead-lettered", async () => {
      expect(await adapter.deliver({ functionId: 'contract.quietRetry', args: [] })).toEqual(expected('retry-requested'));
      expect(deadLetters).toEqual([]);
    });

    test('a function this deploy does not know: 404, retried, nothing ran', async () => {
      expect(await adapter.deliver({ functionId: 'contract.missing', args: [] })).toEqual(expected('unknown-function'));
      expect(ran).toEqual([]);
    });

    test('a failure on the last attempt is dead-lettered, not dropped silently', async () => {
      const result = await adapter.deliver({ functionId: 'contract.throws', args: [], lastAttempt: true });
      expect(result).toEqual({ ...expected('failed', true), status: OUTCOMES.failed.status });
      expect(deadLetters).toEqual([expect.objectContaining({ reason: 'final-attempt', functionId: 'contract.throws' })]);
    });
  });
}
