/**
 * The offload's own cost for a 5 MB payload (DEFERRED_PAYLOAD_BUCKET), against the emulator's
 * Cloud Storage stand-in on loopback:
 * - defer(): superjson, SHA-256 and the upload (the task itself goes to a transport that answers
 *   at once), against the raw upload of the same envelope bytes through the same client;
 * - the handler's side (executeTask: read with its cap, size and SHA-256 check, decode, run,
 *   delete), against a raw media GET of the same object and its delete through the same client.
 * Ratio: adapter / raw, medians of ROUNDS. defer()'s superjson encoding (paid by every defer,
 * offloaded or not) is measured apart, and the ratio given with and without it.
 *
 * Run: npm run bench -- payload. BENCH_ROUNDS overrides the rounds (default 15).
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { machine, median, round } from './support/stats';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);
const BUCKET = 'bench-payloads';

async function main() {
  const { startEmulator } = await import('next-cloud-tasks/emulator');
  const emulator = await startEmulator({ port: 0, data: ':memory:' });
  // Read by @google-cloud/storage itself, so set before any client is made.
  process.env.STORAGE_EMULATOR_HOST = `${emulator.url}/storage/v1`;
  const { createManifest, defer, deferrable } = await import('next-cloud-tasks');
  const { applyTestOptions } = await import('next-cloud-tasks/testing');
  const { encodeEnvelope, readReferenceEnvelope } = await import('@/lib/src/contract/envelope');
  const { executeTask } = await import('@/lib/src/handle/execute-task');
  const { Storage } = await import('@google-cloud/storage');
  const storage = new Storage({ apiEndpoint: emulator.url, useAuthWithCustomEndpoint: false, projectId: 'bench' });
  const payloadStorage = { bucket: BUCKET, prefix: 'deferred/', emulatorUrl: process.env.STORAGE_EMULATOR_HOST };

  let ran = 0;
  const ingest = deferrable('bench.ingest', (blob: string) => void (ran += blob.length > 0 ? 1 : 0));
  const manifest = createManifest([ingest]);
  const bodies: Uint8Array[] = [];
  applyTestOptions({
    transport: {
      async createTask(request) {
        bodies.push(request.body);
        return { name: `projects/p/locations/l/queues/${request.queue}/tasks/${bodies.length}` };
      },
    },
    project: 'p',
    location: 'l',
    serviceUrl: 'http://127.0.0.1:1',
    serviceAccount: 'b@p.iam.gserviceaccount.com',
    audience: 'http://127.0.0.1:1',
    payloadBucket: `gs://${BUCKET}/deferred`,
    storageEmulatorHost: process.env.STORAGE_EMULATOR_HOST,
    logWriter: () => {},
  });

  const blob = randomBytes(3_750_000).toString('base64'); // 5,000,000 characters
  const envelope = Buffer.from(encodeEnvelope('bench.ingest', [blob]));
  const rows: { deferMs: number; encodeMs: number; uploadMs: number; handlerMs: number; downloadDeleteMs: number }[] = [];
  for (let i = 0; i < ROUNDS + 2; i++) {
    // Raw: the same bytes, the same client, one request each way.
    let start = performance.now();
    const raw = storage.bucket(BUCKET).file(`raw/${i}.json`);
    await raw.save(envelope, { resumable: false, contentType: 'application/json', metadata: { cacheControl: 'no-store' } });
    const uploadMs = performance.now() - start;
    start = performance.now();
    // One media GET, as the adapter reads (the client's createReadStream() is slower to set up and
    // prints two MaxListenersExceededWarnings per read).
    const media = `${process.env.STORAGE_EMULATOR_HOST}/b/${BUCKET}/o/${encodeURIComponent(`raw/${i}.json`)}?alt=media`;
    const downloaded = Buffer.from(await (await fetch(media)).arrayBuffer());
    await raw.delete();
    const downloadDeleteMs = performance.now() - start;
    if (downloaded.length !== envelope.length) throw new Error('raw download lost bytes');

    // superjson of 5 MB: what every defer() pays, offloaded or not.
    start = performance.now();
    encodeEnvelope('bench.ingest', [blob]);
    const encodeMs = performance.now() - start;
    start = performance.now();
    await defer(ingest, [blob]);
    const deferMs = performance.now() - start;
    const body = bodies.at(-1)!;
    if (!readReferenceEnvelope(body)) throw new Error('defer did not offload the payload');
    start = performance.now();
    const result = await executeTask(
      {
        body,
        headers: { queueName: 'default', taskName: String(i), retryCount: 0, executionCount: 0 } as never,
        url: '/_ah/queue/deferred/bench.ingest',
      },
      { manifest, payloadStorage, isLastAttempt: () => false },
    );
    const handlerMs = performance.now() - start;
    if (result.outcome !== 'success') throw new Error(`the handler answered ${result.outcome}: ${String(result.error)}`);
    if (i >= 2) rows.push({ deferMs, encodeMs, uploadMs, handlerMs, downloadDeleteMs }); // 2 warm-up rounds
  }
  await emulator.stop();
  const m = (key: keyof (typeof rows)[number]) => round(median(rows.map((r) => r[key])), 1);
  const summary = {
    envelopeBytes: envelope.length,
    deferMs: m('deferMs'),
    rawUploadMs: m('uploadMs'),
    deferOverUpload: round(median(rows.map((r) => r.deferMs / r.uploadMs)), 2),
    encodeMs: m('encodeMs'),
    deferWithoutEncodeOverUpload: round(median(rows.map((r) => (r.deferMs - r.encodeMs) / r.uploadMs)), 2),
    handlerMs: m('handlerMs'),
    rawDownloadAndDeleteMs: m('downloadDeleteMs'),
    handlerOverDownloadAndDelete: round(median(rows.map((r) => r.handlerMs / r.downloadDeleteMs)), 2),
    functionRuns: ran,
  };
  mkdirSync('bench/results', { recursive: true });
  writeFileSync(
    'bench/results/payload-offload.json',
    JSON.stringify({ benchmark: 'payload-offload', ...machine(), rounds: ROUNDS, summary, rows }, null, 2),
  );
  console.log(JSON.stringify(summary, null, 2));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
