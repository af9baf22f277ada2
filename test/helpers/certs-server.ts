import { createServer, type Server } from 'node:http';
import { EMULATOR_JWKS_PATH } from '@/lib/src/contract/issuers';
import { jwks, type SigningKey } from '@/lib/src/testing/oidc-tokens';

export interface CertsServer {
  /** `host:port`, for CLOUD_TASKS_EMULATOR_HOST. */
  host: string;
  /** How many times the certs were fetched. */
  fetches(): number;
  close(): Promise<void>;
}

/**
 * Serves `keys` (a JWK set) where the app looks for the emulator's keys, so a production server verifies
 * real RS256 tokens offline (the emulator's trust path; Google's certs URL is unreachable here).
 */
export async function startCertsServer(keys: readonly SigningKey[]): Promise<CertsServer> {
  let fetches = 0;
  const server: Server = createServer((req, res) => {
    if (req.url !== EMULATOR_JWKS_PATH) return void res.writeHead(404).end();
    fetches++;
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'public, max-age=3600' }).end(JSON.stringify(jwks(keys)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    host: `127.0.0.1:${port}`,
    fetches: () => fetches,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
