// Proves the fake LLM provider is faithful: the real clients (`ai` with the OpenAI, Anthropic and
// Google providers, and the official `openai` SDK) talk to it over HTTP and see what they would see
// from the real APIs — text, usage, error statuses, broken streams and hang-ups.
import { createAnthropic } from '@ai-sdk/anthropic';
import { createGoogleGenerativeAI } from '@ai-sdk/google';
import { createOpenAI } from '@ai-sdk/openai';
import {
  APICallError,
  NoOutputGeneratedError,
  RetryError,
  generateText,
  streamText,
  type LanguageModel,
  type TextStreamPart,
  type ToolSet,
} from 'ai';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { DEFAULT_KEYS, startFakeProvider, type FakeProvider, type LlmEndpoint } from './llm-provider.js';

let fake: FakeProvider;
beforeAll(async () => {
  fake = await startFakeProvider();
});
afterEach(() => fake.reset());
afterAll(() => fake.close());

const PROMPT = 'one two three';
const ECHO = 'Echo: one two three';

interface Target {
  name: string;
  endpoint: LlmEndpoint;
  model: (apiKey?: string) => LanguageModel;
  /** What the real API answers to a wrong key. */
  badKeyStatus: number;
  /** Anthropic always reports usage, so `usage: 'omit'` does not apply to it. */
  canOmitUsage: boolean;
}

const targets: Target[] = [
  {
    name: 'OpenAI chat completions',
    endpoint: 'openai.chat',
    model: (apiKey = DEFAULT_KEYS.openai) =>
      createOpenAI({ baseURL: fake.openaiBaseURL, apiKey }).chat('gpt-4o-mini'),
    badKeyStatus: 401,
    canOmitUsage: true,
  },
  {
    name: 'OpenAI responses',
    endpoint: 'openai.responses',
    model: (apiKey = DEFAULT_KEYS.openai) =>
      createOpenAI({ baseURL: fake.openaiBaseURL, apiKey }).responses('gpt-4o-mini'),
    badKeyStatus: 401,
    canOmitUsage: true,
  },
  {
    name: 'Anthropic messages',
    endpoint: 'anthropic.messages',
    model: (apiKey = DEFAULT_KEYS.anthropic) =>
      createAnthropic({ baseURL: fake.anthropicBaseURL, apiKey })('claude-sonnet-4-5'),
    badKeyStatus: 401,
    canOmitUsage: false,
  },
  {
    name: 'Gemini',
    endpoint: 'google.streamGenerateContent',
    model: (apiKey = DEFAULT_KEYS.google) =>
      createGoogleGenerativeAI({ baseURL: fake.googleBaseURL, apiKey })('gemini-2.5-flash'),
    badKeyStatus: 400, // Gemini answers a wrong key with 400 INVALID_ARGUMENT / API_KEY_INVALID
    canOmitUsage: true,
  },
];

/** Reads a streamText fullStream to the end, keeping deltas, error parts and what it threw. */
async function collect(stream: AsyncIterable<TextStreamPart<ToolSet>>) {
  const deltas: string[] = [];
  const errors: unknown[] = [];
  let thrown: unknown = null;
  try {
    for await (const part of stream) {
      if (part.type === 'text-delta') deltas.push(part.text);
      if (part.type === 'error') errors.push(part.error);
    }
  } catch (error) {
    thrown = error;
  }
  return { deltas, errors, thrown };
}

