/**
 * A minimal Server-Sent Events reader for `fetch` responses. EventSource can only GET, and the run
 * endpoints are POSTs, so the app reads `response.body` itself. Follows the parsing rules of the HTML
 * spec that matter here: events end at a blank line; lines end in LF, CRLF or CR (even when a chunk
 * splits a CRLF); `field: value` loses one leading space; several `data:` lines join with "\n";
 * comment lines (`: heartbeat`) are reported apart so callers can tell the connection is alive.
 * Dependency-free (no `@/` imports) so it also runs under Node.
 */
export interface SseMessage {
  /** `message` when the block named no event. */
  event: string;
  data: string;
  id?: string;
}

export type SseItem = { kind: 'event'; message: SseMessage } | { kind: 'comment'; text: string };

/** Incremental parser: feed it text as it arrives, get back the complete items so far. */
export class SseParser {
  private buffer = '';
  private event = '';
  private data: string[] = [];
  private id: string | undefined;
  private hasData = false;

  /** Parses `chunk` (decoded text). Pass `final` on the last call to flush a trailing line. */
  push(chunk: string, final = false): SseItem[] {
    this.buffer += chunk;
    const items: SseItem[] = [];
    let start = 0;
    for (let i = 0; i < this.buffer.length; i++) {
      const ch = this.buffer[i];
      if (ch !== '\n' && ch !== '\r') continue;
      // A CR at the very end may be the first half of a CRLF: wait for the next chunk.
      if (ch === '\r' && i === this.buffer.length - 1 && !final) break;
      this.line(this.buffer.slice(start, i), items);
      if (ch === '\r' && this.buffer[i + 1] === '\n') i++;
      start = i + 1;
    }
    this.buffer = this.buffer.slice(start);
    if (final) {
      if (this.buffer !== '') this.line(this.buffer, items);
      this.buffer = '';
      // The spec drops an unterminated event at end of stream; a server that closes right after its
      // last `data:` line still meant it, so keep it.
      this.dispatch(items);
    }
    return items;
  }

  private line(line: string, items: SseItem[]): void {
    if (line === '') {
      this.dispatch(items);
      return;
    }
    if (line.startsWith(':')) {
      items.push({ kind: 'comment', text: line.slice(1).trim() });
      return;
    }
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') this.event = value;
    else if (field === 'data') {
      this.data.push(value);
      this.hasData = true;
    } else if (field === 'id' && !value.includes('\0')) this.id = value;
    // `retry` and unknown fields are ignored.
  }

  private dispatch(items: SseItem[]): void {
    if (this.hasData) {
      items.push({
        kind: 'event',
        message: {
          event: this.event || 'message',
          data: this.data.join('\n'),
          ...(this.id !== undefined ? { id: this.id } : {}),
        },
      });
    }
    this.event = '';
    this.data = [];
    this.hasData = false;
  }
}

/**
 * Reads an event stream to its end, yielding events and comments as they arrive. Aborting the fetch
 * makes the pending read reject (AbortError); the reader is always released.
 */
export async function* readSseStream(body: ReadableStream<Uint8Array>): AsyncGenerator<SseItem> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const parser = new SseParser();
  let finished = false;
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      yield* parser.push(decoder.decode(value, { stream: true }));
    }
    finished = true;
    yield* parser.push(decoder.decode(), true);
  } finally {
    if (!finished) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}
