import { defer, deferMany } from 'next-cloud-tasks';
import { noop } from '@/app/_tasks/demo';

/** The ways to make `count` tasks that bench/fanout.bench.ts compares, in one `next start`. */
const WAYS = {
  deferMany: async (count: number) =>
    (
      await deferMany(
        noop,
        Array.from({ length: count }, () => []),
        { queue: 'bench' },
      )
    ).created,
  loop: async (count: number) => {
    for (let i = 0; i < count; i++) await defer(noop, [], { queue: 'bench' });
    return count;
  },
  promiseAll: async (count: number) => (await Promise.all(Array.from({ length: count }, () => defer(noop, [], { queue: 'bench' })))).length,
};

/** POST ?way=deferMany|loop|promiseAll&count=N: makes N tasks that way, answers how long it took (ms). */
export async function POST(request: Request) {
  const url = new URL(request.url);
  const way = WAYS[url.searchParams.get('way') as keyof typeof WAYS];
  const count = Number(url.searchParams.get('count'));
  if (!Object.hasOwn(WAYS, url.searchParams.get('way') ?? '') || !Number.isInteger(count) || count < 1) {
    return Response.json({ error: `?way=${Object.keys(WAYS).join('|')}&count=<n>` }, { status: 400 });
  }
  const start = performance.now();
  const created = await way(count);
  return Response.json({ created, ms: performance.now() - start });
}