async function rejection(promise: PromiseLike<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

const last = () => fake.requests.at(-1)!;

describe.each(targets)('$name through the AI SDK', (t) => {
  it('generateText gets the deterministic reply and the reported usage', async () => {
    const result = await generateText({ model: t.model(), system: 'Be brief.', prompt: PROMPT });
    expect(result.text).toBe(ECHO);
    expect(result.finishReason).toBe('stop');
    // Whitespace words: system (2) + prompt (3) in, "Echo: one two three" (4) out.
    expect(result.usage).toMatchObject({ inputTokens: 5, outputTokens: 4, totalTokens: 9 });
    const rec = last();
    expect(rec).toMatchObject({
      endpoint: t.endpoint === 'google.streamGenerateContent' ? 'google.generateContent' : t.endpoint,
      stream: false,
      status: 200,
      completed: true,
      aborted: false,
      auth: { present: true, valid: true },
    });
    expect(rec.model).toMatch(/gpt-4o-mini|claude-sonnet-4-5|gemini-2.5-flash/);
    for (const secret of ['authorization', 'x-api-key', 'x-goog-api-key'])
      expect(rec.headers).not.toHaveProperty(secret);
  });

  it('streamText gets one delta per word, the usage and a clean finish', async () => {
    const result = streamText({ model: t.model(), prompt: PROMPT, onError: () => {} });
    const { deltas, errors, thrown } = await collect(result.fullStream);
    expect({ errors, thrown }).toEqual({ errors: [], thrown: null });
    expect(deltas).toEqual(['Echo: ', 'one ', 'two ', 'three']);
    expect(await result.finishReason).toBe('stop');
    expect(await result.usage).toMatchObject({ inputTokens: 3, outputTokens: 4, totalTokens: 7 });
    expect(last()).toMatchObject({
      endpoint: t.endpoint,
      stream: true,
      deltasSent: 4,
      completed: true,
      aborted: false,
    });
  });

  it('a wrong key is an APICallError with the real status, not retried', async () => {
    const error = await rejection(generateText({ model: t.model('wrong-key'), prompt: PROMPT }));
    expect(APICallError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ statusCode: t.badKeyStatus, isRetryable: false });
    expect(fake.requests).toHaveLength(1);
    expect(last().auth).toEqual({
      present: true,
      key: 'wrong-key',
      scheme: expect.any(String),
      valid: false,
    });
  });

  it('a 429 carries retry-after; the SDK retries it twice by default, then normal service resumes', async () => {
    fake.setBehavior({ fault: { type: 'http_error', status: 429, retryAfter: 0 }, times: 1 });
    const once = await rejection(generateText({ model: t.model(), prompt: PROMPT, maxRetries: 0 }));
    expect(APICallError.isInstance(once)).toBe(true);
    expect(once).toMatchObject({
      statusCode: 429,
      isRetryable: true,
      responseHeaders: { 'retry-after': '0' },
    });

    fake.setBehavior({ fault: { type: 'http_error', status: 429, retryAfter: 0 }, times: 3 });
    const exhausted = await rejection(generateText({ model: t.model(), prompt: PROMPT }));
    expect(RetryError.isInstance(exhausted)).toBe(true);
    expect(exhausted).toMatchObject({ reason: 'maxRetriesExceeded', lastError: { statusCode: 429 } });
    expect(fake.requests).toHaveLength(4);

    expect((await generateText({ model: t.model(), prompt: PROMPT })).text).toBe(ECHO);
  });

  it('a 500 reaches streamText as an error part and onError; text rejects', async () => {
    fake.setBehavior({ fault: { type: 'http_error', status: 500 }, times: 1 });
    const onError = vi.fn();
    const result = streamText({ model: t.model(), prompt: PROMPT, maxRetries: 0, onError });
    const { deltas, errors, thrown } = await collect(result.fullStream);
    expect(deltas).toEqual([]);
    expect(thrown).toBeNull();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ statusCode: 500, isRetryable: true });
    expect(onError).toHaveBeenCalledTimes(1);
    expect(NoOutputGeneratedError.isInstance(await rejection(result.text))).toBe(true);
  });

  it('a 503 is visible to generateText', async () => {
    fake.setBehavior({ fault: { type: 'http_error', status: 503 }, times: 1 });
    const error = await rejection(generateText({ model: t.model(), prompt: PROMPT, maxRetries: 0 }));
    expect(error).toMatchObject({ statusCode: 503, isRetryable: true });
  });

  it('a malformed event is an error part (JSONParseError) while the stream goes on', async () => {
    fake.setBehavior({ fault: { type: 'malformed_event', afterDeltas: 1 } });
    const onError = vi.fn();
    const result = streamText({ model: t.model(), prompt: PROMPT, maxRetries: 0, onError });
    const { deltas, errors, thrown } = await collect(result.fullStream);
    expect(thrown).toBeNull();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ name: 'AI_JSONParseError' });
    expect(onError).toHaveBeenCalledTimes(1);
    expect(deltas.join('')).toBe(ECHO);

    // Non-streaming, the same fault is a truncated JSON body.
    const error = await rejection(generateText({ model: t.model(), prompt: PROMPT, maxRetries: 0 }));
    expect(error).toMatchObject({ message: 'Invalid JSON response', statusCode: 200 });
  });

  it('a mid-stream drop makes the stream throw after the deltas already sent', async () => {
    fake.setBehavior({ interDeltaDelayMs: 25, fault: { type: 'drop', afterDeltas: 2 } });
    const onError = vi.fn();
    const result = streamText({ model: t.model(), prompt: PROMPT, maxRetries: 0, onError });
    const { deltas, errors, thrown } = await collect(result.fullStream);
    expect(deltas).toEqual(['Echo: ', 'one ']);
    // Not an error part: a body that dies mid-read errors the stream itself, and onError is not called.
    expect(errors).toEqual([]);
    expect(onError).not.toHaveBeenCalled();
    expect(APICallError.isInstance(thrown)).toBe(true);
    expect(thrown).toMatchObject({ message: 'Failed to process successful response', isRetryable: true });
    expect(await rejection(result.text)).toBe(thrown);
    expect(last()).toMatchObject({ deltasSent: 2, completed: false, aborted: false });
  });

  it('an AbortController abort mid-stream is recorded as a client abort', async () => {
    fake.setBehavior({ interDeltaDelayMs: 50 });
    const controller = new AbortController();
    const result = streamText({
      model: t.model(),
      prompt: PROMPT,
      abortSignal: controller.signal,
      onError: () => {},
    });
    const deltas: string[] = [];
    try {
      for await (const text of result.textStream) {
        deltas.push(text);
        controller.abort();
      }
    } catch {
      // how an abort ends the stream is the SDK's business; the fake only has to notice it
    }
    expect(deltas[0]).toBe('Echo: ');
    await vi.waitFor(() => expect(last().aborted).toBe(true));
    expect(last().completed).toBe(false);
    expect(last().deltasSent).toBeLessThan(4); // the abort may land a delta late, never after the end
  });

  it(`usage: 'omit' ${t.canOmitUsage ? 'leaves usage undefined' : 'still reports usage (Anthropic always does)'}`, async () => {
    fake.setBehavior({ usage: 'omit' });
    const generated = await generateText({ model: t.model(), prompt: PROMPT });
    const streamed = streamText({ model: t.model(), prompt: PROMPT });
    await streamed.consumeStream();
    for (const usage of [generated.usage, await streamed.usage]) {
      if (t.canOmitUsage) expect(usage).toMatchObject({ inputTokens: undefined, outputTokens: undefined });
      else expect(usage).toMatchObject({ inputTokens: 3, outputTokens: 4 });
    }
  });

  it('stops at the max output tokens with finish reason length', async () => {
    const result = await generateText({ model: t.model(), prompt: PROMPT, maxOutputTokens: 2 });
    expect(result.text).toBe('Echo: one ');
    expect(result.finishReason).toBe('length');
  });
});

