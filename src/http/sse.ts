import type { Context } from 'hono';
import type { AppEnv } from './env.js';

/** Writes Server-Sent Events into a response that is already on its way to the client. */
export interface SseWriter {
  /** One event; `data` may span lines (each becomes a `data:` line). */
  send(message: { event?: string; data: string }): void;
  /** A comment line (`: text`), which clients skip: keeps idle connections open. */
  comment(text: string): void;
  /** True once the client went away or the stream ended; later writes are dropped. */
  readonly closed: boolean;
}

const LINE_BREAK = /\r\n|\r|\n/;

function format(message: { event?: string; data: string }): string {
  if (message.event !== undefined && /[\r\n]/.test(message.event)) {
    throw new Error('an SSE event name cannot contain a line break');
  }
  const data = message.data
    .split(LINE_BREAK)
    .map((line) => `data: ${line}`)
    .join('\n');
  return message.event ? `event: ${message.event}\n${data}\n\n` : `${data}\n\n`;
}

/**
 * An SSE response whose body is one push-based ReadableStream: `produce` writes events as they come
 * and the response ends when it settles. Compared with Hono's streamSSE (a TransformStream behind a
 * second ReadableStream, every write awaited through both) an event reaches the socket in fewer
 * promise hops, which is most of the per-delta cost of a streamed answer.
 *
 * Writes are not awaited: events are buffered until the socket takes them. Everything streamed here is
 * bounded (a model answer is at most a few thousand tokens), so that buffer is too.
 * `onCancel` runs when the client goes away before the end.
 */
export function sseResponse(
  c: Context<AppEnv>,
  produce: (sse: SseWriter) => Promise<void>,
  onCancel: () => void,
): Response {
  const encoder = new TextEncoder();
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let closed = false;
  const body = new ReadableStream<Uint8Array>({
    start(ctrl) {
      controller = ctrl;
    },
    cancel() {
      if (closed) return;
      closed = true;
      onCancel();
    },
  });
  const write = (text: string) => {
    if (!closed) controller.enqueue(encoder.encode(text));
  };
  const writer: SseWriter = {
    send: (message) => write(format(message)),
    comment: (text) => write(`: ${text}\n\n`),
    get closed() {
      return closed;
    },
  };
  void produce(writer)
    .catch((err: unknown) => c.get('logger').error({ err }, 'event stream failed'))
    .finally(() => {
      if (closed) return;
      closed = true;
      controller.close();
    });
  c.header('Content-Type', 'text/event-stream');
  c.header('Cache-Control', 'no-cache');
  c.header('Connection', 'keep-alive');
  // Chunked up front: the Node adapter then sends the headers at once instead of waiting for a body.
  c.header('Transfer-Encoding', 'chunked');
  return c.body(body);
}
