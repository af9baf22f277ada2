import { decodeTaskMessage, encodeTaskMessage, TASK_MESSAGE_VERSION } from '@/lib/src/contract/workflow-message';

const message = (payload: unknown, extra = {}) => ({ queueName: '__wkf_workflow_w', messageId: 'msg_1', attempt: 1, payload, ...extra });

test('binary data survives the task body: Uint8Arrays anywhere, Buffers, every byte value', () => {
  const bytes = new Uint8Array(256).map((_, i) => i);
  const payload = { runId: 'wrun_1', runInput: { input: bytes, nested: [Buffer.from('nul \0 byte')] }, text: 'null byte \0' };
  const decoded = decodeTaskMessage(encodeTaskMessage(message(payload)));
  if ('problem' in decoded) throw new Error(decoded.problem);
  const out = decoded.payload as typeof payload;
  expect(out.runInput.input).toBeInstanceOf(Uint8Array);
  expect([...out.runInput.input]).toEqual([...bytes]);
  expect(Buffer.from(out.runInput.nested[0]).toString()).toBe('nul \0 byte');
  expect(out.text).toBe('null byte \0');
});

test('the envelope carries the queue name, message id, attempt and a hop time', () => {
  const decoded = decodeTaskMessage(encodeTaskMessage(message({ runId: 'r' }, { attempt: 3, notBefore: 1_900_000_000_000 })));
  expect(decoded).toEqual({
    queueName: '__wkf_workflow_w',
    messageId: 'msg_1',
    attempt: 3,
    notBefore: 1_900_000_000_000,
    payload: { runId: 'r' },
  });
});

test('an object that only looks like tagged bytes, with more keys, stays an object', () => {
  const lookalike = { __type: 'Uint8Array', data: 'AAE=', extra: true };
  const decoded = decodeTaskMessage(encodeTaskMessage(message(lookalike)));
  expect('problem' in decoded ? decoded : decoded.payload).toEqual(lookalike);
});

test.each([
  ['not JSON', Buffer.from('{')],
  ['another version', Buffer.from(JSON.stringify({ v: TASK_MESSAGE_VERSION + 1, queueName: 'q', messageId: 'm', attempt: 1 }))],
  ['a deferred envelope', Buffer.from(JSON.stringify({ v: 1, fn: 'demo.greet', args: [] }))],
  ['attempt 0', Buffer.from(JSON.stringify({ v: 1, queueName: 'q', messageId: 'm', attempt: 0 }))],
  ['a text notBefore', Buffer.from(JSON.stringify({ v: 1, queueName: 'q', messageId: 'm', attempt: 1, notBefore: 'soon' }))],
])('a body that is %s is refused with a reason', (_name, body) => {
  expect(decodeTaskMessage(body)).toEqual({ problem: expect.any(String) });
});
