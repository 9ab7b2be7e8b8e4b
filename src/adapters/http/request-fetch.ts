import { request, type Dispatcher } from 'undici';

type Fetch = typeof globalThis.fetch;

function headerRecord(headers: RequestInit['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  if (!headers) return out;
  if (headers instanceof Headers || Array.isArray(headers)) {
    for (const [name, value] of headers instanceof Headers ? headers.entries() : headers) out[name] = value!;
    return out;
  }
  for (const [name, value] of Object.entries(headers)) if (value !== undefined) out[name] = value;
  return out;
}

/**
 * A pull-based web stream over a Node body. Not Readable.toWeb: on Node 20 that keeps enqueueing
 * after the web stream is cancelled (a consumer that stops reading) and throws an uncaught
 * ERR_INVALID_STATE. Cancelling here ends the iterator, which destroys the socket's body.
 */
function toWebStream(body: AsyncIterable<Uint8Array>): ReadableStream<Uint8Array> {
  const chunks = body[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await chunks.next();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    async cancel() {
      await chunks.return?.();
    },
  });
}

/**
 * A `fetch` for provider API calls on undici's `request`, which costs far less per request and per
 * body chunk than undici's WHATWG `fetch` (about a millisecond of time to first token on a streamed
 * answer, measured in BENCHMARKS.md). It covers what the AI SDK providers use: string or byte bodies,
 * abort signals, streamed response bodies. It does not follow redirects or decompress (it sends no
 * `accept-encoding`, so servers answer uncompressed); provider APIs need neither.
 */
export function requestFetch(dispatcher?: Dispatcher): Fetch {
  return (async (input: Parameters<Fetch>[0], init: RequestInit = {}) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const body = init.body;
    if (body != null && typeof body !== 'string' && !(body instanceof Uint8Array)) {
      throw new TypeError('requestFetch sends string or byte bodies only');
    }
    const method = (init.method ?? 'GET').toUpperCase();
    const res = await request(url, {
      method: method as Dispatcher.HttpMethod,
      headers: headerRecord(init.headers),
      ...(body != null ? { body } : {}),
      ...(init.signal ? { signal: init.signal } : {}),
      ...(dispatcher ? { dispatcher } : {}),
    });
    const headers = new Headers();
    for (const [name, value] of Object.entries(res.headers)) {
      if (Array.isArray(value)) for (const v of value) headers.append(name, v);
      else if (value !== undefined) headers.set(name, value);
    }
    const empty = method === 'HEAD' || res.statusCode === 204 || res.statusCode === 304;
    if (empty) res.body.resume();
    return new Response(empty ? null : toWebStream(res.body), {
      status: res.statusCode,
      headers,
    });
  }) as Fetch;
}
