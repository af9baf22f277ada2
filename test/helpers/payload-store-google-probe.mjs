// Reads three objects through the built package's Cloud Storage payload store with production
// settings (no emulator): msw stands in for Google's token endpoint and Cloud Storage's JSON API,
// and the service-account key comes from GOOGLE_APPLICATION_CREDENTIALS. Prints one JSON line:
// what each read gave and the requests Cloud Storage saw (test/emulator/payload-store-credentials.test.ts).
// A process of its own: under jest, google-auth-library's HTTP client cannot load.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';

const root = process.argv[2];
const { createGcsPayloadStore } = await import(pathToFileURL(join(root, 'lib/dist/runtime/gcs-payload-store.js')).href);

const seen = [];
const server = setupServer(
  http.post('https://oauth2.googleapis.com/token', () =>
    HttpResponse.json({ access_token: 'runtime-token', expires_in: 3600, token_type: 'Bearer' }),
  ),
  http.get('https://storage.googleapis.com/storage/v1/b/:bucket/o/:object', ({ request, params }) => {
    seen.push({ url: request.url, authorization: request.headers.get('authorization') });
    if (params.object === 'deferred/missing.json') return new HttpResponse('not found', { status: 404 });
    if (params.object === 'deferred/forbidden.json') return new HttpResponse('caller does not have storage.objects.get', { status: 403 });
    return new HttpResponse('{"v":1}', { headers: { 'content-type': 'application/json' } });
  }),
);
server.listen({ onUnhandledFrame: 'error' });
const store = createGcsPayloadStore(undefined);
const settle = (promise) =>
  promise.then(
    (bytes) => ({ bytes: bytes === undefined ? null : Buffer.from(bytes).toString() }),
    (error) => ({ error: `${error.name}: ${error.message}` }),
  );
const results = {
  found: await settle(store.read('app-payloads', 'deferred/a b.json', 1000)),
  missing: await settle(store.read('app-payloads', 'deferred/missing.json', 1000)),
  forbidden: await settle(store.read('app-payloads', 'deferred/forbidden.json', 1000)),
};
server.close();
console.log(JSON.stringify({ results, seen }));
