import { messageIdFor, nextHopTaskId, workflowTaskId } from '@/lib/src/workflow/task-name';

const TASK_ID = /^[A-Za-z0-9_-]{1,500}$/;

test('a message id makes the same task id every time, a Cloud Tasks id that starts with a hash', () => {
  const id = workflowTaskId('msg_step_01K8ZQ3J5VYB2C9D0E1F2G3H4J', 1);
  expect(id).toMatch(TASK_ID);
  expect(workflowTaskId('msg_step_01K8ZQ3J5VYB2C9D0E1F2G3H4J', 1)).toBe(id);
  expect(id).toMatch(/^[0-9a-f]{16}-msg_step_01K8ZQ3J5VYB2C9D0E1F2G3H4J$/);
});

test('each delivery of a message has its own id, and sequential keys do not share a prefix', () => {
  expect(workflowTaskId('msg_a', 2)).toBe(`${workflowTaskId('msg_a', 1)}-a2`);
  expect(workflowTaskId('msg_01K8ZQ3J5VYB2C9D0E1F2G3H4J', 1).slice(0, 16)).not.toBe(
    workflowTaskId('msg_01K8ZQ3J5VYB2C9D0E1F2G3H4K', 1).slice(0, 16),
  );
});

test('keys with characters a task id cannot hold, or too long, still make valid, distinct ids', () => {
  const a = workflowTaskId('msg_a.b/c:d', 1);
  const b = workflowTaskId('msg_a_b_c_d', 1);
  expect(a).toMatch(TASK_ID);
  expect(a).not.toBe(b);
  expect(workflowTaskId(`msg_${'x'.repeat(2000)}`, 99)).toMatch(TASK_ID);
});

test('hops of a long delay chain from the task that arrived early, and stay under 500 characters', () => {
  let id = workflowTaskId(`msg_${'k'.repeat(160)}`, 7);
  const seen = new Set([id]);
  for (let hop = 0; hop < 400; hop++) {
    id = nextHopTaskId(id);
    expect(id).toMatch(TASK_ID);
    expect(seen.has(id)).toBe(false);
    seen.add(id);
  }
});

test('an idempotency key makes the message id; without one each message gets a new one', () => {
  expect(messageIdFor('step_1')).toBe('msg_step_1');
  expect(messageIdFor(undefined)).not.toBe(messageIdFor(undefined));
  expect(messageIdFor(undefined)).toMatch(/^msg_[0-9a-f]{32}$/);
});
