/**
 * The emulator's Cloud Storage stand-in, through the real @google-cloud/storage client: the
 * calls the payload offload makes, persisted in the emulator's SQLite file across a restart, and
 * refused when a web page could have sent them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Storage } from '@google-cloud/storage';
import { startEmulator, type EmulatorHandle } from 'next-cloud-tasks/emulator';

const dir = mkdtempSync(join(tmpdir(), 'storage-api-'));
const data = join(dir, 'state.sqlite');
let emulator: EmulatorHandle;
const savedHost = process.env.STORAGE_EMULATOR_HOST;

async function start(port = 0) {
  emulator = await startEmulator({ port, data });
  process.env.STORAGE_EMULATOR_HOST = `${emulator.url}/storage/v1`;
  return new Storage({ apiEndpoint: emulator.url, useAuthWithCustomEndpoint: false, projectId: 'dev-project' });
}

afterAll(async () => {
  await emulator?.stop();
  process.env.STORAGE_EMULATOR_HOST = savedHost;
  if (savedHost === undefined) delete process.env.STORAGE_EMULATOR_HOST;
  rmSync(dir, { recursive: true, force: true });
});

test('upload (multipart and media), metadata, download, delete; objects survive a restart', async () => {
  let storage = await start();
  const file = () => storage.bucket('local-bucket').file('deferred/fn/a b.json');
  const bytes = Buffer.from(JSON.stringify({ hello: 'wörld' }));
  await file().save(bytes, { resumable: false, contentType: 'application/json' });
  const [metadata] = await file().getMetadata();
  expect(metadata).toEqual(
    expect.objectContaining({ name: 'deferred/fn/a b.json', size: String(bytes.length), contentType: 'application/json' }),
  );

  const port = emulator.port;
  await emulator.stop();
  storage = await start(port);
  expect((await file().download())[0]).toEqual(bytes);

  // uploadType=media, as curl or another client would send it.
  const media = await fetch(`${emulator.url}/upload/storage/v1/b/local-bucket/o?uploadType=media&name=raw.bin`, {
    method: 'POST',
    headers: { 'content-type': 'application/octet-stream' },
    body: new Uint8Array([1, 2, 3]),
  });
  expect(media.status).toBe(200);
  expect((await storage.bucket('local-bucket').file('raw.bin').download())[0]).toEqual(Buffer.from([1, 2, 3]));

  await file().delete();
  expect((await file().exists())[0]).toBe(false);
  await expect(file().delete()).rejects.toMatchObject({ code: 404 });
});

test('what a web page could send is refused; calls it does not serve say so', async () => {
  const form = await fetch(`${emulator.url}/upload/storage/v1/b/local-bucket/o?uploadType=media&name=x`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain' },
    body: 'x',
  });
  expect(form.status).toBe(400);
  const resumable = await fetch(`${emulator.url}/upload/storage/v1/b/local-bucket/o?uploadType=resumable&name=x`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  });
  expect(resumable.status).toBe(501);
  expect(await resumable.text()).toMatch(/resumable: false/);
  const bucket = await fetch(`${emulator.url}/storage/v1/b/local-bucket`);
  expect(bucket.status).toBe(501);
  expect(await bucket.text()).toMatch(/upload, get, list and delete only/);
});

test("a bucket's objects are listed under a prefix, as @google-cloud/storage's getFiles reads them", async () => {
  const bucket = new Storage({ apiEndpoint: emulator.url, useAuthWithCustomEndpoint: false, projectId: 'local' }).bucket('listed-bucket');
  for (const name of ['deferred/a.json', 'deferred/b.json', 'other/c.json']) await bucket.file(name).save('{}', { resumable: false });
  const [files] = await bucket.getFiles({ prefix: 'deferred/' });
  expect(files.map((file) => [file.name, file.metadata.size])).toEqual([
    ['deferred/a.json', '2'],
    ['deferred/b.json', '2'],
  ]);
  expect((await bucket.getFiles())[0]).toHaveLength(3);
});
