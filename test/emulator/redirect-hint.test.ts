/**
 * A task answered with a redirect (a proxy.ts matcher catching /_ah/queue/... sends it to /login)
 * never reached the handler, and the app logs nothing: the emulator says why on its dashboard and
 * in its log, and the jest kit's taskResponseProblem() says the same.
 */
import { startEmulator, type EmulatorHandle } from 'next-cloud-tasks/emulator';
import { taskResponseProblem } from 'next-cloud-tasks/testing';
import { emulatorClient, PARENT, queuePath } from './support/client';
import { recordEvents } from './support/events';
import { startTargetServer } from './support/target-server';

test('the dashboard and the log name the proxy.ts matcher when the app answers 307', async () => {
  const lines: string[] = [];
  const target = await startTargetServer(() => ({ status: 307, headers: { location: '/login' } }));
  const emulator: EmulatorHandle = await startEmulator({ port: 0, data: ':memory:', log: (line) => lines.push(line) });
  const events = recordEvents(emulator);
  const client = await emulatorClient(emulator.hostPort);
  try {
    await client.createQueue({
      parent: PARENT,
      queue: { name: queuePath('proxied'), retryConfig: { maxAttempts: 2, minBackoff: { seconds: 30 }, maxBackoff: { seconds: 30 } } },
    });
    const [task] = await client.createTask({
      parent: queuePath('proxied'),
      task: { httpRequest: { url: `${target.url}/_ah/queue/deferred/fn`, httpMethod: 'POST' } },
    });
    await events.waitFor('task:error', ({ task: t }) => t.name === task.name);
    const html = await (await fetch(`${emulator.url}/`)).text();
    expect(html).toMatch(/class="redirect-hint" role="note">The app answered 307 \(a redirect to \/login\)/);
    expect(html).toMatch(/proxy\.ts \(middleware\) matcher catches \/_ah\/queue\//);
    expect(lines.join('\n')).toMatch(/failed \(HTTP 307\).*add &?'?_ah\/queue\/'? to the matcher's exclusions/);
  } finally {
    events.stop();
    await client.close();
    await emulator.stop();
    await target.close();
  }
});

test('taskResponseProblem: nothing for a 2xx, the redirect hint for a 3xx, a retry note otherwise', () => {
  expect(taskResponseProblem(new Response(null, { status: 200 }))).toBeUndefined();
  expect(taskResponseProblem(new Response(null, { status: 307, headers: { location: '/login' } }))).toMatch(
    /307 \(a redirect to \/login\), so the task handler never ran[\s\S]*'_ah\/queue\/'/,
  );
  expect(taskResponseProblem(new Response(null, { status: 308 }))).toMatch(/must not end in "\/"/);
  expect(taskResponseProblem(new Response(null, { status: 500 }))).toMatch(/answered 500: Cloud Tasks retries/);
});
