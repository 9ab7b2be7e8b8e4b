import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/adapters/log/pino.js';
import { loadConfig } from '../../src/config.js';
import { DEFAULT_LIMITS, type Limits } from '../../src/http/rate-limit.js';
import { startServer, type RunningServer } from '../../src/runtime/server.js';
import { DEFAULT_KEYS, startFakeProvider, type FakeProvider } from '../fakes/llm-provider.js';
import { createTestApp, FIXTURE_CONTENT, knowledgeBaseSettled, type TestApp } from '../helpers/app.js';
import { deltaText, readSse } from '../helpers/sse.js';

// BYOK execution end to end: real app, real SQLite, the AI SDK talking real wire formats to a fake
// provider server on loopback. What is not verified here: the real providers themselves.

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const LIMITS: Limits = { ...DEFAULT_LIMITS, ai: { anonymous: null, user: null, admin: null } };

let fake: FakeProvider;
let t: TestApp;
let cookie: string;

async function call(method: string, path: string, body?: unknown, extra: Record<string, string> = {}) {
  const res = await t.app.request(path, {
    method,
    headers: { cookie, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...extra },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return res;
}
const json = async (res: Response | Promise<Response>) => (await (await res).json()) as Json;

beforeAll(async () => {
  fake = await startFakeProvider();
  t = await createTestApp(
    {
      CONTENT_DIR: FIXTURE_CONTENT,
      OPENAI_BASE_URL: fake.openaiBaseURL,
      ANTHROPIC_BASE_URL: fake.anthropicBaseURL,
      GOOGLE_BASE_URL: fake.googleBaseURL,
      SSE_HEARTBEAT_MS: '100',
    },
    { limits: LIMITS },
  );
  await knowledgeBaseSettled(t.services); // its files appear in DATA_DIR, which a test below reads
  const res = await t.app.request('/api/auth/signup', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'byok@example.com', password: 'a-long-enough-password' }),
  });
  cookie = /engify_session=[^;]+/.exec(res.headers.get('set-cookie')!)![0];
});
afterAll(async () => {
  await t?.close();
  await fake?.close();
});
beforeEach(() => fake.reset());

const ask = (content: string) => ({ messages: [{ role: 'user', content }] });

describe('provider keys', () => {
  it('answers no_provider_key before any key is stored', async () => {
    const res = await call('POST', '/api/ai/chat', ask('hello'));
    expect(res.status).toBe(400);
    expect((await json(res)).error.code).toBe('no_provider_key');
  });

  it('stores keys sealed: listed masked only, and the plaintext is nowhere in DATA_DIR', async () => {
    const plaintextKey = `${DEFAULT_KEYS.openai}`;
    fake.validKeys.openai.add('sk-proj-UNIQUEplaintext1234567890abcd');
    const created = await call('POST', '/api/me/provider-keys', {
      provider: 'openai',
      apiKey: 'sk-proj-UNIQUEplaintext1234567890abcd',
      label: 'scratch',
    });
    expect(created.status).toBe(201);
    const shown = await json(created);
    expect(shown).toMatchObject({ provider: 'openai', mask: 'sk-…abcd', label: 'scratch' });
    expect(JSON.stringify(shown)).not.toContain('UNIQUEplaintext');
    const list = await json(call('GET', '/api/me/provider-keys'));
    expect(JSON.stringify(list)).not.toContain('UNIQUEplaintext');

    // Nothing on disk holds it: database, WAL, keyring, uploaded files.
    const files = await readdir(t.dataDir, { recursive: true, withFileTypes: true });
    expect(files.some((f) => f.name === 'engify.db')).toBe(true);
    for (const file of files.filter((f) => f.isFile())) {
      const bytes = await readFile(join(file.parentPath, file.name));
      expect(bytes.includes('UNIQUEplaintext'), file.name).toBe(false);
    }
    expect((await call('DELETE', `/api/me/provider-keys/${shown.id}`)).status).toBe(204);

    // The keys the rest of this file uses.
    for (const [provider, apiKey] of [
      ['openai', plaintextKey],
      ['anthropic', DEFAULT_KEYS.anthropic],
      ['gemini', DEFAULT_KEYS.google],
    ]) {
      expect((await call('POST', '/api/me/provider-keys', { provider, apiKey })).status).toBe(201);
    }
  });

  it('tests a key with a cheap call and reports a bad one without failing', async () => {
    const keys = (await json(call('GET', '/api/me/provider-keys'))).items as Json[];
    const anthropic = keys.find((k) => k.provider === 'anthropic')!;
    expect(await json(call('POST', `/api/me/provider-keys/${anthropic.id}/test`))).toEqual({ ok: true });
    fake.validKeys.anthropic.delete(DEFAULT_KEYS.anthropic);
    const bad = await json(call('POST', `/api/me/provider-keys/${anthropic.id}/test`));
    expect(bad).toMatchObject({ ok: false, code: 'provider_unauthorized' });
    expect(fake.requests.map((r) => r.endpoint)).toEqual(['anthropic.models', 'anthropic.models']);
  });

  it('requires a base URL for openai-compatible keys and rejects bad input', async () => {
    expect(
      (await call('POST', '/api/me/provider-keys', { provider: 'openai-compatible', apiKey: 'ollama-key-1' }))
        .status,
    ).toBe(400);
    expect(
      (await call('POST', '/api/me/provider-keys', { provider: 'mistral', apiKey: 'whatever-key' })).status,
    ).toBe(400);
    expect(
      (await call('POST', '/api/me/provider-keys', { provider: 'openai', apiKey: 'short' })).status,
    ).toBe(400);
  });
});

