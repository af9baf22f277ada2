// The app @workflow/world-testing's harness starts for each test (its util.mjs spawns
// ./server.mjs beside itself and reads `{"state":"listening"}` from fd 3), serving the same
// endpoints as the package's own server.mjs. The package's server imports bundles built with its
// own SDK (5.0 beta); this one serves the suite's workflows built with `workflow build` of the
// 4.8.x SDK this World supports (test/workflow/world-testing.test.ts prepares the folder).
//
// The World under test is WORKFLOW_TARGET_WORLD (next-cloud-tasks/workflow): every message is a
// task in the local Cloud Tasks emulator (CLOUD_TASKS_EMULATOR_HOST), which calls the flow and
// step routes below back with its signed OIDC tokens.
import { createWriteStream } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { Readable } from 'node:stream';
import { getHookByToken, getRun, resumeHook, start } from 'workflow/api';
import { getWorld } from 'workflow/runtime';

const require = createRequire(import.meta.url);
const flow = require('../.well-known/workflow/v1/flow.js');
const step = require('../.well-known/workflow/v1/step.js');
const manifest = require('../.well-known/workflow/v1/manifest.json');

if (!process.env.WORKFLOW_TARGET_WORLD) {
  console.error('WORKFLOW_TARGET_WORLD is not set');
  process.exit(1);
}

/** Flow deliveries per run (the suite's inline-execution tests read it; counted before the handler runs). */
const flowInvocations = new Map();

const json = (value, status = 200) =>
  new Response(
    // Uint8Arrays travel tagged, as the package's server sends them (its getRun() revives them).
    JSON.stringify(value, (_key, v) => (v instanceof Uint8Array ? { __type: 'Uint8Array', data: Buffer.from(v).toString('base64') } : v)),
    { status, headers: { 'content-type': 'application/json' } },
  );

async function countFlowDelivery(request) {
  try {
    const body = await request.clone().json();
    const runId = body?.runId ?? body?.payload?.runId;
    if (typeof runId === 'string') flowInvocations.set(runId, (flowInvocations.get(runId) ?? 0) + 1);
  } catch {
    // not JSON: the handler answers it
  }
}

async function route(request) {
  const { pathname } = new URL(request.url);
  const method = request.method;
  let match;
  if (pathname === '/.well-known/workflow/v1/flow') {
    if (method === 'POST') await countFlowDelivery(request);
    return flow.POST(request);
  }
  if (pathname === '/.well-known/workflow/v1/step') return step.POST(request);
  if (method === 'POST' && pathname === '/invoke') {
    const { file, workflow, args = [] } = await request.json();
    const metadata = manifest.workflows[file]?.[workflow];
    if (!metadata) return json({ error: `no workflow ${workflow} in ${file}` }, 400);
    const run = await start(metadata, args);
    return json({ runId: run.runId });
  }
  if (method === 'POST' && (match = /^\/hooks\/(.+)$/.exec(pathname))) {
    const hook = await getHookByToken(decodeURIComponent(match[1]));
    const { runId } = await resumeHook(hook.token, { ...(await request.json()), metadata: hook.metadata });
    return json({ runId, hookId: hook.hookId });
  }
  if (method === 'GET' && (match = /^\/_flow-invocations\/(.+)$/.exec(pathname))) {
    return json({ count: flowInvocations.get(decodeURIComponent(match[1])) ?? 0 });
  }
  if (method === 'GET' && (match = /^\/runs\/([^/]+)\/readable$/.exec(pathname))) {
    return new Response(getRun(decodeURIComponent(match[1])).getReadable());
  }
  if (method === 'GET' && (match = /^\/runs\/([^/]+)\/events$/.exec(pathname))) {
    const events = [];
    for (let cursor, page; !page || page.hasMore; cursor = page.cursor ?? undefined) {
      page = await getWorld().events.list({ runId: decodeURIComponent(match[1]), pagination: { sortOrder: 'asc', cursor } });
      events.push(...page.data.map((e) => ({ eventType: e.eventType, correlationId: e.correlationId })));
      if (!page.cursor) break;
    }
    return json({ events });
  }
  if (method === 'GET' && (match = /^\/runs\/([^/]+)$/.exec(pathname))) {
    return json(await getWorld().runs.get(decodeURIComponent(match[1])));
  }
  return new Response('not found', { status: 404 });
}

/** node:http to a Web Request and back. */
const server = createServer(async (req, res) => {
  try {
    const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
    const request = new Request(`http://${req.headers.host}${req.url}`, {
      method: req.method,
      headers: Object.entries(req.headers).flatMap(([k, v]) => (Array.isArray(v) ? v.map((x) => [k, x]) : [[k, v]])),
      ...(hasBody ? { body: Readable.toWeb(req), duplex: 'half' } : {}),
    });
    const response = await route(request);
    res.writeHead(response.status, Object.fromEntries(response.headers));
    if (response.body) Readable.fromWeb(response.body).pipe(res);
    else res.end();
  } catch (error) {
    console.error(error);
    if (!res.headersSent) res.writeHead(500);
    res.end(String(error));
  }
});

server.listen(Number(process.env.PORT) || 0, '127.0.0.1', async () => {
  const { port } = server.address();
  process.env.PORT = String(port);
  // Tasks call this server back, and their tokens are minted for it: its URL is known only now.
  process.env.DEFERRED_SERVICE_URL = `http://127.0.0.1:${port}`;
  console.log(`listening on http://127.0.0.1:${port}`);
  const world = getWorld();
  await world.start?.();
  if (process.env.CONTROL_FD === '3') {
    const control = createWriteStream('', { fd: 3 });
    control.write(`${JSON.stringify({ state: 'listening', info: { port } })}\n`);
    control.end();
  }
});
