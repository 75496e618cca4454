const encoder = new TextEncoder();

/**
 * A streamed text body from chunks produced on demand (pull-based, so a slow client slows the
 * reads from the tenant's object instead of buffering). The first chunk is awaited before the
 * response exists: an error there (auth already passed, but the object may fail) becomes a
 * proper error response; later errors abort the stream, which the client sees as truncated.
 */
export async function streamText(chunks: AsyncIterable<string>, headers: Record<string, string>): Promise<Response> {
  const it = chunks[Symbol.asyncIterator]();
  const first = await it.next();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      if (first.done) controller.close();
      else if (first.value) controller.enqueue(encoder.encode(first.value));
    },
    async pull(controller) {
      if (first.done) return;
      // A pull that enqueues nothing is not called again: skip empty chunks until one has text.
      for (;;) {
        const next = await it.next();
        if (next.done) return controller.close();
        if (next.value) return controller.enqueue(encoder.encode(next.value));
      }
    },
    async cancel() {
      await it.return?.();
    },
  });
  return new Response(body, { headers: { "cache-control": "no-store", ...headers } });
}

export const attachment = (filename: string) => `attachment; filename="${filename}"`;

export const exportFilename = (tenantId: string, name: string, now: number) => `psg-${tenantId}-${new Date(now).toISOString().slice(0, 10)}-${name}`;