describe('chat and stream', () => {
  it('answers a chat with content, usage, cost and latency, and records the execution', async () => {
    const res = await call('POST', '/api/ai/chat', { ...ask('what is a flaky test'), provider: 'openai' });
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body).toMatchObject({
      content: 'Echo: what is a flaky test',
      provider: 'openai',
      model: 'gpt-4o-mini',
      usage: { estimated: false },
    });
    expect(body.usage.inputTokens).toBeGreaterThan(0);
    expect(body.costUsd).toBeGreaterThan(0);
    const execution = await json(call('GET', `/api/me/executions/${body.executionId}`));
    expect(execution).toMatchObject({
      status: 'succeeded',
      provider: 'openai',
      output: 'Echo: what is a flaky test',
      inputTokens: body.usage.inputTokens,
      outputTokens: body.usage.outputTokens,
      priceVersion: expect.any(String),
    });
    expect(fake.requests[0]!.endpoint).toBe('openai.chat');
  });

  it('streams start, deltas, usage and done over SSE (Anthropic), with the gemini alias for Google', async () => {
    const res = await call('POST', '/api/ai/stream', {
      ...ask('stream me three words'),
      provider: 'anthropic',
    });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const { events } = await readSse(res);
    const kinds = events.map((e) => e.event);
    expect(kinds[0]).toBe('start');
    expect(kinds.filter((k) => k === 'delta').length).toBeGreaterThan(1);
    expect(kinds.slice(-2)).toEqual(['usage', 'done']);
    const text = deltaText(events);
    expect(text).toBe('Echo: stream me three words');

    const gemini = await readSse(
      await call('POST', '/api/ai/stream', { ...ask('hi gemini'), provider: 'gemini' }),
    );
    expect(gemini.events[0]!.data).toMatchObject({ provider: 'google', model: 'gemini-2.0-flash' });
    expect(gemini.events.at(-1)!.event).toBe('done');
  });

  it('estimates tokens with a tokenizer when the provider reports none, and says so', async () => {
    fake.setBehavior({ usage: 'omit', provider: 'openai' });
    const body = await json(
      call('POST', '/api/ai/chat', { ...ask('count these tokens please'), provider: 'openai' }),
    );
    expect(body.usage.estimated).toBe(true);
    expect(body.usage.outputTokens).toBeGreaterThan(0);
    expect((await json(call('GET', `/api/me/executions/${body.executionId}`))).tokensEstimated).toBe(true);
  });

  it('sends heartbeats while waiting for a slow first token', async () => {
    fake.setBehavior({ firstTokenDelayMs: 450, provider: 'openai' });
    const { events, comments } = await readSse(
      await call('POST', '/api/ai/stream', { ...ask('slow'), provider: 'openai' }),
    );
    expect(comments.filter((c) => c === 'heartbeat').length).toBeGreaterThanOrEqual(2);
    expect(events.at(-1)!.event).toBe('done');
  });

  it.each([
    [
      'a 10,001-character message',
      { messages: [{ role: 'user', content: 'x'.repeat(10_001) }] },
      'body.messages.0.content',
    ],
    [
      '51 messages',
      { messages: Array.from({ length: 51 }, () => ({ role: 'user', content: 'hi' })) },
      'body.messages',
    ],
    ['an unknown role', { messages: [{ role: 'tool', content: 'hi' }] }, 'body.messages.0.role'],
    ['temperature 2.5', { ...ask('hi'), options: { temperature: 2.5 } }, 'body.options.temperature'],
    ['maxTokens 4097', { ...ask('hi'), options: { maxTokens: 4097 } }, 'body.options.maxTokens'],
    ['an unknown provider', { ...ask('hi'), provider: 'mistral' }, 'body.provider'],
  ])('rejects %s with 400 naming the field', async (_name, body, field) => {
    const res = await call('POST', '/api/ai/chat', body);
    expect(res.status).toBe(400);
    expect((await json(res)).error.message).toContain(field);
    expect(fake.requests).toHaveLength(0);
  });
});

