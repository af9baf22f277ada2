export async function POST(req: Request, ctx: { params: Promise<{ suffix?: string[] }> }) {
  const { suffix } = await ctx.params;
  return Response.json({ suffix: suffix ?? [], url: req.url });
}
