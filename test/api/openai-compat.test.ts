import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI, { APIError, AuthenticationError, BadRequestError, RateLimitError } from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/adapters/log/pino.js';
import { loadConfig } from '../../src/config.js';
import { DEFAULT_LIMITS } from '../../src/http/rate-limit.js';
import { startServer, type RunningServer } from '../../src/runtime/server.js';
import { DEFAULT_KEYS, startFakeProvider, type FakeProvider } from '../fakes/llm-provider.js';
import { createTestApp, FIXTURE_CONTENT, type TestApp } from '../helpers/app.js';

// The OpenAI-compatible endpoint driven by the official `openai` SDK over real HTTP, with an Engify API
// key, against the fake provider speaking each provider's real wire format. Not verified here: real
// providers, and SDKs other than openai-node.

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let fake: FakeProvider;
let server: RunningServer;
let dataDir: string;
let base: string;
let cookie: string;
let egk: string;
let client: OpenAI;
let compatKeyId: string;

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  return fetch(`${base}${path}`, {
    method,
    headers: {
      origin: base,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...headers,
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
}
const asUser = (method: string, path: string, body?: unknown) => call(method, path, body, { cookie });
const json = async (res: Response | Promise<Response>) => (await (await res).json()) as Json;
const execution = (id: string) =>
  json(call('GET', `/api/me/executions/${id}`, undefined, { authorization: `Bearer ${egk}` }));
const executionIdOf = (completionId: string) => completionId.replace(/^chatcmpl-/, '');

/** The rejection a promise ends with (fails the test if it resolves). */
async function rejection(promise: Promise<unknown>): Promise<APIError> {
  try {
    await promise;
  } catch (error) {
    return error as APIError;
  }
  throw new Error('expected the call to fail');
}

beforeAll(async () => {
  fake = await startFakeProvider();
  dataDir = await mkdtemp(join(tmpdir(), 'engify-openai-compat-'));
  server = await startServer(
    loadConfig({
      PORT: '0',
      DATA_DIR: dataDir,
      CONTENT_DIR: FIXTURE_CONTENT,
      WEB_DIR: '/nonexistent',
      LOG_LEVEL: 'silent',
      OPENAI_BASE_URL: fake.openaiBaseURL,
      ANTHROPIC_BASE_URL: fake.anthropicBaseURL,
      GOOGLE_BASE_URL: fake.googleBaseURL,
      SSE_HEARTBEAT_MS: '300',
    }),
    createLogger('silent'),
  );
  base = server.url;
  const signup = await call('POST', '/api/auth/signup', {
    email: 'sdk@example.com',
    password: 'a-long-enough-password',
  });
  expect(signup.status).toBe(201);
  cookie = /engify_session=[^;]+/.exec(signup.headers.get('set-cookie')!)![0];
  const created = await asUser('POST', '/api/me/api-keys', { name: 'openai sdk' });
  expect(created.status).toBe(201);
  egk = (await json(created)).key as string;
  expect(egk).toMatch(/^egk_/);
  for (const key of [
    { provider: 'openai', apiKey: DEFAULT_KEYS.openai },
    { provider: 'anthropic', apiKey: DEFAULT_KEYS.anthropic },
    { provider: 'gemini', apiKey: DEFAULT_KEYS.google },
    {
      provider: 'openai-compatible',
      apiKey: DEFAULT_KEYS.openai,
      baseURL: fake.openaiBaseURL,
      label: 'local',
    },
  ]) {
    const res = await asUser('POST', '/api/me/provider-keys', key);
    expect(res.status).toBe(201);
    if (key.provider === 'openai-compatible') compatKeyId = (await json(res)).id as string;
  }
  client = new OpenAI({ apiKey: egk, baseURL: `${base}/api/v1`, maxRetries: 0 });
});
afterAll(async () => {
  await server?.close();
  await fake?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});
beforeEach(() => fake.reset());

describe('chat completions with the official SDK', () => {
  it('answers a completion with content and usage, and records the execution', async () => {
    const { data, response } = await client.chat.completions
      .create({
        model: 'openai/gpt-4o-mini',
        messages: [
          { role: 'developer', content: 'Answer briefly.' },
          { role: 'user', content: [{ type: 'text', text: 'what is a flaky test' }] },
        ],
        temperature: 0.2,
        max_completion_tokens: 50,
        user: 'ignored-end-user',
      })
      .withResponse();
    expect(data).toMatchObject({
      object: 'chat.completion',
      model: 'openai/gpt-4o-mini',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'Echo: what is a flaky test' },
          finish_reason: 'stop',
        },
      ],
    });
    expect(data.id).toMatch(/^chatcmpl-[0-9a-f-]{36}$/);
    expect(data.created).toBeCloseTo(Date.now() / 1000, -2);
    expect(data.usage!.prompt_tokens).toBeGreaterThan(0);
    expect(data.usage!.completion_tokens).toBe(6); // the fake counts words
    expect(data.usage!.total_tokens).toBe(data.usage!.prompt_tokens + data.usage!.completion_tokens);
    expect(response.headers.get('x-request-id')).toBeTruthy();
    expect(response.headers.get('x-engify-execution-id')).toBe(executionIdOf(data.id));

    // Upstream: OpenAI chat completions with the stored key, the provider's model id and the options.
    const upstream = fake.requests[0]!;
    expect(upstream.endpoint).toBe('openai.chat');
    expect(upstream.auth).toMatchObject({ key: DEFAULT_KEYS.openai, valid: true });
    expect(upstream.body).toMatchObject({ model: 'gpt-4o-mini', temperature: 0.2 });
    expect(upstream.body!.max_tokens ?? upstream.body!.max_completion_tokens).toBe(50);
    expect(upstream.body!.messages).toEqual([
      { role: 'system', content: 'Answer briefly.' },
      { role: 'user', content: 'what is a flaky test' },
    ]);

    const run = await execution(executionIdOf(data.id));
    expect(run).toMatchObject({
      status: 'succeeded',
      provider: 'openai',
      model: 'gpt-4o-mini',
      output: 'Echo: what is a flaky test',
      inputTokens: data.usage!.prompt_tokens,
      outputTokens: data.usage!.completion_tokens,
      options: { temperature: 0.2, maxTokens: 50 },
    });
    const listed = await json(call('GET', '/api/me/executions?limit=5', undefined, { cookie }));
    expect(listed.items.map((e: Json) => e.id)).toContain(executionIdOf(data.id));
  });

  it('streams chunks (Anthropic) with a role chunk, content deltas, finish_reason and a usage chunk', async () => {
    const stream = await client.chat.completions.create({
      model: 'anthropic/claude-haiku-4-5',
      messages: [{ role: 'user', content: 'stream me three words' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);

    expect(chunks[0]!.choices[0]!.delta.role).toBe('assistant');
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
    expect(
      chunks.every((c) => c.object === 'chat.completion.chunk' && c.model === 'anthropic/claude-haiku-4-5'),
    ).toBe(true);
    const text = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
    expect(text).toBe('Echo: stream me three words');
    expect(chunks.filter((c) => c.choices[0]?.delta.content).length).toBeGreaterThan(1);
    const finish = chunks.at(-2)!;
    expect(finish.choices[0]).toMatchObject({ finish_reason: 'stop', delta: {} });
    const usage = chunks.at(-1)!;
    expect(usage.choices).toEqual([]);
    expect(usage.usage).toMatchObject({ completion_tokens: 5 });
    expect(usage.usage!.total_tokens).toBe(usage.usage!.prompt_tokens + usage.usage!.completion_tokens);

    expect(fake.requests[0]).toMatchObject({ endpoint: 'anthropic.messages', model: 'claude-haiku-4-5' });
    await expect
      .poll(async () => (await execution(executionIdOf(chunks[0]!.id))).status, { timeout: 5000 })
      .toBe('succeeded');
  });

  it('streams without a usage chunk unless include_usage, and ends with [DONE]', async () => {
    const res = await fetch(`${base}/api/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${egk}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'openai/default',
        messages: [{ role: 'user', content: 'a b' }],
        stream: true,
      }),
    });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const frames = (await res.text()).split('\n\n').filter(Boolean);
    expect(frames.at(-1)).toBe('data: [DONE]');
    const chunks = frames.slice(0, -1).map((f) => JSON.parse(f.replace(/^data: /, '')) as Json);
    expect(chunks.every((c) => !('usage' in c) && c.choices.length === 1)).toBe(true);
    expect(fake.requests[0]!.model).toBe('gpt-4o-mini'); // `default` = the provider's default model
  });

  it('routes google/… and gemini/… to Gemini', async () => {
    const google = await client.chat.completions.create({
      model: 'google/gemini-2.5-flash',
      messages: [{ role: 'user', content: 'hi google' }],
    });
    expect(google.choices[0]!.message.content).toBe('Echo: hi google');
    expect(google.model).toBe('google/gemini-2.5-flash');
    const gemini = await client.chat.completions.create({
      model: 'gemini/default',
      messages: [{ role: 'user', content: 'hi gemini' }],
    });
    expect(gemini.choices[0]!.message.content).toBe('Echo: hi gemini');
    expect(fake.requests.map((r) => [r.provider, r.model])).toEqual([
      ['google', 'gemini-2.5-flash'],
      ['google', 'gemini-2.0-flash'],
    ]);
    expect((await execution(executionIdOf(gemini.id))).provider).toBe('google');
  });

  it('routes <keyId>/<model> and openai-compatible/<model> to the stored OpenAI-compatible key', async () => {
    const byKey = await client.chat.completions.create({
      model: `${compatKeyId}/llama-3.1-8b`,
      messages: [{ role: 'user', content: 'hi local' }],
    });
    expect(byKey.choices[0]!.message.content).toBe('Echo: hi local');
    expect(byKey.model).toBe(`${compatKeyId}/llama-3.1-8b`);
    const byProvider = await client.chat.completions.create({
      model: 'openai-compatible/meta-llama/Llama-3-8B',
      messages: [{ role: 'user', content: 'slashes' }],
    });
    expect(byProvider.choices[0]!.message.content).toBe('Echo: slashes');
    expect(fake.requests.map((r) => [r.endpoint, r.model])).toEqual([
      ['openai.chat', 'llama-3.1-8b'],
      ['openai.chat', 'meta-llama/Llama-3-8B'],
    ]);
    const run = await execution(executionIdOf(byKey.id));
    expect(run).toMatchObject({ provider: 'openai-compatible', keyId: compatKeyId, model: 'llama-3.1-8b' });
  });

  it('lists the models of every provider the user holds a key for', async () => {
    const models: OpenAI.Models.Model[] = [];
    for await (const model of client.models.list()) models.push(model);
    const ids = models.map((m) => m.id);
    expect(ids).toEqual(
      expect.arrayContaining([
        'openai/gpt-4o-mini',
        'openai/gpt-4.1',
        'anthropic/claude-3-5-haiku-latest',
        'google/gemini-2.0-flash',
        'google/gemini-2.5-pro',
        `${compatKeyId}/default`,
      ]),
    );
    expect(new Set(ids).size).toBe(ids.length);
    for (const model of models) {
      expect(model.object).toBe('model');
      expect(model.created).toBeGreaterThan(1_600_000_000);
      expect(model.id.startsWith(`${model.owned_by}/`) || model.owned_by === 'openai-compatible').toBe(true);
    }
    expect(fake.requests).toHaveLength(0); // listed from Engify's own table, no provider calls
  });

  it('aborts the upstream call when the SDK stops reading a stream', async () => {
    fake.setBehavior({
      provider: 'openai',
      interDeltaDelayMs: 200,
      reply: 'a b c d e f g h i j k l m n o p',
    });
    const stream = await client.chat.completions.create({
      model: 'openai/gpt-4o-mini',
      messages: [{ role: 'user', content: 'long answer' }],
      stream: true,
    });
    let id = '';
    for await (const chunk of stream) {
      id = chunk.id;
      if (chunk.choices[0]?.delta.content) break; // the SDK aborts its request
    }
    await expect.poll(() => fake.requests[0]?.aborted, { timeout: 5000 }).toBe(true);
    expect(fake.requests[0]!.completed).toBe(false);
    await expect
      .poll(async () => (await execution(executionIdOf(id))).status, { timeout: 5000 })
      .toBe('aborted');
  });

  it('keeps a slow stream alive with comments the SDK skips (the stream commits after one heartbeat)', async () => {
    fake.setBehavior({ provider: 'openai', firstTokenDelayMs: 1000 });
    const res = await fetch(`${base}/api/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${egk}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'openai/gpt-4o-mini',
        messages: [{ role: 'user', content: 'slow' }],
        stream: true,
      }),
    });
    const text = await res.text();
    expect(text).toContain(': keep-alive\n\n');
    expect(text.trimEnd().endsWith('data: [DONE]')).toBe(true);

    const stream = await client.chat.completions.create({
      model: 'openai/gpt-4o-mini',
      messages: [{ role: 'user', content: 'slow again' }],
      stream: true,
    });
    let content = '';
    for await (const chunk of stream) content += chunk.choices[0]?.delta.content ?? '';
    expect(content).toBe('Echo: slow again');
  });

  it('is listed in the OpenAPI document under its own tag', async () => {
    const doc = await json(call('GET', '/api/openapi.json'));
    expect(doc.paths['/v1/chat/completions'].post.tags).toEqual(['OpenAI-compatible']);
    expect(doc.paths['/v1/models'].get.tags).toEqual(['OpenAI-compatible']);
    expect(doc.components.schemas.OpenAIError).toBeDefined();
  });
});