describe('provider failures', () => {
  it('maps a provider 401 to provider_unauthorized (424, never 5xx) and records the failure', async () => {
    fake.validKeys.google.delete(DEFAULT_KEYS.google);
    const res = await call('POST', '/api/ai/chat', { ...ask('hi'), provider: 'google' });
    expect(res.status).toBe(424);
    const body = await json(res);
    expect(body.error.code).toBe('provider_unauthorized');
    const run = await json(call('GET', `/api/me/executions/${body.error.details.executionId}`));
    expect(run).toMatchObject({ status: 'failed', errorCode: 'provider_unauthorized' });
  });

  it('retries 500 and 429 before the first token, then succeeds', async () => {
    fake.setBehavior({ provider: 'openai', times: 1, fault: { type: 'http_error', status: 500 } });
    fake.setBehavior({
      provider: 'openai',
      times: 1,
      fault: { type: 'http_error', status: 429, retryAfter: 0 },
    });
    const body = await json(call('POST', '/api/ai/chat', { ...ask('third time lucky'), provider: 'openai' }));
    expect(body.content).toBe('Echo: third time lucky');
    expect(fake.requests.map((r) => r.status)).toEqual([500, 429, 200]);
  });

  it('gives up after bounded retries with provider_rate_limited', async () => {
    fake.setBehavior({ provider: 'openai', fault: { type: 'http_error', status: 429, retryAfter: 0 } });
    const res = await call('POST', '/api/ai/chat', { ...ask('never'), provider: 'openai' });
    expect(res.status).toBe(429);
    expect((await json(res)).error.code).toBe('provider_rate_limited');
    expect(res.headers.get('retry-after')).toBe('0'); // the provider's own hint is passed on
    expect(fake.requests).toHaveLength(3);
  });

  it('ends a stream that drops mid-way with an error event and keeps the partial output', async () => {
    fake.setBehavior({ provider: 'openai', interDeltaDelayMs: 50, fault: { type: 'drop', afterDeltas: 2 } });
    const { events } = await readSse(
      await call('POST', '/api/ai/stream', { ...ask('one two three four five'), provider: 'openai' }),
    );
    const error = events.at(-1)!;
    expect(error.event).toBe('error');
    expect(error.data).toMatchObject({ code: 'provider_unavailable', partial: true });
    const partial = deltaText(events);
    expect(partial.length).toBeGreaterThan(0);
    expect(fake.requests).toHaveLength(1); // no retry after the first token
    const run = await json(call('GET', `/api/me/executions/${events[0]!.data.executionId}`));
    expect(run).toMatchObject({ status: 'failed', output: partial });
  });

  it('reports a malformed provider event as provider_bad_response', async () => {
    fake.setBehavior({ provider: 'anthropic', fault: { type: 'malformed_event', afterDeltas: 1 } });
    const { events } = await readSse(
      await call('POST', '/api/ai/stream', { ...ask('a b c d'), provider: 'anthropic' }),
    );
    expect(events.at(-1)).toMatchObject({ event: 'error', data: { code: 'provider_bad_response' } });
  });
});

