// One process's life as defer() lives it on Cloud Run, for one transport (argv[2]: grpc | rest):
// import @google-cloud/tasks, make a client, create tasks against a loopback stand-in (argv[3]:
// host:port), then sit idle while the parent freezes this process (SIGSTOP: Cloud Run's CPU
// throttling between requests) and possibly drops its connections, and create one more.
// Prints one JSON line per phase. Plain .mjs: no transpiler in the timings.
import { createInterface } from 'node:readline';

const [transport, hostPort, queue, calls] = [process.argv[2], process.argv[3], process.argv[4], Number(process.argv[5] ?? 50)];
const [host, port] = [hostPort.slice(0, hostPort.lastIndexOf(':')), Number(hostPort.slice(hostPort.lastIndexOf(':') + 1))];
const mb = (bytes) => Math.round((bytes / 1024 / 1024) * 10) / 10;
const say = (line) => process.stdout.write(`${JSON.stringify(line)}\n`);

const t0 = performance.now();
const { CloudTasksClient } = await import('@google-cloud/tasks');
const tImport = performance.now();
let client;
if (transport === 'grpc') {
  const grpc = await import('@grpc/grpc-js');
  client = new CloudTasksClient({ apiEndpoint: host, port, sslCreds: grpc.credentials.createInsecure() });
} else {
  const { PassThroughClient } = await import('google-auth-library');
  client = new CloudTasksClient({ fallback: true, apiEndpoint: host, port, protocol: 'http', authClient: new PassThroughClient() });
}
const task = () => ({ httpRequest: { url: 'http://127.0.0.1:9/x', httpMethod: 'POST', body: Buffer.from('{"v":1,"fn":"f","args":[]}') } });
const create = async () => {
  const start = performance.now();
  await client.createTask({ parent: queue, task: task() });
  return performance.now() - start;
};
const firstCallMs = await create();
say({ phase: 'first', importMs: tImport - t0, firstCallMs, firstTotalMs: performance.now() - t0, rssMb: mb(process.memoryUsage().rss) });
const latencies = [];
for (let i = 0; i < calls; i++) latencies.push(await create());
say({ phase: 'steady', latencies, rssMb: mb(process.memoryUsage().rss), heapMb: mb(process.memoryUsage().heapUsed) });

// Idle: the parent freezes us, maybe drops our connections, thaws us and writes one line per round.
const lines = createInterface({ input: process.stdin });
say({ phase: 'idle' });
for await (const line of lines) {
  if (line === 'end') break;
  try {
    say({ phase: 'after-idle', round: line, callMs: await create() });
  } catch (error) {
    say({ phase: 'after-idle', round: line, error: String(error?.message ?? error).split('\n')[0] });
  }
  say({ phase: 'idle' });
}
await client.close();
// A gRPC channel that lost its connection keeps reconnect timers alive: end the probe here.
process.exit(0);
