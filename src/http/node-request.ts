import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { AppError } from '../lib/errors.js';

/**
 * On Node (@hono/node-server), the request and response objects behind a Hono context. Reading the
 * body or the abort signal through `c.req.raw` makes the adapter build a full WHATWG Request (undici
 * Request, AbortController, the body wrapped twice in web streams), which costs a few hundred
 * microseconds on every model call; these helpers go to the Node objects instead and fall back to
 * `c.req.raw` elsewhere (Lambda, `app.request` in tests).
 */
function nodeObjects(c: Context): { incoming: IncomingMessage; outgoing: ServerResponse } | null {
  const env = c.env as { incoming?: IncomingMessage; outgoing?: ServerResponse } | undefined;
  if (!env?.incoming || !env.outgoing || typeof env.incoming.on !== 'function') return null;
  return { incoming: env.incoming, outgoing: env.outgoing };
}

const tooLarge = (maxSize: number) =>
  new AppError(413, 'payload_too_large', `Request body is over ${maxSize} bytes`);

const cutOff = () => AppError.badRequest('invalid_request', 'The request body was cut off before it ended');

function readLimited(incoming: IncomingMessage, maxSize: number): Promise<Buffer> {
  if (incoming.readableAborted || incoming.destroyed) return Promise.reject(cutOff());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      incoming.off('data', onData);
      incoming.off('end', onEnd);
      incoming.off('error', onError);
      incoming.off('aborted', onError);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxSize) {
        cleanup();
        // Stop buffering, but keep draining so the connection can still carry the 413.
        incoming.resume();
        reject(tooLarge(maxSize));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    };
    // A client that goes away mid-body: a 4xx, not a server error.
    const onError = () => {
      cleanup();
      reject(cutOff());
    };
    incoming.on('data', onData);
    incoming.on('end', onEnd);
    incoming.on('error', onError);
    incoming.on('aborted', onError);
  });
}

/** UTF-8 text as fetch's `text()` decodes it (a leading byte-order mark is dropped). */
const decoder = new TextDecoder();

/**
 * Caps JSON request bodies at `maxSize` bytes (413 `payload_too_large`). On Node the body is read
 * straight from the socket into Hono's body cache, so `c.req.json()` and the validators parse it
 * without a WHATWG Request; elsewhere Hono's own bodyLimit does the same job.
 *
 * A body with a declared Content-Length is checked against the limit at once and read only when a
 * handler asks for it (a request refused by auth or a rate limit is never buffered); Node ends such a
 * body at the declared length. A chunked body has no length to check, so it is read here, and refused
 * as soon as it grows past the limit.
 */
export function jsonBodyLimit(maxSize: number): MiddlewareHandler {
  const fallback = bodyLimit({
    maxSize,
    onError: () => {
      throw tooLarge(maxSize);
    },
  });
  return async (c, next) => {
    const node = nodeObjects(c);
    const method = c.req.method;
    if (!node || method === 'GET' || method === 'HEAD') return fallback(c, next);
    const { incoming } = node;
    if (incoming.readableEnded) return fallback(c, next); // already consumed elsewhere
    // Hono keeps body promises in this cache (typed as the values); json() and the other readers use it.
    const cache = c.req.bodyCache as { text?: Promise<string> };
    const declared = incoming.headers['content-length'];
    if (declared !== undefined && incoming.headers['transfer-encoding'] === undefined) {
      if (Number(declared) > maxSize) throw tooLarge(maxSize);
      let text: Promise<string> | undefined;
      Object.defineProperty(cache, 'text', {
        configurable: true,
        enumerable: true,
        get: () => (text ??= readLimited(incoming, maxSize).then((body) => decoder.decode(body))),
      });
    } else {
      const body = await readLimited(incoming, maxSize);
      cache.text = Promise.resolve(decoder.decode(body));
    }
    await next();
  };
}

/**
 * An AbortController that aborts when the client goes away before the response is complete (the
 * caller can also abort it, e.g. from a stream's onAbort).
 */
export function clientAbortController(c: Context): AbortController {
  const controller = new AbortController();
  const node = nodeObjects(c);
  if (node) {
    const { outgoing } = node;
    const onClose = () => {
      if (!outgoing.writableFinished) controller.abort();
    };
    if (outgoing.destroyed || outgoing.socket?.destroyed) onClose();
    else outgoing.once('close', onClose);
    return controller;
  }
  const signal = c.req.raw.signal;
  if (signal.aborted) controller.abort();
  else signal.addEventListener('abort', () => controller.abort(), { once: true });
  return controller;
}