describe('prompts, compare and history', () => {
  it('runs a library prompt with variables', async () => {
    const body = await json(
      call('POST', '/api/prompts/flaky-test/run', {
        variables: { failure: 'expected 3' },
        provider: 'openai',
      }),
    );
    expect(body.content).toContain('expected 3');
    const run = await json(call('GET', `/api/me/executions/${body.executionId}`));
    expect(run.promptSlug).toBe('flaky-test');
    const missing = await call('POST', '/api/prompts/flaky-test/run', { variables: {} });
    expect(missing.status).toBe(400);
  });

  it('streams a compare over one SSE stream; a failing column does not stop the others', async () => {
    fake.setBehavior({ provider: 'anthropic', fault: { type: 'http_error', status: 401 } });
    const { events } = await readSse(
      await call('POST', '/api/ai/compare', {
        ...ask('compare me'),
        targets: [{ provider: 'openai' }, { provider: 'anthropic' }, { provider: 'openai-compatible' }],
      }),
    );
    const byColumn = (column: number) => events.filter((e) => e.data.column === column).map((e) => e.event);
    expect(byColumn(0).at(-1)).toBe('done');
    expect(byColumn(1).at(-1)).toBe('error');
    expect(events.find((e) => e.data.column === 2)!.data.code).toBe('no_provider_key');
    expect(events.at(-1)!.event).toBe('end');
  });

  it('lists executions newest first, filtered and paginated', async () => {
    const all = await json(call('GET', '/api/me/executions?limit=100'));
    expect(all.items.length).toBeGreaterThan(5);
    const failed = await json(call('GET', '/api/me/executions?status=failed'));
    expect(failed.items.every((e: Json) => e.status === 'failed')).toBe(true);
    const first = await json(call('GET', '/api/me/executions?limit=2'));
    const second = await json(call('GET', `/api/me/executions?limit=2&cursor=${first.nextCursor}`));
    expect(second.items[0].id).toBe(all.items[2].id);
    expect((await call('GET', '/api/me/executions?cursor=garbage')).status).toBe(400);
  });
});

