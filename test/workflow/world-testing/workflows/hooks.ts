import { defineHook, getWritable } from 'workflow';

interface Payload {
  data: string;
  done?: boolean;
  metadata?: unknown;
}

const collect = defineHook<Payload>();

/** Writes one JSON line to the run's stream: the suite reads them to know when to resume. */
async function announce(stream: WritableStream<Uint8Array>, event: string, payload?: Payload): Promise<void> {
  'use step';
  const writer = stream.getWriter();
  await writer.write(new TextEncoder().encode(`${JSON.stringify({ event, payload })}\r\n`));
  writer.releaseLock();
}

/** Collects the hook's payloads (each with the hook's metadata) until one says done. */
export async function collectWithHook(token: string, customData: string) {
  'use workflow';
  const hook = collect.create({ token, metadata: { customData } });
  const stream = getWritable<Uint8Array>();
  await announce(stream, 'hookCreated');
  const collected: Payload[] = [];
  for await (const payload of hook) {
    await announce(stream, 'hookResumed', payload);
    collected.push(payload);
    if (payload.done) break;
  }
  return { collected };
}