describe('AI SDK request shapes', () => {
  it('openai(model) is the Responses API; openai.chat asks for streamed usage', async () => {
    const openai = createOpenAI({ baseURL: fake.openaiBaseURL, apiKey: DEFAULT_KEYS.openai });
    await generateText({ model: openai('gpt-4o-mini'), prompt: PROMPT });
    expect(last().path).toBe('/v1/responses');
    await streamText({ model: openai.chat('gpt-4o-mini'), prompt: PROMPT }).consumeStream();
    expect(last()).toMatchObject({
      path: '/v1/chat/completions',
      body: { stream: true, stream_options: { include_usage: true } },
      headers: { 'content-type': 'application/json' },
      auth: { scheme: 'bearer', key: DEFAULT_KEYS.openai },
    });
  });

  it('Anthropic gets x-api-key and anthropic-version; Gemini gets x-goog-api-key and alt=sse', async () => {
    await streamText({ model: targets[2]!.model(), prompt: PROMPT }).consumeStream();
    expect(last()).toMatchObject({
      path: '/v1/messages',
      headers: { 'anthropic-version': '2023-06-01' },
      auth: { scheme: 'x-api-key', key: DEFAULT_KEYS.anthropic },
    });
    await streamText({ model: targets[3]!.model(), prompt: PROMPT }).consumeStream();
    expect(last()).toMatchObject({
      path: '/v1beta/models/gemini-2.5-flash:streamGenerateContent',
      query: { alt: 'sse' },
      auth: { scheme: 'x-goog-api-key', key: DEFAULT_KEYS.google },
    });
  });
});