describe('over real HTTP', () => {
  let server: RunningServer;
  let base: string;
  beforeAll(async () => {
    server = await startServer(
      loadConfig({
        PORT: '0',
        DATA_DIR: t.dataDir,
        CONTENT_DIR: FIXTURE_CONTENT,
        WEB_DIR: '/nonexistent',
        LOG_LEVEL: 'silent',
        OPENAI_BASE_URL: fake.openaiBaseURL,
      }),
      createLogger('silent'),
    );
    base = server.url;
  });
  afterAll(async () => server?.close());
  /** POSTs a body to the real server as the signed-in user (a browser-like origin, JSON content type). */
  const wire = (path: string, body: BodyInit, init: RequestInit = {}) =>
    fetch(`${base}${path}`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json', origin: base },
      body,
      ...init,
    });

  it('streams a run over the wire: start, deltas, usage, done, in order', async () => {
    fake.setBehavior({
      provider: 'openai',
      reply: 'over the wire',
      usage: { inputTokens: 4, outputTokens: 3 },
    });
    const res = await wire('/api/ai/stream', JSON.stringify({ ...ask('stream me'), provider: 'openai' }));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    expect(res.headers.get('x-request-id')).toBeTruthy();
    const { events } = await readSse(res);
    const types = events.map((e) => e.event);
    expect(types[0]).toBe('start');
    expect(types.slice(-2)).toEqual(['usage', 'done']);
    const text = deltaText(events);
    expect(text).toBe('over the wire');
    expect(events.at(-2)!.data).toMatchObject({ inputTokens: 4, outputTokens: 3 });
    expect(fake.requests.at(-1)!.body).toMatchObject({ messages: [{ role: 'user', content: 'stream me' }] });
  });

  it('reads a body that starts with a byte-order mark, as fetch would', async () => {
    fake.setBehavior({ provider: 'openai', reply: 'bom ok' });
    const body = new Uint8Array([
      0xef,
      0xbb,
      0xbf,
      ...new TextEncoder().encode(JSON.stringify({ ...ask('with a BOM'), provider: 'openai' })),
    ]);
    const res = await wire('/api/ai/chat', body);
    expect(res.status).toBe(200);
    expect(((await res.json()) as Json).content).toBe('bom ok');
  });

  it('writes the execution row and sends start while a provider holds back its headers', async () => {
    fake.setBehavior({ provider: 'openai', latencyMs: 3000, reply: 'late' });
    const controller = new AbortController();
    const res = await wire('/api/ai/stream', JSON.stringify({ ...ask('slow headers'), provider: 'openai' }), {
      signal: controller.signal,
    });
    const reader = res.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(first).toMatch(/^event: start\n/);
    const { executionId } = JSON.parse(/data: (.*)/.exec(first)![1]!) as { executionId: string };
    // The provider has not answered yet: the run is on record as running.
    expect(fake.requests.at(-1)!.status).toBeNull();
    expect(await json(call('GET', `/api/me/executions/${executionId}`))).toMatchObject({ status: 'running' });
    controller.abort();
    await expect
      .poll(async () => (await json(call('GET', `/api/me/executions/${executionId}`))).status, {
        timeout: 5000,
      })
      .toBe('aborted');
  });

  it('refuses a JSON body over the limit with 413, declared or chunked, and keeps serving', async () => {
    const big = JSON.stringify({ ...ask('x'.repeat(2 * 1024 * 1024)), provider: 'openai' });
    const declared = await wire('/api/ai/stream', big);
    expect(declared.status).toBe(413);
    expect((await declared.json()) as Json).toMatchObject({ error: { code: 'payload_too_large' } });
    // No content-length: the body arrives chunked and is cut off as it grows past the limit.
    const bytes = new TextEncoder().encode(big);
    const chunked = await wire(
      '/api/ai/stream',
      new ReadableStream({
        start(controller) {
          for (let i = 0; i < bytes.length; i += 64 * 1024)
            controller.enqueue(bytes.subarray(i, i + 64 * 1024));
          controller.close();
        },
      }),
      { duplex: 'half' } as RequestInit,
    );
    expect(chunked.status).toBe(413);
    const health = await fetch(`${base}/api/health`);
    expect(health.status).toBe(200);
  });

  it('aborts the upstream request when the client disconnects', async () => {
    fake.setBehavior({
      provider: 'openai',
      interDeltaDelayMs: 200,
      reply: 'a b c d e f g h i j k l m n o p',
    });
    const controller = new AbortController();
    const res = await wire('/api/ai/stream', JSON.stringify({ ...ask('long answer'), provider: 'openai' }), {
      signal: controller.signal,
    });
    const reader = res.body!.getReader();
    await reader.read(); // the start event
    controller.abort();
    await expect.poll(() => fake.requests[0]?.aborted, { timeout: 5000 }).toBe(true);
    expect(fake.requests[0]!.completed).toBe(false);
    const latest = await json(call('GET', '/api/me/executions?limit=1'));
    await expect
      .poll(async () => (await json(call('GET', `/api/me/executions/${latest.items[0].id}`))).status, {
        timeout: 5000,
      })
      .toBe('aborted');
  });
});
