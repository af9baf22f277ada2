/**
 * The benchmark's baseline: a bare POST route that reads the body and answers 200, served by the
 * same `next start` as the task handler, so `npm run bench` can report the handler as a ratio.
 */
export async function POST(request: Request) {
  await request.arrayBuffer();
  return Response.json({ outcome: 'success' });
}
