/**
 * The token check alone, in process: verifyTaskToken (jose's jwtVerify against a JWK set) on a
 * fresh token each call, against its floor, node:crypto's synchronous RS256 verify of the same
 * tokens' signatures (what google-auth-library's check cost, give or take the claim checks).
 * Rounds alternate the order; medians of CPU µs per token (user + system, all threads: jose's
 * WebCrypto runs on Node's thread pool) and of wall µs, one token at a time and 50 at once.
 *
 * Run: npm run bench -- verify-token. BENCH_ROUNDS and BENCH_TOKENS override.
 */
import { createSign, generateKeyPairSync, verify } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EMULATOR_ISSUER, EMULATOR_JWKS_PATH } from '../lib/src/contract/issuers';
import { verifyTaskToken } from '../lib/src/handle/verify-token';
import { machine, median, round } from './support/stats';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const TOKENS = Number(process.env.BENCH_TOKENS ?? 1000);
const AUDIENCE = 'https://app.example.com';
const EMAIL = 'tasks@my-project.iam.gserviceaccount.com';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const KID = 'bench-key';
const b64 = (value: string | Buffer) => Buffer.from(value).toString('base64url');
let issued = 0;

/** Signed by hand (synchronously) so that making the pool costs no more on one side than the other. */
function freshTokens(count: number): string[] {
  const now = Math.floor(Date.now() / 1000);
  const header = b64(JSON.stringify({ alg: 'RS256', kid: KID, typ: 'JWT' }));
  return Array.from({ length: count }, () => {
    const claims = { iss: EMULATOR_ISSUER, aud: AUDIENCE, sub: EMAIL, email: EMAIL, email_verified: true, iat: now, exp: now + 3600 };
    const input = `${header}.${b64(JSON.stringify({ ...claims, jti: String(issued++) }))}`;
    return `${input}.${b64(createSign('RSA-SHA256').update(input).sign(privateKey))}`;
  });
}

type Check = (token: string) => Promise<unknown> | unknown;
type Sample = { cpuUs: number; wallUs: number };

async function measure(check: Check, concurrency: number): Promise<Sample> {
  const tokens = freshTokens(TOKENS);
  const cpu = process.cpuUsage();
  const start = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < tokens.length) await check(tokens[next++]);
    }),
  );
  const wallUs = ((performance.now() - start) * 1000) / TOKENS;
  const used = process.cpuUsage(cpu);
  return { cpuUs: (used.user + used.system) / TOKENS, wallUs };
}

async function main() {
  // The emulator's trust path: a loopback JWKS, as the emulator serves it.
  const jwks = createServer((req, res) => {
    if (req.url !== EMULATOR_JWKS_PATH) return void res.writeHead(404).end();
    res
      .writeHead(200, { 'content-type': 'application/json', 'cache-control': 'public, max-age=3600' })
      .end(JSON.stringify({ keys: [{ ...publicKey.export({ format: 'jwk' }), kid: KID, alg: 'RS256', use: 'sig' }] }));
  });
  await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
  const config = { audience: AUDIENCE, allowedEmails: [EMAIL], emulatorHost: `127.0.0.1:${(jwks.address() as AddressInfo).port}` };
  try {
    const checks: Record<'verifyTaskToken' | 'rs256-floor', Check> = {
      verifyTaskToken: async (token) => {
        const verdict = await verifyTaskToken(`Bearer ${token}`, config);
        if (!verdict.ok) throw new Error(`refused: ${verdict.reason}`);
      },
      'rs256-floor': (token) => {
        const dot = token.lastIndexOf('.');
        if (!verify('RSA-SHA256', Buffer.from(token.slice(0, dot)), publicKey, Buffer.from(token.slice(dot + 1), 'base64url'))) {
          throw new Error('bad signature');
        }
      },
    };
    const names = Object.keys(checks) as (keyof typeof checks)[];
    const samples: Record<string, Sample[]> = {};
    for (const name of names) for (const concurrency of [1, 50]) await measure(checks[name], concurrency); // warm-up, keys fetched
    for (let r = 0; r < ROUNDS; r++) {
      for (const name of r % 2 ? [...names].reverse() : names) {
        for (const concurrency of [1, 50]) (samples[`${name} x${concurrency}`] ??= []).push(await measure(checks[name], concurrency));
      }
    }
    const summary = Object.fromEntries(
      Object.entries(samples).map(([key, list]) => [
        key,
        { cpuUsPerToken: round(median(list.map((s) => s.cpuUs)), 1), wallUsPerToken: round(median(list.map((s) => s.wallUs)), 1) },
      ]),
    );
    const ratio = (concurrency: number) =>
      round(summary[`verifyTaskToken x${concurrency}`].cpuUsPerToken / summary[`rs256-floor x${concurrency}`].cpuUsPerToken);
    const report = {
      benchmark: 'verify-token',
      ...machine(),
      rounds: ROUNDS,
      tokens: TOKENS,
      summary,
      cpuRatioToFloor: { x1: ratio(1), x50: ratio(50) },
    };
    mkdirSync('bench/results', { recursive: true });
    writeFileSync('bench/results/verify-token.json', JSON.stringify(report, null, 2));
    console.log(JSON.stringify({ summary, cpuRatioToFloor: report.cpuRatioToFloor }, null, 2));
  } finally {
    jwks.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