describe('the official openai SDK against chat completions', () => {
  const client = (apiKey = DEFAULT_KEYS.openai) =>
    new OpenAI({ baseURL: fake.openaiBaseURL, apiKey, maxRetries: 0, logLevel: 'off' });
  const messages = [{ role: 'user' as const, content: PROMPT }];

  it('answers non-streaming with text and usage', async () => {
    const completion = await client().chat.completions.create({ model: 'gpt-4o-mini', messages });
    expect(completion.object).toBe('chat.completion');
    expect(completion.choices[0]!.message.content).toBe(ECHO);
    expect(completion.choices[0]!.finish_reason).toBe('stop');
    expect(completion.usage).toMatchObject({ prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 });
  });

  it('streams chunks, with the usage chunk only when include_usage is asked for', async () => {
    const withUsage = await client().chat.completions.create({
      model: 'gpt-4o-mini',
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of withUsage) chunks.push(chunk);
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? null)).toEqual([
      '',
      'Echo: ',
      'one ',
      'two ',
      'three',
      null,
      null,
    ]);
    expect(chunks.at(-2)!.choices[0]!.finish_reason).toBe('stop');
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { total_tokens: 7 } });

    const without = await client().chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true });
    const plain = [];
    for await (const chunk of without) plain.push(chunk);
    expect(plain).toHaveLength(6); // role, four deltas, finish
    expect(plain.every((c) => c.usage === undefined && c.choices.length === 1)).toBe(true);
  });

  it('maps 401, 429 and 500 to its error classes', async () => {
    const denied = await rejection(
      client('sk-wrong').chat.completions.create({ model: 'gpt-4o-mini', messages }),
    );
    expect(denied).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(denied).toMatchObject({ status: 401, code: 'invalid_api_key', type: 'invalid_request_error' });

    fake.setBehavior({ fault: { type: 'http_error', status: 429, retryAfter: 7 }, times: 1 });
    const limited = await rejection(client().chat.completions.create({ model: 'gpt-4o-mini', messages }));
    expect(limited).toBeInstanceOf(OpenAI.RateLimitError);
    expect(limited).toMatchObject({ status: 429, code: 'rate_limit_exceeded' });
    expect((limited as InstanceType<typeof OpenAI.RateLimitError>).headers.get('retry-after')).toBe('7');

    fake.setBehavior({ fault: { type: 'http_error', status: 500 }, times: 1 });
    const broken = await rejection(client().chat.completions.create({ model: 'gpt-4o-mini', messages }));
    expect(broken).toBeInstanceOf(OpenAI.InternalServerError);
  });

  it('throws on a malformed event and on a dropped stream', async () => {
    fake.setBehavior({ fault: { type: 'malformed_event', afterDeltas: 2 }, times: 1 });
    const malformed = await client().chat.completions.create({
      model: 'gpt-4o-mini',
      messages,
      stream: true,
    });
    const seen: string[] = [];
    const parseError = await rejection(
      (async () => {
        for await (const chunk of malformed) seen.push(chunk.choices[0]?.delta.content ?? '');
      })(),
    );
    expect(parseError).toBeInstanceOf(SyntaxError);
    expect(seen).toEqual(['', 'Echo: ', 'one ']);

    fake.setBehavior({ interDeltaDelayMs: 25, fault: { type: 'drop', afterDeltas: 1 }, times: 1 });
    const dropped = await client().chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true });
    const dropError = await rejection(
      (async () => {
        for await (const _ of dropped) void _;
      })(),
    );
    expect(dropError).toBeInstanceOf(Error);
    expect(last()).toMatchObject({ deltasSent: 1, aborted: false, completed: false });
  });

  it('records an abort through the stream controller', async () => {
    fake.setBehavior({ interDeltaDelayMs: 30 });
    const stream = await client().chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true });
    for await (const chunk of stream) if (chunk.choices[0]?.delta.content) stream.controller.abort();
    await vi.waitFor(() => expect(last().aborted).toBe(true));
  });
});