describe('errors in OpenAI’s shape', () => {
  const ask = { messages: [{ role: 'user' as const, content: 'hi' }] };

  it('refuses a model not of the form <provider>/<model> with 400 invalid_request_error', async () => {
    const error = await rejection(client.chat.completions.create({ ...ask, model: 'gpt-4o-mini' }));
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error.status).toBe(400);
    expect(error.error).toEqual({
      message: expect.stringContaining('<provider>/<model>'),
      type: 'invalid_request_error',
      param: 'model',
      code: 'invalid_model',
    });
    expect(error.requestID).toBeTruthy(); // Engify's X-Request-Id, as the SDK reads it
    for (const model of ['mistral/large', 'openai/', '/gpt-4o']) {
      expect((await rejection(client.chat.completions.create({ ...ask, model }))).status).toBe(400);
    }
    expect(fake.requests).toHaveLength(0);
  });

  it('answers an unknown provider key id with 404 model_not_found', async () => {
    const error = await rejection(
      client.chat.completions.create({ ...ask, model: '00000000-0000-4000-8000-000000000000/x' }),
    );
    expect(error.status).toBe(404);
    expect(error.error).toMatchObject({
      type: 'invalid_request_error',
      param: 'model',
      code: 'model_not_found',
    });
  });

  it.each([
    [
      'tools',
      { tools: [{ type: 'function', function: { name: 'f', parameters: {} } }] },
      'tools',
      'unsupported_parameter',
    ],
    ['n = 2', { n: 2 }, 'n', 'unsupported_value'],
    ['stop sequences', { stop: ['\n'] }, 'stop', 'unsupported_parameter'],
    ['json output', { response_format: { type: 'json_object' } }, 'response_format', 'unsupported_parameter'],
    [
      'an image part',
      {
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'what is this' },
              { type: 'image_url', image_url: { url: 'https://example.com/a.png' } },
            ],
          },
        ],
      },
      'messages[0].content[1].type',
      'unsupported_value',
    ],
    [
      'a tool message',
      { messages: [{ role: 'tool', content: '42', tool_call_id: 'call_1' }] },
      'messages[0].role',
      'unsupported_value',
    ],
    ['temperature 2.5', { temperature: 2.5 }, 'temperature', 'invalid_request'],
    ['max_tokens 4097', { max_tokens: 4097 }, 'max_tokens', 'invalid_request'],
    ['no messages', { messages: [] }, 'messages', 'invalid_request'],
    [
      'an unknown role',
      { messages: [{ role: 'robot', content: 'hi' }] },
      'messages[0].role',
      'invalid_request',
    ],
  ])('refuses %s with 400 naming the parameter', async (_name, extra, param, code) => {
    const error = await rejection(
      client.chat.completions.create({ ...ask, model: 'openai/gpt-4o-mini', ...extra } as never),
    );
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error.error).toMatchObject({ type: 'invalid_request_error', param, code });
    expect(fake.requests).toHaveLength(0);
  });

  it('accepts neutral values of unsupported parameters and ignores sampling knobs', async () => {
    const done = await client.chat.completions.create({
      ...ask,
      model: 'openai/gpt-4o-mini',
      tools: [],
      tool_choice: 'none',
      n: 1,
      stop: null,
      logprobs: false,
      response_format: { type: 'text' },
      top_p: 0.9,
      presence_penalty: 0,
      seed: 7,
      max_tokens: 20,
    });
    expect(done.choices[0]!.message.content).toBe('Echo: hi');
  });

  it('refuses a session cookie with 401 in OpenAI’s shape (this surface is for programs)', async () => {
    for (const [method, path, body] of [
      ['POST', '/api/v1/chat/completions', { ...ask, model: 'openai/gpt-4o-mini' }],
      ['GET', '/api/v1/models', undefined],
    ] as const) {
      const res = await asUser(method, path, body);
      expect(res.status).toBe(401);
      expect(res.headers.get('x-request-id')).toBeTruthy();
      expect(await res.json()).toEqual({
        error: {
          message: expect.stringContaining('Session cookies are not accepted'),
          type: 'invalid_request_error',
          param: null,
          code: 'api_key_required',
        },
      });
    }
    expect(fake.requests).toHaveLength(0);
  });

  it('refuses an invalid egk key with 401 (AuthenticationError)', async () => {
    const stranger = new OpenAI({ apiKey: 'egk_not-a-real-key', baseURL: `${base}/api/v1`, maxRetries: 0 });
    const error = await rejection(stranger.chat.completions.create({ ...ask, model: 'openai/gpt-4o-mini' }));
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error.error).toMatchObject({
      type: 'invalid_request_error',
      param: null,
      code: 'invalid_api_key',
    });
    expect(error.headers?.get('www-authenticate')).toContain('Bearer');
    const modelsError = await rejection(stranger.models.list());
    expect(modelsError).toBeInstanceOf(AuthenticationError);
  });

  it('maps a provider 401 to 424 provider_unauthorized (api_error), also for streams, and records the failure', async () => {
    fake.validKeys.openai.delete(DEFAULT_KEYS.openai);
    const error = await rejection(client.chat.completions.create({ ...ask, model: 'openai/gpt-4o-mini' }));
    expect(error).toBeInstanceOf(APIError);
    expect(error.status).toBe(424);
    expect(error.error).toMatchObject({ type: 'api_error', code: 'provider_unauthorized' });
    const executionId = error.headers!.get('x-engify-execution-id')!;
    expect(await execution(executionId)).toMatchObject({
      status: 'failed',
      errorCode: 'provider_unauthorized',
    });

    // Before the first token, a stream fails as a plain HTTP error too.
    const streamed = await rejection(
      client.chat.completions.create({ ...ask, model: 'openai/gpt-4o-mini', stream: true }),
    );
    expect(streamed.status).toBe(424);
    expect(streamed.code).toBe('provider_unauthorized');
  });

  it('reports a failure after the stream committed (slow provider) as an error event', async () => {
    fake.setBehavior({ provider: 'openai', latencyMs: 500, fault: { type: 'http_error', status: 401 } });
    const stream = await client.chat.completions.create({
      model: 'openai/gpt-4o-mini',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
    });
    const error = await rejection(
      (async () => {
        for await (const _chunk of stream);
      })(),
    );
    expect(error).toBeInstanceOf(APIError);
    expect(error.status).toBeUndefined();
    expect(error.error).toMatchObject({ type: 'api_error', code: 'provider_unauthorized' });
  });

  it('maps a provider that keeps rate limiting to 429 rate_limit_error with Retry-After', async () => {
    fake.setBehavior({ provider: 'anthropic', fault: { type: 'http_error', status: 429, retryAfter: 0 } });
    const error = await rejection(
      client.chat.completions.create({ ...ask, model: 'anthropic/claude-haiku-4-5' }),
    );
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error.error).toMatchObject({ type: 'rate_limit_error', code: 'provider_rate_limited' });
    // The provider's own hint (retry-after: 0 here) is passed on.
    expect(error.headers!.get('retry-after')).toBe('0');
    expect(fake.requests).toHaveLength(3); // Engify's own bounded retries before the first token
  });

  it('ends a stream that drops mid-way with an error event the SDK throws, keeping the partial output', async () => {
    fake.setBehavior({ provider: 'openai', interDeltaDelayMs: 30, fault: { type: 'drop', afterDeltas: 2 } });
    const stream = await client.chat.completions.create({
      model: 'openai/gpt-4o-mini',
      messages: [{ role: 'user', content: 'one two three four five' }],
      stream: true,
    });
    const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
    let thrown: unknown;
    try {
      for await (const chunk of stream) chunks.push(chunk);
    } catch (error) {
      thrown = error;
    }
    // The SDK turns a `data: {"error":…}` event into an APIError without an HTTP status.
    expect(thrown).toBeInstanceOf(APIError);
    const error = thrown as APIError;
    expect(error.status).toBeUndefined();
    expect(error.error).toMatchObject({ type: 'api_error', code: 'provider_unavailable' });
    const partial = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
    expect(partial).toBe('Echo: one ');
    expect(chunks.some((c) => c.choices[0]?.finish_reason)).toBe(false);
    expect(fake.requests).toHaveLength(1); // no retry after the first token
    expect(await execution(executionIdOf(chunks[0]!.id))).toMatchObject({
      status: 'failed',
      errorCode: 'provider_unavailable',
      output: partial,
    });
  });
});

