import { setupServer } from 'msw/node';
import { http, HttpResponse } from 'msw';
import superjson from 'superjson';
import { OAuth2Client } from 'google-auth-library';

const server = setupServer(http.get('https://www.googleapis.com/oauth2/v1/certs', () => HttpResponse.json({ a: 'b' }, { headers: { 'cache-control': 'max-age=100' } })));
beforeAll(() => server.listen({ onUnhandledFrame: 'error' } as any));
afterAll(() => server.close());
test('works', async () => {
  const s = superjson.stringify({ d: new Date(0), m: new Map([[1, 2]]) });
  expect(superjson.parse<any>(s).m.get(1)).toBe(2);
  const c = new OAuth2Client({ transporterOptions: { fetchImplementation: (u: any, i: any) => globalThis.fetch(u, i) } } as any);
  const r = await c.getFederatedSignonCertsAsync();
  expect(r.certs).toEqual({ a: 'b' });
});
