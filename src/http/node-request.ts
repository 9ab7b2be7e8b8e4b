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

function readLimited(incoming: IncomingMessage, maxSize: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      incoming.off('data', onData);
      incoming.off('end', onEnd);
      incoming.off('error', onError);
      incoming.off('aborted', onAborted);
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
    const onError = (err: Error) => {
      cleanup();
      reject(err);
    };
    const onAborted = () => onError(new Error('The client closed the request'));
    incoming.on('data', onData);
    incoming.on('end', onEnd);
    incoming.on('error', onError);
    incoming.on('aborted', onAborted);
  });
}

/**
 * Caps JSON request bodies at `maxSize` bytes (413 `payload_too_large`). On Node the body is read
 * straight from the socket and handed to Hono's body cache, so `c.req.json()` and the validators
 * parse it without a WHATWG Request; elsewhere Hono's own bodyLimit does the same job.
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
    const declared = node.incoming.headers['content-length'];
    if (declared !== undefined && Number(declared) > maxSize) throw tooLarge(maxSize);
    if (node.incoming.readableEnded) return fallback(c, next); // already consumed elsewhere
    const body = await readLimited(node.incoming, maxSize);
    // Hono keeps body promises in this cache (typed as the values); json() and the other readers use it.
    (c.req.bodyCache as { text?: Promise<string> }).text = Promise.resolve(body.toString('utf8'));
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
