import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestFetch } from './request-fetch.js';

// Against a real HTTP server on loopback: what the AI SDK providers rely on from `fetch`.
let server: Server;
let base: string;
const fetchLike = requestFetch();

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      if (req.url === '/empty') {
        res.writeHead(204).end();
        return;
      }
      if (req.url === '/ticker') {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        const timer = setInterval(() => res.write('data: tick\n\n'), 1);
        res.on('close', () => clearInterval(timer));
        setTimeout(() => res.end(), 300);
        return;
      }
      if (req.url === '/slow') {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write('data: first\n\n');
        return; // never ends: the client aborts
      }
      res.setHeader('set-cookie', ['a=1', 'b=2']);
      res.writeHead(req.url === '/missing' ? 404 : 200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ method: req.method, auth: req.headers.authorization ?? null, body }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('requestFetch', () => {
  it('sends method, headers (object, Headers or pairs) and a string body; reads status, headers and body', async () => {
    for (const headers of [
      { authorization: 'Bearer x' },
      new Headers({ authorization: 'Bearer x' }),
      [['authorization', 'Bearer x']] as [string, string][],
    ]) {
      const res = await fetchLike(`${base}/echo`, { method: 'post', headers, body: '{"a":1}' });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/json');
      expect(res.headers.get('set-cookie')).toBe('a=1, b=2');
      expect(await res.json()).toEqual({ method: 'POST', auth: 'Bearer x', body: '{"a":1}' });
    }
  });

  it('passes error statuses through and gives 204 a null body', async () => {
    const missing = await fetchLike(new URL('/missing', base));
    expect(missing.status).toBe(404);
    expect(missing.ok).toBe(false);
    const empty = await fetchLike(`${base}/empty`);
    expect(empty.status).toBe(204);
    expect(empty.body).toBeNull();
  });

  it('streams the body and stops reading when aborted', async () => {
    const controller = new AbortController();
    const res = await fetchLike(`${base}/slow`, { signal: controller.signal });
    const reader = res.body!.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toBe('data: first\n\n');
    controller.abort();
    await expect(reader.read()).rejects.toThrow();
  });

  it('refuses body types it does not send', async () => {
    await expect(fetchLike(`${base}/echo`, { method: 'POST', body: new FormData() })).rejects.toThrow(
      TypeError,
    );
  });
});

describe('requestFetch cancellation', () => {
  it('stops the body when the consumer cancels, with nothing thrown afterwards', async () => {
    const errors: unknown[] = [];
    const onError = (err: unknown) => errors.push(err);
    process.on('uncaughtException', onError);
    try {
      for (let i = 0; i < 5; i++) {
        const res = await fetchLike(`${base}/ticker`); // keeps sending after the cancel
        const reader = res.body!.getReader();
        await reader.read();
        await reader.cancel();
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(errors).toEqual([]);
    } finally {
      process.off('uncaughtException', onError);
    }
  });
});
