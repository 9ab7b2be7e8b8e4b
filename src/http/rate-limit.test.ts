import { serve } from '@hono/node-server';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { Hono, type Context } from 'hono';
import { requestId } from 'hono/request-id';
import { describe, expect, it } from 'vitest';
import { MemoryRateLimiter } from '../adapters/memory/rate-limiter.js';
import { AppError } from '../lib/errors.js';
import type { AppEnv } from './env.js';
import { onError, onNotFound } from './errors.js';
import { clientIp, DEFAULT_LIMITS, rateLimit, type Identity, type Limits } from './rate-limit.js';

const LIMITS: Limits = {
  ...DEFAULT_LIMITS,
  api: { anonymous: { points: 3, durationSec: 60 }, user: { points: 5, durationSec: 60 }, admin: null },
};

/** `x-test-user: <id>` / `x-test-admin: <id>` stand in for authentication. */
function identify(c: Context): Identity {
  const admin = c.req.header('x-test-admin');
  if (admin) return { tier: 'admin', subject: `user:${admin}` };
  const user = c.req.header('x-test-user');
  return user
    ? { tier: 'user', subject: `user:${user}` }
    : { tier: 'anonymous', subject: `ip:${clientIp(c)}` };
}

/** The same shape as src/app.ts: request id, the app's error handlers, limits on a mounted /api. */
function testApp() {
  const app = new Hono<AppEnv>();
  app.use(requestId({ headerName: 'X-Request-Id' }));
  app.onError(onError);
  app.notFound(onNotFound);
  const api = new Hono<AppEnv>();
  api.use(rateLimit(new MemoryRateLimiter(), 'api', LIMITS, identify));
  api.get('/thing', (c) => c.json({ ok: true }));
  api.get('/missing', () => {
    throw AppError.notFound('Thing');
  });
  api.get('/raw', () => new Response('raw'));
  app.route('/api', api);
  return app;
}

const headersOf = (res: Response) => ({
  limit: res.headers.get('ratelimit-limit'),
  remaining: res.headers.get('ratelimit-remaining'),
  reset: Number(res.headers.get('ratelimit-reset')),
  retryAfter: res.headers.get('retry-after'),
});

describe('rateLimit middleware', () => {
  it('puts RateLimit headers on allowed responses', async () => {
    const app = testApp();
    const res = await app.request('/api/thing');
    expect(res.status).toBe(200);
    const h = headersOf(res);
    expect(h).toMatchObject({ limit: '3', remaining: '2', retryAfter: null });
    expect(h.reset).toBeGreaterThan(0);
    expect(h.reset).toBeLessThanOrEqual(60);
    expect(headersOf(await app.request('/api/thing')).remaining).toBe('1');
  });

  it('answers 429 rate_limited with Retry-After and the headers, through the app error handler', async () => {
    const app = testApp();
    for (let i = 0; i < 3; i++) expect((await app.request('/api/thing')).status).toBe(200);
    const res = await app.request('/api/thing', { headers: { 'x-request-id': 'req-429' } });
    expect(res.status).toBe(429);
    const h = headersOf(res);
    expect(h).toMatchObject({ limit: '3', remaining: '0' });
    expect(Number(h.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(Number(h.retryAfter)).toBeLessThanOrEqual(60);
    expect(res.headers.get('content-type')).toContain('application/json');
    const body = (await res.json()) as { error: Record<string, string> };
    expect(body).toEqual({
      error: { code: 'rate_limited', message: expect.any(String), requestId: 'req-429' },
    });
    expect(body.error.message).toContain(`${h.retryAfter} s`);
  });

  it('keeps the headers on error responses and bare Responses from handlers', async () => {
    const app = testApp();
    const missing = await app.request('/api/missing');
    expect(missing.status).toBe(404);
    expect(headersOf(missing)).toMatchObject({ limit: '3', remaining: '2' });
    const raw = await app.request('/api/raw');
    expect(await raw.text()).toBe('raw');
    expect(headersOf(raw)).toMatchObject({ limit: '3', remaining: '1' });
  });

  it('uses the rule of the caller tier, a counter per subject, and no limit for unlimited tiers', async () => {
    const app = testApp();
    const as = (header: string, id: string) => app.request('/api/thing', { headers: { [header]: id } });
    expect(headersOf(await as('x-test-user', 'u1'))).toMatchObject({ limit: '5', remaining: '4' });
    expect(headersOf(await as('x-test-user', 'u2'))).toMatchObject({ limit: '5', remaining: '4' });
    expect(headersOf(await app.request('/api/thing'))).toMatchObject({ limit: '3', remaining: '2' });
    for (let i = 0; i < 10; i++) {
      const res = await as('x-test-admin', 'root');
      expect(res.status).toBe(200);
      expect(res.headers.has('ratelimit-limit')).toBe(false);
    }
  });

  it('ships the default limits as typed config', () => {
    expect(DEFAULT_LIMITS.auth.anonymous).toEqual({ points: 10, durationSec: 60, blockSec: 60 });
    expect(DEFAULT_LIMITS.api).toEqual({
      anonymous: { points: 120, durationSec: 60 },
      user: { points: 600, durationSec: 60 },
      admin: null,
    });
    expect(DEFAULT_LIMITS.ai.user).toEqual({ points: 100, durationSec: 3600 });
  });
});

describe('clientIp', () => {
  const ipApp = (trustProxy: boolean) => new Hono().get('/ip', (c) => c.text(clientIp(c, { trustProxy })));

  it('is "unknown" without a socket, and ignores X-Forwarded-For unless the proxy is trusted', async () => {
    // A client-forged first entry, then the address our proxy appended.
    const headers = { 'x-forwarded-for': '203.0.113.7, 198.51.100.20' };
    expect(await (await ipApp(false).request('/ip')).text()).toBe('unknown');
    expect(await (await ipApp(false).request('/ip', { headers })).text()).toBe('unknown');
    expect(await (await ipApp(true).request('/ip', { headers })).text()).toBe('198.51.100.20');
    expect(await (await ipApp(true).request('/ip')).text()).toBe('unknown');
  });

  it('reads the socket address on a real Node server', async () => {
    for (const trustProxy of [false, true]) {
      const server = serve({ fetch: ipApp(trustProxy).fetch, port: 0, hostname: '127.0.0.1' });
      await once(server, 'listening');
      try {
        const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/ip`;
        expect(await (await fetch(url)).text()).toMatch(/^(::ffff:)?127\.0\.0\.1$/);
        const forwarded = await fetch(url, { headers: { 'x-forwarded-for': '198.51.100.9' } });
        expect(await forwarded.text()).toMatch(trustProxy ? /^198\.51\.100\.9$/ : /127\.0\.0\.1$/);
      } finally {
        await new Promise((resolve) => server.close(resolve));
      }
    }
  });
});
