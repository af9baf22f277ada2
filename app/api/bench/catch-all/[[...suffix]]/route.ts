/**
 * A second benchmark baseline: a bare POST route with the same optional catch-all shape as the
 * task route, so `npm run bench` can tell Next's routing cost from the adapter's.
 */
export async function POST(request: Request) {
  await request.arrayBuffer();
  return Response.json({ outcome: 'success' });
}
