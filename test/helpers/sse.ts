export interface SseEvent {
  event: string;
  data: Record<string, unknown>;
}

/** Reads a whole text/event-stream body into events; comment lines (`: heartbeat`) are counted apart. */
export async function readSse(res: Response): Promise<{ events: SseEvent[]; comments: string[] }> {
  const text = await res.text();
  const events: SseEvent[] = [];
  const comments: string[] = [];
  for (const block of text.split(/\n\n/)) {
    let event = 'message';
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) comments.push(line.slice(1).trim());
      else if (line.startsWith('event:')) event = line.slice(6).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
    }
    if (data.length > 0) events.push({ event, data: JSON.parse(data.join('\n')) as Record<string, unknown> });
  }
  return { events, comments };
}

/** The text of a stream: every `delta` event's `text`, in order. */
export function deltaText(events: SseEvent[]): string {
  return events
    .filter((e) => e.event === 'delta')
    .map((e) => e.data.text)
    .join('');
}
