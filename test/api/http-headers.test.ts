import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { recordingLogger, type LogEntry } from '../helpers/recording-logger.js';

// Headers every API response carries, CORS only for the configured origins, and the one log line per
// request. The middlewares set these on the response in place (no copies), so check nothing got lost.
describe('API response headers', () => {
  const allowed = 'https://app.example.test';
  const entries: LogEntry[] = [];
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ CORS_ORIGINS: allowed }, { logger: recordingLogger(entries) });
  });
  afterAll(async () => t?.close());

  const get = (path: string, headers: Record<string, string> = {}) => t.app.request(path, { headers });

  it('sets the security headers, CSP, no-store and a request id without an Origin', async () => {
    const res = await get('/api/health');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-request-id')).toMatch(/\S+/);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
    expect(await res.json()).toMatchObject({ status: 'ok' });
  });

  it('answers a configured origin with CORS headers', async () => {
    const res = await get('/api/health', { origin: allowed });
    expect(res.headers.get('access-control-allow-origin')).toBe(allowed);
    expect(res.headers.get('access-control-allow-credentials')).toBe('true');
    expect(res.headers.get('access-control-expose-headers')).toContain('X-Request-Id');
    expect(res.headers.get('vary')).toContain('Origin');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('gives another origin no CORS headers', async () => {
    const res = await get('/api/health', { origin: 'https://elsewhere.example.test' });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('answers preflights for the configured origin only', async () => {
    const preflight = (origin: string) =>
      t.app.request('/api/ai/stream', {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type',
        },
      });
    const ok = await preflight(allowed);
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe(allowed);
    expect(ok.headers.get('access-control-allow-methods')).toContain('POST');
    const other = await preflight('https://elsewhere.example.test');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('logs one line per request with its request id', async () => {
    entries.length = 0;
    const res = await get('/api/health');
    const lines = entries.filter((e) => e.msg === 'request');
    expect(lines).toHaveLength(1);
    expect(lines[0]!.obj).toMatchObject({
      requestId: res.headers.get('x-request-id'),
      method: 'GET',
      path: '/api/health',
      status: 200,
    });
  });
});