describe('Engify refusals in OpenAI’s shape (in-process, tight limits)', () => {
  let t: TestApp;
  let sdk: OpenAI;
  beforeAll(async () => {
    t = await createTestApp(
      { CONTENT_DIR: FIXTURE_CONTENT, OPENAI_BASE_URL: fake.openaiBaseURL },
      {
        limits: {
          ...DEFAULT_LIMITS,
          // The first user of a fresh database is an admin: limit every tier.
          ai: {
            anonymous: null,
            user: { points: 1, durationSec: 3600 },
            admin: { points: 1, durationSec: 3600 },
          },
        },
      },
    );
    const signup = await t.app.request('/api/auth/signup', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'nokeys@example.com', password: 'a-long-enough-password' }),
    });
    const session = /engify_session=[^;]+/.exec(signup.headers.get('set-cookie')!)![0];
    const created = await t.app.request('/api/me/api-keys', {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: session },
      body: JSON.stringify({ name: 'sdk' }),
    });
    const key = ((await created.json()) as Json).key as string;
    sdk = new OpenAI({
      apiKey: key,
      baseURL: 'http://engify.test/api/v1',
      maxRetries: 0,
      fetch: async (input, init) => t.app.request(input instanceof Request ? input : String(input), init),
    });
  });
  afterAll(async () => t?.close());

  it('answers no_provider_key, then the hourly model-call limit as 429 rate_limit_error', async () => {
    const noKey = await rejection(
      sdk.chat.completions.create({
        model: 'openai/gpt-4o-mini',
        messages: [{ role: 'user', content: 'hi' }],
      }),
    );
    expect(noKey).toBeInstanceOf(BadRequestError);
    expect(noKey.error).toMatchObject({
      type: 'invalid_request_error',
      param: 'model',
      code: 'no_provider_key',
    });

    const limited = await rejection(
      sdk.chat.completions.create({
        model: 'openai/gpt-4o-mini',
        messages: [{ role: 'user', content: 'hi' }],
      }),
    );
    expect(limited).toBeInstanceOf(RateLimitError);
    expect(limited.error).toEqual({
      message: expect.stringContaining('Too many requests'),
      type: 'rate_limit_error',
      param: null,
      code: 'rate_limited',
    });
    expect(Number(limited.headers!.get('retry-after'))).toBeGreaterThan(60);
    expect(limited.headers!.get('x-should-retry')).toBe('false'); // an SDK should not spin on an hourly window
    expect(limited.headers!.get('x-request-id')).toBeTruthy();

    // Listing models is not a model call: it is not counted against that budget.
    const models = await sdk.models.list();
    expect(models.data).toEqual([]);
  });

  it('reshapes Engify’s own 4xx (unsupported media type, unknown route) too', async () => {
    const res = await t.app.request('/api/v1/chat/completions', {
      method: 'POST',
      headers: { authorization: `Bearer ${sdk.apiKey}`, 'content-type': 'text/plain', 'content-length': '5' },
      body: 'hello',
    });
    expect(res.status).toBe(415);
    expect(((await res.json()) as Json).error).toMatchObject({
      type: 'invalid_request_error',
      code: 'unsupported_media_type',
      param: null,
    });
    const missing = await t.app.request('/api/v1/embeddings', {
      method: 'POST',
      headers: { authorization: `Bearer ${sdk.apiKey}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as Json).error).toMatchObject({
      type: 'invalid_request_error',
      code: 'not_found',
    });
  });
});
