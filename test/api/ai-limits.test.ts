import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../src/http/rate-limit.js';
import { DEFAULT_KEYS, startFakeProvider, type FakeProvider } from '../fakes/llm-provider.js';
import { createTestApp, FIXTURE_CONTENT, type TestApp } from '../helpers/app.js';
import { recordingLogger, type LogEntry } from '../helpers/recording-logger.js';

// Budgets, SSRF policy and metrics around AI runs, with the fake provider on loopback.

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let fake: FakeProvider;
beforeAll(async () => {
  fake = await startFakeProvider();
});
afterAll(async () => fake?.close());

async function signedIn(t: TestApp, email: string) {
  const res = await t.app.request('/api/auth/signup', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: 'a-long-enough-password' }),
  });
  const cookie = /engify_session=[^;]+/.exec(res.headers.get('set-cookie')!)![0];
  return (method: string, path: string, body?: unknown) =>
    t.app.request(path, {
      method,
      headers: { cookie, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
}

describe('budgets', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ CONTENT_DIR: FIXTURE_CONTENT, OPENAI_BASE_URL: fake.openaiBaseURL });
  });
  afterAll(async () => t.close());

  it('refuses runs once the daily token quota is spent, with Retry-After until the UTC day ends', async () => {
    await signedIn(t, 'admin-first@example.com'); // the first account is admin; quotas are per tier, not role
    const call = await signedIn(t, 'free@example.com');
    await call('POST', '/api/me/provider-keys', { provider: 'openai', apiKey: DEFAULT_KEYS.openai });
    fake.setBehavior({ provider: 'openai', usage: { inputTokens: 150_000, outputTokens: 60_000 } });
    const first = await call('POST', '/api/ai/chat', { messages: [{ role: 'user', content: 'big' }] });
    expect(first.status).toBe(200); // the run that crosses the line finishes
    const second = await call('POST', '/api/ai/chat', { messages: [{ role: 'user', content: 'again' }] });
    expect(second.status).toBe(429);
    const body = (await second.json()) as Json;
    expect(body.error).toMatchObject({ code: 'quota_exceeded', details: { used: 210_000, limit: 200_000 } });
    const retryAfter = Number(second.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(24 * 3600);
    expect(fake.requests).toHaveLength(1);
  });

  it('limits AI calls to the hourly budget of the ai route group', async () => {
    const strict = await createTestApp(
      { CONTENT_DIR: FIXTURE_CONTENT, OPENAI_BASE_URL: fake.openaiBaseURL },
      {
        limits: {
          ...DEFAULT_LIMITS,
          ai: { anonymous: null, user: { points: 2, durationSec: 3600 }, admin: null },
        },
      },
    );
    try {
      await signedIn(strict, 'someone-else@example.com');
      const call = await signedIn(strict, 'hourly@example.com');
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) {
        statuses.push(
          (await call('POST', '/api/ai/chat', { messages: [{ role: 'user', content: 'x' }] })).status,
        );
      }
      // No key stored: the first two reach the route (400 no_provider_key), the third is limited.
      expect(statuses).toEqual([400, 400, 429]);
    } finally {
      await strict.close();
    }
  });
});

describe('SSRF policy for user base URLs', () => {
  it('refuses private, loopback and metadata targets when private base URLs are not allowed', async () => {
    const t = await createTestApp({ CONTENT_DIR: FIXTURE_CONTENT, ALLOW_PRIVATE_BASE_URLS: 'false' });
    try {
      const call = await signedIn(t, 'ssrf@example.com');
      for (const baseURL of [
        fake.openaiBaseURL,
        'http://169.254.169.254/v1',
        'http://[::1]:11434/v1',
        'http://10.1.2.3/v1',
      ]) {
        const res = await call('POST', '/api/me/provider-keys', {
          provider: 'openai-compatible',
          apiKey: 'local-model-key',
          baseURL,
        });
        expect(res.status, baseURL).toBe(400);
        expect(((await res.json()) as Json).error.code).toBe('base_url_refused');
      }
      expect(((await (await call('GET', '/api/me/provider-keys')).json()) as Json).items).toEqual([]);
    } finally {
      await t.close();
    }
  });

  it('allows a local OpenAI-compatible server by default in local mode, and runs on it', async () => {
    const entries: LogEntry[] = [];
    const logger = recordingLogger(entries);
    const t = await createTestApp({ CONTENT_DIR: FIXTURE_CONTENT }, { logger });
    try {
      const call = await signedIn(t, 'ollama@example.com');
      const created = await call('POST', '/api/me/provider-keys', {
        provider: 'openai-compatible',
        apiKey: DEFAULT_KEYS.openai,
        baseURL: fake.openaiBaseURL,
        label: 'my box',
      });
      expect(created.status).toBe(201);
      fake.reset();
      const res = await call('POST', '/api/ai/chat', {
        messages: [{ role: 'user', content: 'local' }],
        model: 'llama3',
      });
      const body = (await res.json()) as Json;
      expect(body).toMatchObject({
        content: 'Echo: local',
        provider: 'openai-compatible',
        model: 'llama3',
        costUsd: null,
      });
      expect(fake.requests[0]!.endpoint).toBe('openai.chat');

      // Metrics for the run: executions, response time, time to first token, tokens, with dimensions.
      const metrics = entries.filter((e) => e.msg === 'metric').map((e) => e.obj);
      for (const name of ['PromptExecutions', 'AIResponseTime', 'TimeToFirstToken', 'TokensUsed']) {
        expect(
          metrics.find((m) => m.metric === name),
          name,
        ).toMatchObject({ provider: 'openai-compatible', model: 'llama3' });
      }
    } finally {
      await t.close();
    }
  });
});

describe('a provider that never answers', () => {
  it('times out (provider_timeout, 424), retries a bounded number of times, and records the failure', async () => {
    const t = await createTestApp({
      CONTENT_DIR: FIXTURE_CONTENT,
      ANTHROPIC_BASE_URL: fake.anthropicBaseURL,
      AI_TIMEOUT_MS: '1000',
    });
    try {
      const call = await signedIn(t, 'hang@example.com');
      await call('POST', '/api/me/provider-keys', { provider: 'anthropic', apiKey: DEFAULT_KEYS.anthropic });
      fake.reset();
      fake.setBehavior({ provider: 'anthropic', fault: { type: 'hang' } });
      const res = await call('POST', '/api/ai/chat', {
        messages: [{ role: 'user', content: 'anyone there?' }],
      });
      expect(res.status).toBe(424);
      const body = (await res.json()) as Json;
      expect(body.error.code).toBe('provider_timeout');
      expect(fake.requests).toHaveLength(3);
      const run = (await (
        await call('GET', `/api/me/executions/${body.error.details.executionId}`)
      ).json()) as Json;
      expect(run).toMatchObject({ status: 'failed', errorCode: 'provider_timeout' });
    } finally {
      fake.reset();
      await t.close();
    }
  }, 20_000);
});
