import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutboundRefusedError } from '../../ports/outbound.js';
import { GuardedOutboundHttp } from './guarded-fetch.js';

describe('GuardedOutboundHttp', () => {
  let server: Server;
  let port: number;
  let hits = 0;
  beforeAll(async () => {
    server = createServer((_req, res) => {
      hits++;
      res.end('reached');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('refuses private targets at save time when private targets are not allowed', async () => {
    const guard = new GuardedOutboundHttp(false);
    for (const url of [
      `http://127.0.0.1:${port}/v1`,
      'http://localhost:11434/v1',
      'http://169.254.169.254/latest/meta-data/',
      'http://[::1]:8080/v1',
      'http://10.0.0.5/v1',
      'http://[::ffff:127.0.0.1]/v1',
    ]) {
      await expect(guard.assertAllowed(url), url).rejects.toBeInstanceOf(OutboundRefusedError);
    }
    await expect(guard.assertAllowed('file:///etc/passwd')).rejects.toThrow(/http and https/);
    await expect(guard.assertAllowed('https://user:pw@example.com')).rejects.toThrow(/credentials/);
    await expect(guard.assertAllowed('not a url')).rejects.toThrow(/valid URL/);
  });

  it('refuses to connect to private addresses, by literal IP or by a name that resolves to one', async () => {
    const guard = new GuardedOutboundHttp(false);
    const before = hits;
    await expect(guard.fetch(`http://127.0.0.1:${port}/`)).rejects.toBeInstanceOf(OutboundRefusedError);
    // "localhost" passes a naive string check but resolves to loopback at connect time.
    await expect(guard.fetch(`http://localhost:${port}/`)).rejects.toThrow();
    expect(hits).toBe(before);
  });

  it('allows loopback when private targets are allowed (local mode: Ollama, LM Studio)', async () => {
    const guard = new GuardedOutboundHttp(true);
    await expect(guard.assertAllowed(`http://127.0.0.1:${port}/v1`)).resolves.toBeUndefined();
    const res = await guard.fetch(`http://127.0.0.1:${port}/`);
    expect(await res.text()).toBe('reached');
  });
});