describe('fake behaviour', () => {
  const post = (path: string, body: unknown, headers: Record<string, string>) =>
    fetch(`${fake.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });

  it('scopes faults to a provider and to the next N requests', async () => {
    fake.setBehavior({ provider: 'anthropic', fault: { type: 'http_error', status: 500 }, times: 2 });
    const [chat, , , gemini] = targets;
    expect((await generateText({ model: chat!.model(), prompt: PROMPT })).text).toBe(ECHO);
    expect((await generateText({ model: gemini!.model(), prompt: PROMPT })).text).toBe(ECHO);
    const anthropic = targets[2]!.model();
    for (let i = 0; i < 2; i++) {
      await expect(generateText({ model: anthropic, prompt: PROMPT, maxRetries: 0 })).rejects.toMatchObject({
        statusCode: 500,
        data: { type: 'error', error: { type: 'api_error' } },
      });
    }
    expect((await generateText({ model: anthropic, prompt: PROMPT })).text).toBe(ECHO);
    expect(fake.requests.map((r) => r.fault)).toEqual([null, null, 'http_error', 'http_error', null]);
  });

  it('splits into N deltas or takes explicit deltas', async () => {
    fake.setBehavior({ reply: 'a b c d e f', deltas: 2 });
    const two = streamText({ model: targets[0]!.model(), prompt: PROMPT });
    expect((await collect(two.fullStream)).deltas).toEqual(['a b c ', 'd e f']);
    fake.setBehavior({ reply: ({ provider, lastUserMessage }) => [provider, ':', lastUserMessage] });
    const explicit = streamText({ model: targets[2]!.model(), prompt: PROMPT });
    expect((await collect(explicit.fullStream)).deltas).toEqual(['anthropic', ':', PROMPT]);
  });

  it('waits latency before headers and the first-token delay before the first delta', async () => {
    fake.setBehavior({ latencyMs: 60, firstTokenDelayMs: 80 });
    const started = Date.now();
    const response = await post(
      '/v1/messages',
      {
        model: 'claude-sonnet-4-5',
        max_tokens: 100,
        stream: true,
        messages: [{ role: 'user', content: PROMPT }],
      },
      { 'x-api-key': DEFAULT_KEYS.anthropic, 'anthropic-version': '2023-06-01' },
    );
    const headersAt = Date.now() - started;
    const text = await response.text();
    const doneAt = Date.now() - started;
    expect(headersAt).toBeGreaterThanOrEqual(55);
    expect(doneAt - headersAt).toBeGreaterThanOrEqual(70);
    expect(
      text
        .split('\n\n')
        .filter(Boolean)
        .map((e) => e.split('\n')[0]),
    ).toEqual([
      'event: message_start',
      'event: content_block_start',
      'event: ping',
      ...Array(4).fill('event: content_block_delta'),
      'event: content_block_stop',
      'event: message_delta',
      'event: message_stop',
    ]);
  });

  it('a hang never answers: a client timeout is recorded as an abort', async () => {
    fake.setBehavior({ fault: { type: 'hang' } });
    const error = await rejection(
      generateText({
        model: targets[1]!.model(),
        prompt: PROMPT,
        maxRetries: 0,
        abortSignal: AbortSignal.timeout(100),
      }),
    );
    expect(error).toMatchObject({ name: 'TimeoutError' });
    await vi.waitFor(() => expect(last()).toMatchObject({ aborted: true, status: null }));
  });

  it('close() ends hung and stalled requests so nothing hangs', async () => {
    const own = await startFakeProvider();
    own.setBehavior({ fault: { type: 'hang' }, times: 1 });
    own.setBehavior({ fault: { type: 'hang', afterDeltas: 1 }, times: 1 });
    const hung = fetch(`${own.openaiBaseURL}/models`, {
      headers: { authorization: `Bearer ${DEFAULT_KEYS.openai}` },
    });
    await vi.waitFor(() => expect(own.requests[0]?.fault).toBe('hang'));
    const stalled = streamText({
      model: createGoogleGenerativeAI({ baseURL: own.googleBaseURL, apiKey: DEFAULT_KEYS.google })(
        'gemini-2.5-flash',
      ),
      prompt: PROMPT,
      maxRetries: 0,
      onError: () => {},
    });
    const stalledResult = collect(stalled.fullStream);
    await vi.waitFor(() => expect(own.requests.map((r) => r.deltasSent)).toEqual([0, 1]));
    await own.close();
    await expect(hung).rejects.toThrow();
    const { deltas, thrown } = await stalledResult;
    expect(deltas).toEqual(['Echo: ']);
    expect(thrown).toBeInstanceOf(Error);
    expect(own.requests.every((r) => !r.aborted)).toBe(true);
  });

  it('answers missing keys like the real APIs and accepts Gemini ?key=', async () => {
    const openai = await post('/v1/chat/completions', { model: 'gpt-4o-mini', messages: [] }, {});
    expect(openai.status).toBe(401);
    expect(await openai.json()).toMatchObject({ error: { type: 'invalid_request_error', code: null } });
    const anthropic = await post('/v1/messages', {}, { 'anthropic-version': '2023-06-01' });
    expect(anthropic.status).toBe(401);
    expect(await anthropic.json()).toEqual({
      type: 'error',
      error: { type: 'authentication_error', message: 'x-api-key header is required' },
    });
    const noVersion = await post('/v1/messages', {}, { 'x-api-key': DEFAULT_KEYS.anthropic });
    expect(noVersion.status).toBe(400);
    const body = { contents: [{ role: 'user', parts: [{ text: PROMPT }] }] };
    const google = await post('/v1beta/models/gemini-2.5-flash:generateContent', body, {});
    expect(google.status).toBe(403);
    expect(await google.json()).toMatchObject({ error: { code: 403, status: 'PERMISSION_DENIED' } });
    const viaQuery = await post(
      `/v1beta/models/gemini-2.5-flash:generateContent?key=${DEFAULT_KEYS.google}`,
      body,
      {},
    );
    expect(viaQuery.status).toBe(200);
    expect(await viaQuery.json()).toMatchObject({
      candidates: [{ content: { parts: [{ text: ECHO }], role: 'model' }, finishReason: 'STOP' }],
    });
    expect(last()).toMatchObject({ auth: { scheme: 'query', valid: true }, query: {} });
  });

  it('rejects a revoked key and lists models per provider', async () => {
    fake.validKeys.openai.delete(DEFAULT_KEYS.openai);
    const revoked = await fetch(`${fake.openaiBaseURL}/models`, {
      headers: { authorization: `Bearer ${DEFAULT_KEYS.openai}` },
    });
    expect(revoked.status).toBe(401);
    fake.reset();
    const openai = await fetch(`${fake.openaiBaseURL}/models`, {
      headers: { authorization: `Bearer ${DEFAULT_KEYS.openai}` },
    });
    expect(await openai.json()).toMatchObject({
      object: 'list',
      data: expect.arrayContaining([
        { id: 'gpt-4o-mini', object: 'model', created: expect.any(Number), owned_by: 'system' },
      ]),
    });
    const anthropic = await fetch(`${fake.anthropicBaseURL}/models`, {
      headers: { 'x-api-key': DEFAULT_KEYS.anthropic, 'anthropic-version': '2023-06-01' },
    });
    expect(await anthropic.json()).toMatchObject({
      data: expect.arrayContaining([expect.objectContaining({ type: 'model', id: 'claude-sonnet-4-5' })]),
      has_more: false,
    });
    const google = await fetch(`${fake.googleBaseURL}/models`, {
      headers: { 'x-goog-api-key': DEFAULT_KEYS.google },
    });
    expect(await google.json()).toMatchObject({
      models: expect.arrayContaining([expect.objectContaining({ name: 'models/gemini-2.5-flash' })]),
    });
    expect(fake.requests.map((r) => r.endpoint)).toEqual([
      'openai.models',
      'anthropic.models',
      'google.models',
    ]);
  });

  it('streams a JSON array from streamGenerateContent without alt=sse, and CRLF events with it', async () => {
    const body = { contents: [{ role: 'user', parts: [{ text: PROMPT }] }] };
    const headers = { 'x-goog-api-key': DEFAULT_KEYS.google };
    const array = await post('/v1beta/models/gemini-2.5-flash:streamGenerateContent', body, headers);
    const chunks = (await array.json()) as { candidates: { content: { parts: { text: string }[] } }[] }[];
    expect(chunks.map((c) => c.candidates[0]!.content.parts[0]!.text).join('')).toBe(ECHO);
    const events = await post('/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse', body, headers);
    expect(events.headers.get('content-type')).toBe('text/event-stream');
    expect((await events.text()).split('\r\n\r\n').filter(Boolean)).toHaveLength(5);
  });
});
