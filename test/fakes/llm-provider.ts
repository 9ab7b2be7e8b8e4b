import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * A fake LLM provider on 127.0.0.1 speaking the real wire formats, so the real clients (`ai` with
 * @ai-sdk/openai, @ai-sdk/anthropic, @ai-sdk/google, and the `openai` SDK) run against real HTTP:
 * - OpenAI (`openaiBaseURL` = `${url}/v1`): POST /v1/chat/completions (JSON, or SSE `data:` chunks ending
 *   in `data: [DONE]`, with a final usage chunk when `stream_options.include_usage`), POST /v1/responses
 *   (JSON, or SSE `event:`+`data:` Responses events), GET /v1/models. Auth `Authorization: Bearer <key>`.
 * - Anthropic (`anthropicBaseURL` = `${url}/v1`): POST /v1/messages (JSON, or SSE message_start …
 *   message_stop), GET /v1/models. Auth `x-api-key` + `anthropic-version`.
 * - Gemini (`googleBaseURL` = `${url}/v1beta`): POST /v1beta/models/{model}:generateContent and
 *   :streamGenerateContent?alt=sse (without alt=sse: a streamed JSON array, as the real API), GET
 *   /v1beta/models. Auth `x-goog-api-key` or `?key=`.
 *
 * The reply is deterministic: `Echo: <last user message>` unless `reply` says otherwise, streamed as one
 * delta per word (or `deltas` groups). Usage is a whitespace word count unless configured. Bad keys get
 * each provider's real error: OpenAI 401 `invalid_api_key`, Anthropic 401 `authentication_error`, Gemini
 * 400 `INVALID_ARGUMENT`/`API_KEY_INVALID` (Gemini does not answer 401 for a wrong key; a missing key is
 * 403 `PERMISSION_DENIED`).
 *
 * Faults and delays are set with `setBehavior`, globally or per provider, persistently or for the next N
 * requests. Every request is recorded (secrets stripped), including whether the client hung up before
 * the response was finished (`aborted`). `close()` destroys open sockets, so hung requests never block.
 */
export type LlmProviderName = 'openai' | 'anthropic' | 'google';

export type LlmEndpoint =
  | 'openai.chat'
  | 'openai.responses'
  | 'openai.models'
  | 'anthropic.messages'
  | 'anthropic.models'
  | 'google.generateContent'
  | 'google.streamGenerateContent'
  | 'google.models'
  | 'unknown';

/**
 * `afterDeltas` counts text deltas already sent (clamped to the reply's delta count). For non-streaming
 * requests: `malformed_event` answers 200 with truncated JSON, `drop` sends the headers and half the body
 * then destroys the socket, `hang` with `afterDeltas` sends the headers and stalls.
 */
export type FakeFault =
  /** The provider's real error body for this status; 429s carry `retry-after` (seconds, default 1). */
  | { type: 'http_error'; status: number; retryAfter?: number | null; message?: string }
  /** A data line with invalid JSON after K deltas (default 1); the stream then continues normally. */
  | { type: 'malformed_event'; afterDeltas?: number }
  /** Destroy the socket after K deltas (default 1) — no terminating chunk, no finish events. */
  | { type: 'drop'; afterDeltas?: number }
  /** Never answer (no `afterDeltas`), or stall forever after K deltas. Cleared by `close()`. */
  | { type: 'hang'; afterDeltas?: number };

export interface ReplyContext {
  provider: LlmProviderName;
  endpoint: LlmEndpoint;
  model: string;
  stream: boolean;
  /** Text of the last user message (text parts joined with a newline). */
  lastUserMessage: string;
  body: Record<string, unknown>;
}

export interface FakeBehavior {
  /** The reply, or explicit deltas (an array). Default `Echo: ${lastUserMessage}`. */
  reply?: string | string[] | ((ctx: ReplyContext) => string | string[]);
  /** Split a string reply into this many deltas (at word boundaries); 0 = one delta per word (default). */
  deltas?: number;
  /**
   * 'report' (default) counts tokens with `countTokens`; 'omit' leaves usage out where the real API can
   * (OpenAI chat/responses, Gemini) so callers must estimate — Anthropic always reports usage (its API
   * always does, and @ai-sdk/anthropic rejects messages without it); or fixed numbers.
   */
  usage?: 'report' | 'omit' | { inputTokens: number; outputTokens: number };
  /** Token estimate; default: whitespace-separated words. */
  countTokens?: (text: string) => number;
  /** Delay before any response headers. */
  latencyMs?: number;
  /** Streaming: delay before the first text delta (prelude events are sent at once). */
  firstTokenDelayMs?: number;
  /** Streaming: delay between text deltas. Non-streaming replies wait first + inter × (n − 1) too. */
  interDeltaDelayMs?: number;
  fault?: FakeFault | null;
}

export interface BehaviorPatch extends FakeBehavior {
  /** Only requests to this provider (default: all providers). */
  provider?: LlmProviderName;
  /**
   * Only the next N matching requests, then back to normal. One-shot patches queue in FIFO order and
   * layer over the persistent behaviour; without `times`, the patch merges into the persistent
   * behaviour (an `undefined` value falls back to the default, `fault: null` clears a fault).
   */
  times?: number;
}

export interface RecordedRequest {
  /** 1-based, increasing across `reset()`. */
  id: number;
  provider: LlmProviderName | null;
  endpoint: LlmEndpoint;
  method: string;
  path: string;
  /** Query parameters, without `key`. */
  query: Record<string, string>;
  /** Lower-cased headers without credentials (authorization, x-api-key, x-goog-api-key, cookie). */
  headers: Record<string, string>;
  auth: {
    present: boolean;
    /** The key the client sent (test keys are not secrets). */
    key: string | null;
    scheme: 'bearer' | 'x-api-key' | 'x-goog-api-key' | 'query' | null;
    valid: boolean;
  };
  /** Parsed JSON object body (null when absent or not a JSON object; see `rawBody`). */
  body: Record<string, unknown> | null;
  rawBody: string;
  model: string | null;
  stream: boolean;
  /** The status sent, or null while no headers have been sent (e.g. hang). */
  status: number | null;
  /** The fault applied to this request. */
  fault: FakeFault['type'] | null;
  /** Text deltas written so far. */
  deltasSent: number;
  /** The whole response was written. */
  completed: boolean;
  /** The client disconnected before the response was finished (not counting `drop` or `close()`). */
  aborted: boolean;
  startedAt: number;
  /** When the connection or response ended; null while open. */
  endedAt: number | null;
}

export interface StartFakeProviderOptions {
  /** Valid keys per provider (default sk-test-valid, sk-ant-test-valid, gemini-test-valid). */
  keys?: Partial<Record<LlmProviderName, string[]>>;
  /** Initial global behaviour; `reset()` returns to it. */
  behavior?: FakeBehavior;
  /** Model ids listed by the models endpoints. */
  models?: Partial<Record<LlmProviderName, string[]>>;
}

export interface FakeProvider {
  /** Origin, e.g. http://127.0.0.1:41234 */
  url: string;
  /** `${url}/v1` — for @ai-sdk/openai and the openai SDK. */
  openaiBaseURL: string;
  /** `${url}/v1` — for @ai-sdk/anthropic. */
  anthropicBaseURL: string;
  /** `${url}/v1beta` — for @ai-sdk/google. */
  googleBaseURL: string;
  requests: RecordedRequest[];
  /** Mutable: add or remove keys to simulate rotation/revocation. */
  validKeys: Record<LlmProviderName, Set<string>>;
  setBehavior(patch: BehaviorPatch): void;
  /** Forget requests, behaviour, queued faults and key changes (back to the start options). */
  reset(): void;
  close(): Promise<void>;
}

export const DEFAULT_KEYS: Readonly<Record<LlmProviderName, string>> = {
  openai: 'sk-test-valid',
  anthropic: 'sk-ant-test-valid',
  google: 'gemini-test-valid',
};

const DEFAULT_MODELS: Record<LlmProviderName, string[]> = {
  openai: ['gpt-4o-mini', 'gpt-4.1', 'gpt-5-mini'],
  anthropic: ['claude-sonnet-4-5', 'claude-haiku-4-5'],
  google: ['gemini-2.5-flash', 'gemini-2.5-pro'],
};

type ResolvedBehavior = { [K in keyof FakeBehavior]-?: Exclude<FakeBehavior[K], undefined> };

const countWords = (text: string) => text.split(/\s+/).filter(Boolean).length;

const DEFAULT_BEHAVIOR: ResolvedBehavior = {
  reply: (ctx) => `Echo: ${ctx.lastUserMessage}`,
  deltas: 0,
  usage: 'report',
  countTokens: countWords,
  latencyMs: 0,
  firstTokenDelayMs: 0,
  interDeltaDelayMs: 0,
  fault: null,
};

const SECRET_HEADERS = new Set([
  'authorization',
  'x-api-key',
  'x-goog-api-key',
  'cookie',
  'proxy-authorization',
]);

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Text of a message content: a string, or parts with a `text` field. */
function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part) => (isObject(part) && typeof part.text === 'string' ? part.text : ''))
    .filter(Boolean)
    .join('\n');
}

/** The conversation as (role, text) pairs, system prompt included, for each wire format. */
function conversation(endpoint: LlmEndpoint, body: Json): { role: string; text: string }[] {
  const out: { role: string; text: string }[] = [];
  const list = (value: unknown) => (Array.isArray(value) ? (value as unknown[]) : []);
  switch (endpoint) {
    case 'openai.chat':
      for (const m of list(body.messages))
        if (isObject(m)) out.push({ role: String(m.role), text: textOf(m.content) });
      break;
    case 'openai.responses':
      if (typeof body.instructions === 'string') out.push({ role: 'system', text: body.instructions });
      if (typeof body.input === 'string') out.push({ role: 'user', text: body.input });
      for (const m of list(body.input)) {
        if (isObject(m) && typeof m.role === 'string') out.push({ role: m.role, text: textOf(m.content) });
      }
      break;
    case 'anthropic.messages':
      if (body.system !== undefined) out.push({ role: 'system', text: textOf(body.system) });
      for (const m of list(body.messages))
        if (isObject(m)) out.push({ role: String(m.role), text: textOf(m.content) });
      break;
    case 'google.generateContent':
    case 'google.streamGenerateContent':
      if (isObject(body.systemInstruction)) {
        out.push({ role: 'system', text: textOf(body.systemInstruction.parts) });
      }
      for (const c of list(body.contents)) {
        if (isObject(c)) out.push({ role: String(c.role ?? 'user'), text: textOf(c.parts) });
      }
      break;
    default:
      break;
  }
  return out;
}

function maxOutputTokens(endpoint: LlmEndpoint, body: Json): number | null {
  const pick = (...values: unknown[]) => {
    const found = values.find((v) => typeof v === 'number');
    return typeof found === 'number' ? found : null;
  };
  switch (endpoint) {
    case 'openai.chat':
      return pick(body.max_completion_tokens, body.max_tokens);
    case 'openai.responses':
      return pick(body.max_output_tokens);
    case 'anthropic.messages':
      return pick(body.max_tokens);
    case 'google.generateContent':
    case 'google.streamGenerateContent':
      return isObject(body.generationConfig) ? pick(body.generationConfig.maxOutputTokens) : null;
    default:
      return null;
  }
}

/** Splits text into `n` deltas at word boundaries (0 = one per word); they concatenate back to `text`. */
function splitDeltas(text: string, n: number): string[] {
  const words = text.match(/\s*\S+\s*/g) ?? (text ? [text] : []);
  if (n <= 0 || n >= words.length) return words;
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    out.push(
      words.slice(Math.floor((i * words.length) / n), Math.floor(((i + 1) * words.length) / n)).join(''),
    );
  }
  return out;
}

interface Completion {
  text: string;
  pieces: string[];
  usage: { input: number; output: number };
  /** Leave usage out of the response where the wire format allows. */
  omitUsage: boolean;
  /** Cut at the request's max output tokens. */
  truncated: boolean;
}

function complete(
  behavior: ResolvedBehavior,
  ctx: ReplyContext,
  endpoint: LlmEndpoint,
  body: Json,
): Completion {
  const turns = conversation(endpoint, body);
  const raw = typeof behavior.reply === 'function' ? behavior.reply(ctx) : behavior.reply;
  let pieces = Array.isArray(raw) ? [...raw] : splitDeltas(raw, behavior.deltas);
  let text = pieces.join('');
  const limit = maxOutputTokens(endpoint, body);
  let truncated = false;
  if (limit !== null && behavior.countTokens(text) > limit) {
    truncated = true;
    const words = text.match(/\s*\S+\s*/g) ?? [];
    let kept = '';
    for (const word of words) {
      if (behavior.countTokens(kept + word) > limit) break;
      kept += word;
    }
    text = kept;
    pieces = splitDeltas(text, behavior.deltas);
  }
  const usage =
    typeof behavior.usage === 'object'
      ? { input: behavior.usage.inputTokens, output: behavior.usage.outputTokens }
      : {
          input: behavior.countTokens(turns.map((t) => t.text).join('\n')),
          output: behavior.countTokens(text),
        };
  return { text, pieces, usage, omitUsage: behavior.usage === 'omit', truncated };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/** One request in flight. */
interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  rec: RecordedRequest;
  behavior: ResolvedBehavior;
  signal: AbortSignal;
  /** Set when the fake itself destroys the connection (drop fault). */
  killed: boolean;
}

const gone = (ex: Exchange) => ex.signal.aborted || ex.res.destroyed;

function write(ex: Exchange, frame: string): void {
  if (!gone(ex)) ex.res.write(frame);
}

function sendJson(ex: Exchange, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (gone(ex)) return;
  const text = JSON.stringify(body);
  ex.rec.status = status;
  ex.res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  ex.res.end(text);
}

// ---------------------------------------------------------------------------------------------------------
// Error bodies, as each provider sends them.

const GOOGLE_STATUS: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  429: 'RESOURCE_EXHAUSTED',
  499: 'CANCELLED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

function openaiError(status: number, model: string | null, message?: string, retryAfter?: number | null) {
  const base = { param: null, code: null as string | null };
  switch (status) {
    case 401:
      return {
        error: {
          ...base,
          message:
            message ??
            'Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys.',
          type: 'invalid_request_error',
          code: 'invalid_api_key',
        },
      };
    case 429:
      return {
        error: {
          ...base,
          message:
            message ??
            `Rate limit reached for ${model ?? 'the model'} in organization org-fake on requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in ${retryAfter ?? 20}s.`,
          type: 'requests',
          code: 'rate_limit_exceeded',
        },
      };
    case 503:
      return {
        error: {
          ...base,
          message: message ?? 'The engine is currently overloaded, please try again later',
          type: 'server_error',
        },
      };
    default:
      if (status >= 500) {
        return {
          error: {
            ...base,
            message: message ?? 'The server had an error while processing your request. Sorry about that!',
            type: 'server_error',
          },
        };
      }
      return {
        error: {
          ...base,
          message: message ?? `Request failed with status ${status}`,
          type: 'invalid_request_error',
        },
      };
  }
}

const ANTHROPIC_ERRORS: Record<number, [type: string, message: string]> = {
  400: ['invalid_request_error', 'Invalid request'],
  401: ['authentication_error', 'invalid x-api-key'],
  403: ['permission_error', 'Your API key does not have permission to use the specified resource.'],
  404: ['not_found_error', 'Not found'],
  413: ['request_too_large', 'Request exceeds the maximum allowed number of bytes.'],
  429: ['rate_limit_error', 'Number of requests has exceeded your per-minute rate limit.'],
  500: ['api_error', 'Internal server error'],
  529: ['overloaded_error', 'Overloaded'],
};

function anthropicError(status: number, message?: string) {
  const [type, fallback] =
    ANTHROPIC_ERRORS[status] ??
    (status >= 500
      ? ANTHROPIC_ERRORS[500]!
      : ['invalid_request_error', `Request failed with status ${status}`]);
  return { type: 'error', error: { type, message: message ?? fallback } };
}

function googleError(status: number, message?: string, retryAfter?: number | null) {
  const fallback =
    status === 429
      ? 'Resource has been exhausted (e.g. check quota).'
      : status === 503
        ? 'The model is overloaded. Please try again later.'
        : status >= 500
          ? 'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting'
          : `Request failed with status ${status}`;
  return {
    error: {
      code: status,
      message: message ?? fallback,
      status: GOOGLE_STATUS[status] ?? (status >= 500 ? 'INTERNAL' : 'FAILED_PRECONDITION'),
      ...(status === 429 && retryAfter != null
        ? { details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: `${retryAfter}s` }] }
        : {}),
    },
  };
}

function errorBody(
  provider: LlmProviderName,
  status: number,
  model: string | null,
  message?: string,
  retryAfter?: number | null,
) {
  if (provider === 'anthropic') return anthropicError(status, message);
  if (provider === 'google') return googleError(status, message, retryAfter);
  return openaiError(status, model, message, retryAfter);
}

// ---------------------------------------------------------------------------------------------------------
// Routing and auth.

interface Route {
  provider: LlmProviderName | null;
  endpoint: LlmEndpoint;
  /** Model from the path (Gemini, models/{id}). */
  pathModel: string | null;
}

function route(req: IncomingMessage, url: URL): Route {
  const method = req.method ?? 'GET';
  const path = url.pathname.replace(/\/+$/, '');
  const gemini = /^\/v1beta\/models\/([^/:]+):(generateContent|streamGenerateContent)$/.exec(path);
  if (gemini && method === 'POST') {
    return {
      provider: 'google',
      endpoint: gemini[2] === 'generateContent' ? 'google.generateContent' : 'google.streamGenerateContent',
      pathModel: decodeURIComponent(gemini[1]!),
    };
  }
  const geminiModels = /^\/v1beta\/models(?:\/([^/:]+))?$/.exec(path);
  if (geminiModels && method === 'GET') {
    return { provider: 'google', endpoint: 'google.models', pathModel: geminiModels[1] ?? null };
  }
  if (path.startsWith('/v1beta')) return { provider: 'google', endpoint: 'unknown', pathModel: null };
  if (path === '/v1/chat/completions' && method === 'POST')
    return { provider: 'openai', endpoint: 'openai.chat', pathModel: null };
  if (path === '/v1/responses' && method === 'POST')
    return { provider: 'openai', endpoint: 'openai.responses', pathModel: null };
  if (path === '/v1/messages' && method === 'POST') {
    return { provider: 'anthropic', endpoint: 'anthropic.messages', pathModel: null };
  }
  // GET /v1/models is both OpenAI's and Anthropic's: tell them apart by Anthropic's headers.
  const models = /^\/v1\/models(?:\/([^/]+))?$/.exec(path);
  const anthropicHeaders =
    req.headers['x-api-key'] !== undefined || req.headers['anthropic-version'] !== undefined;
  if (models && method === 'GET') {
    return {
      provider: anthropicHeaders ? 'anthropic' : 'openai',
      endpoint: anthropicHeaders ? 'anthropic.models' : 'openai.models',
      pathModel: models[1] ? decodeURIComponent(models[1]) : null,
    };
  }
  return { provider: anthropicHeaders ? 'anthropic' : 'openai', endpoint: 'unknown', pathModel: null };
}

function readAuth(
  provider: LlmProviderName | null,
  req: IncomingMessage,
  url: URL,
  keys: FakeProvider['validKeys'],
) {
  const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? null;
  const header = (name: string) => {
    const v = req.headers[name];
    return typeof v === 'string' && v !== '' ? v : null;
  };
  let key: string | null = null;
  let scheme: RecordedRequest['auth']['scheme'] = null;
  if (provider === 'anthropic') {
    if (header('x-api-key')) [key, scheme] = [header('x-api-key'), 'x-api-key'];
    else if (bearer) [key, scheme] = [bearer, 'bearer'];
  } else if (provider === 'google') {
    if (header('x-goog-api-key')) [key, scheme] = [header('x-goog-api-key'), 'x-goog-api-key'];
    else if (url.searchParams.get('key')) [key, scheme] = [url.searchParams.get('key'), 'query'];
  } else if (bearer) {
    [key, scheme] = [bearer, 'bearer'];
  }
  const valid = provider !== null && key !== null && keys[provider].has(key);
  return { present: key !== null, key, scheme, valid };
}

/** The provider's answer to a missing or wrong key, or null when the key is good. */
function authFailure(provider: LlmProviderName, auth: RecordedRequest['auth'], req: IncomingMessage) {
  if (provider === 'openai') {
    if (!auth.present) {
      const body = openaiError(
        401,
        null,
        "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're accessing the API from your browser and are prompted for a username and password. You can obtain an API key from https://platform.openai.com/account/api-keys.",
      );
      return { status: 401, body: { error: { ...body.error, code: null } } };
    }
    if (!auth.valid) {
      const masked = `${auth.key!.slice(0, 7)}*************${auth.key!.slice(-4)}`;
      return {
        status: 401,
        body: openaiError(
          401,
          null,
          `Incorrect API key provided: ${masked}. You can find your API key at https://platform.openai.com/account/api-keys.`,
        ),
      };
    }
    return null;
  }
  if (provider === 'anthropic') {
    if (!auth.present) return { status: 401, body: anthropicError(401, 'x-api-key header is required') };
    if (!auth.valid) return { status: 401, body: anthropicError(401, 'invalid x-api-key') };
    if (!req.headers['anthropic-version']) {
      return { status: 400, body: anthropicError(400, 'anthropic-version: header is required') };
    }
    return null;
  }
  if (!auth.present) {
    return {
      status: 403,
      body: googleError(
        403,
        "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
      ),
    };
  }
  if (!auth.valid) {
    const message = 'API key not valid. Please pass a valid API key.';
    return {
      status: 400,
      body: {
        error: {
          code: 400,
          message,
          status: 'INVALID_ARGUMENT',
          details: [
            {
              '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
              reason: 'API_KEY_INVALID',
              domain: 'googleapis.com',
              metadata: { service: 'generativelanguage.googleapis.com' },
            },
            { '@type': 'type.googleapis.com/google.rpc.LocalizedMessage', locale: 'en-US', message },
          ],
        },
      },
    };
  }
  return null;
}

// ---------------------------------------------------------------------------------------------------------
// Streaming driver: prelude events, then text deltas with delays and faults, then the closing events.

interface StreamPlan {
  contentType: string;
  prelude: string[];
  delta: (piece: string, index: number) => string;
  malformed: string;
  finale: string[];
}

async function runStream(ex: Exchange, pieces: string[], plan: StreamPlan, headers: Record<string, string>) {
  const { res, rec, behavior } = ex;
  const fault = behavior.fault;
  const n = pieces.length;
  const at = (type: FakeFault['type'], fallback: number | null) => {
    if (fault?.type !== type) return -1;
    const k = 'afterDeltas' in fault && fault.afterDeltas !== undefined ? fault.afterDeltas : fallback;
    return k === null ? -1 : Math.max(0, Math.min(k, n));
  };
  const dropAt = at('drop', 1);
  const hangAt = at('hang', null);
  const malformedAt = at('malformed_event', 1);

  rec.status = 200;
  res.writeHead(200, { 'content-type': plan.contentType, 'cache-control': 'no-cache', ...headers });
  res.flushHeaders();
  for (const frame of plan.prelude) write(ex, frame);
  for (let i = 0; i <= n; i++) {
    if (i === dropAt) {
      // Die when the next delta would have come, so the client has read the K deltas it was sent.
      await sleep(i === 0 ? behavior.firstTokenDelayMs : behavior.interDeltaDelayMs, ex.signal);
      if (gone(ex)) return;
      ex.killed = true;
      res.destroy();
      return;
    }
    if (i === hangAt) return; // stall: the client (or close()) ends it
    if (i === malformedAt) write(ex, plan.malformed);
    if (i === n) break;
    await sleep(i === 0 ? behavior.firstTokenDelayMs : behavior.interDeltaDelayMs, ex.signal);
    if (gone(ex)) return;
    write(ex, plan.delta(pieces[i]!, i));
    rec.deltasSent++;
  }
  for (const frame of plan.finale) write(ex, frame);
  if (!gone(ex)) res.end();
}

/** Non-streaming: wait as long as generating the deltas would take, then answer (or fail). */
async function runJson(ex: Exchange, pieces: string[], body: unknown, headers: Record<string, string>) {
  const { behavior, res, rec } = ex;
  const generation = behavior.firstTokenDelayMs + behavior.interDeltaDelayMs * Math.max(0, pieces.length - 1);
  await sleep(generation, ex.signal);
  if (gone(ex)) return;
  const fault = behavior.fault;
  const text = JSON.stringify(body);
  if (fault?.type === 'malformed_event') {
    return sendRaw(ex, 200, text.slice(0, Math.floor(text.length / 2)), headers);
  }
  if (fault?.type === 'drop' || (fault?.type === 'hang' && fault.afterDeltas !== undefined)) {
    rec.status = 200;
    res.writeHead(200, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': String(Buffer.byteLength(text)),
      ...headers,
    });
    res.write(text.slice(0, Math.floor(text.length / 2)));
    if (fault.type === 'drop') {
      ex.killed = true;
      res.destroy();
    }
    return;
  }
  rec.deltasSent = pieces.length;
  sendJson(ex, 200, body, headers);
}

function sendRaw(ex: Exchange, status: number, text: string, headers: Record<string, string>) {
  ex.rec.status = status;
  ex.res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  ex.res.end(text);
}

const sse = (data: unknown, event?: string, eol = '\n') =>
  `${event ? `event: ${event}${eol}` : ''}data: ${typeof data === 'string' ? data : JSON.stringify(data)}${eol}${eol}`;

// ---------------------------------------------------------------------------------------------------------
// OpenAI

function openaiUsage(u: { input: number; output: number }) {
  return {
    prompt_tokens: u.input,
    completion_tokens: u.output,
    total_tokens: u.input + u.output,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: 0,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

async function openaiChat(ex: Exchange, body: Json, model: string, c: Completion, seq: string) {
  const id = `chatcmpl-fake${seq}`;
  const created = Math.floor(Date.now() / 1000);
  const finish = c.truncated ? 'length' : 'stop';
  const headers = { 'x-request-id': `req_fake${seq}`, 'openai-processing-ms': '1' };
  if (body.stream !== true) {
    return runJson(
      ex,
      c.pieces,
      {
        id,
        object: 'chat.completion',
        created,
        model,
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: c.text, refusal: null, annotations: [] },
            logprobs: null,
            finish_reason: finish,
          },
        ],
        ...(c.omitUsage ? {} : { usage: openaiUsage(c.usage) }),
        service_tier: 'default',
        system_fingerprint: 'fp_fake',
      },
      headers,
    );
  }
  const includeUsage = isObject(body.stream_options) && body.stream_options.include_usage === true;
  const chunk = (choices: unknown[], extra: Json = {}) => ({
    id,
    object: 'chat.completion.chunk',
    created,
    model,
    service_tier: 'default',
    system_fingerprint: 'fp_fake',
    choices,
    ...(includeUsage ? { usage: null } : {}),
    ...extra,
  });
  const choice = (delta: Json, finishReason: string | null = null) => ({
    index: 0,
    delta,
    logprobs: null,
    finish_reason: finishReason,
  });
  const finale = [sse(chunk([choice({}, finish)]))];
  if (includeUsage && !c.omitUsage) finale.push(sse(chunk([], { usage: openaiUsage(c.usage) })));
  finale.push(sse('[DONE]'));
  return runStream(
    ex,
    c.pieces,
    {
      contentType: 'text/event-stream; charset=utf-8',
      prelude: [sse(chunk([choice({ role: 'assistant', content: '', refusal: null })]))],
      delta: (piece) => sse(chunk([choice({ content: piece })])),
      malformed: `data: {"id":"${id}","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":\n\n`,
      finale,
    },
    headers,
  );
}

async function openaiResponses(ex: Exchange, body: Json, model: string, c: Completion, seq: string) {
  const id = `resp_fake${seq}`;
  const itemId = `msg_fake${seq}`;
  const created = Math.floor(Date.now() / 1000);
  const headers = { 'x-request-id': `req_fake${seq}`, 'openai-processing-ms': '1' };
  const usage = !c.omitUsage && {
    input_tokens: c.usage.input,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: c.usage.output,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: c.usage.input + c.usage.output,
  };
  const part = (text: string) => ({ type: 'output_text', text, annotations: [], logprobs: [] });
  const item = (status: string, content: unknown[]) => ({
    id: itemId,
    type: 'message',
    status,
    role: 'assistant',
    content,
  });
  const response = (status: string, output: unknown[], withUsage: boolean) => ({
    id,
    object: 'response',
    created_at: created,
    status,
    background: false,
    error: null,
    incomplete_details: c.truncated && status !== 'in_progress' ? { reason: 'max_output_tokens' } : null,
    instructions: typeof body.instructions === 'string' ? body.instructions : null,
    max_output_tokens: typeof body.max_output_tokens === 'number' ? body.max_output_tokens : null,
    model,
    output,
    parallel_tool_calls: true,
    previous_response_id: null,
    reasoning: { effort: null, summary: null },
    service_tier: 'default',
    store: body.store !== false,
    temperature: typeof body.temperature === 'number' ? body.temperature : 1,
    text: { format: { type: 'text' } },
    tool_choice: 'auto',
    tools: [],
    top_p: 1,
    truncation: 'disabled',
    usage: withUsage && usage ? usage : null,
    user: null,
    metadata: {},
  });
  const finalStatus = c.truncated ? 'incomplete' : 'completed';
  const done = item('completed', [part(c.text)]);
  if (body.stream !== true) return runJson(ex, c.pieces, response(finalStatus, [done], true), headers);

  let sequence = 0;
  const event = (type: string, data: Json) => sse({ type, sequence_number: sequence++, ...data }, type);
  const where = { item_id: itemId, output_index: 0, content_index: 0 };
  return runStream(
    ex,
    c.pieces,
    {
      contentType: 'text/event-stream; charset=utf-8',
      prelude: [
        event('response.created', { response: response('in_progress', [], false) }),
        event('response.in_progress', { response: response('in_progress', [], false) }),
        event('response.output_item.added', { output_index: 0, item: item('in_progress', []) }),
        event('response.content_part.added', { ...where, part: part('') }),
      ],
      delta: (piece) => event('response.output_text.delta', { ...where, delta: piece, logprobs: [] }),
      malformed: `event: response.output_text.delta\ndata: {"type":"response.output_text.delta","item_id":"${itemId}","delta":\n\n`,
      finale: [
        event('response.output_text.done', { ...where, text: c.text, logprobs: [] }),
        event('response.content_part.done', { ...where, part: part(c.text) }),
        event('response.output_item.done', { output_index: 0, item: done }),
        event(`response.${finalStatus}`, { response: response(finalStatus, [done], true) }),
      ],
    },
    headers,
  );
}

// ---------------------------------------------------------------------------------------------------------
// Anthropic

async function anthropicMessages(ex: Exchange, body: Json, model: string, c: Completion, seq: string) {
  const id = `msg_fake${seq}`;
  const headers = { 'request-id': `req_fake${seq}` };
  const stopReason = c.truncated ? 'max_tokens' : 'end_turn';
  // Anthropic always reports usage; 'omit' does not apply (see FakeBehavior.usage).
  const usage = c.usage;
  const fullUsage = {
    input_tokens: usage.input,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
    output_tokens: usage.output,
    service_tier: 'standard',
  };
  if (body.stream !== true) {
    return runJson(
      ex,
      c.pieces,
      {
        id,
        type: 'message',
        role: 'assistant',
        model,
        content: [{ type: 'text', text: c.text }],
        stop_reason: stopReason,
        stop_sequence: null,
        usage: fullUsage,
      },
      headers,
    );
  }
  return runStream(
    ex,
    c.pieces,
    {
      contentType: 'text/event-stream; charset=utf-8',
      prelude: [
        sse(
          {
            type: 'message_start',
            message: {
              id,
              type: 'message',
              role: 'assistant',
              model,
              content: [],
              stop_reason: null,
              stop_sequence: null,
              usage: { ...fullUsage, output_tokens: 1 },
            },
          },
          'message_start',
        ),
        sse(
          { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
          'content_block_start',
        ),
        sse({ type: 'ping' }, 'ping'),
      ],
      delta: (piece) =>
        sse(
          { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: piece } },
          'content_block_delta',
        ),
      malformed:
        'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":\n\n',
      finale: [
        sse({ type: 'content_block_stop', index: 0 }, 'content_block_stop'),
        sse(
          {
            type: 'message_delta',
            delta: { stop_reason: stopReason, stop_sequence: null },
            usage: { output_tokens: usage.output },
          },
          'message_delta',
        ),
        sse({ type: 'message_stop' }, 'message_stop'),
      ],
    },
    headers,
  );
}

// ---------------------------------------------------------------------------------------------------------
// Gemini

async function googleGenerate(
  ex: Exchange,
  url: URL,
  model: string,
  c: Completion,
  seq: string,
  stream: boolean,
) {
  const responseId = `fakeResp${seq}`;
  const finishReason = c.truncated ? 'MAX_TOKENS' : 'STOP';
  const usageMetadata = (final: boolean) =>
    !c.omitUsage
      ? {
          usageMetadata: {
            promptTokenCount: c.usage.input,
            ...(final ? { candidatesTokenCount: c.usage.output } : {}),
            totalTokenCount: c.usage.input + (final ? c.usage.output : 0),
            promptTokensDetails: [{ modality: 'TEXT', tokenCount: c.usage.input }],
          },
        }
      : {};
  const candidate = (text: string, finish: boolean) => ({
    content: { parts: [{ text }], role: 'model' },
    ...(finish ? { finishReason } : {}),
    index: 0,
  });
  const chunk = (text: string, final: boolean) => ({
    candidates: [candidate(text, final)],
    ...usageMetadata(final),
    modelVersion: model,
    responseId,
  });
  if (!stream) return runJson(ex, c.pieces, chunk(c.text, true), {});
  if (url.searchParams.get('alt') === 'sse') {
    // The real API ends SSE events with CRLF pairs.
    return runStream(
      ex,
      c.pieces,
      {
        contentType: 'text/event-stream',
        prelude: [],
        delta: (piece) => sse(chunk(piece, false), undefined, '\r\n'),
        malformed: 'data: {"candidates": [{"content": {"parts": [{"text": \r\n\r\n',
        finale: [sse(chunk('', true), undefined, '\r\n')],
      },
      {},
    );
  }
  // Without alt=sse, streamGenerateContent streams one JSON array.
  return runStream(
    ex,
    c.pieces,
    {
      contentType: 'application/json; charset=UTF-8',
      prelude: ['['],
      delta: (piece, i) => `${i === 0 ? '' : ',\r\n'}${JSON.stringify(chunk(piece, false))}`,
      malformed: '{"candidates": [{',
      finale: [`${c.pieces.length === 0 ? '' : ',\r\n'}${JSON.stringify(chunk('', true))}]`],
    },
    {},
  );
}

// ---------------------------------------------------------------------------------------------------------
// Models endpoints

function listModels(ex: Exchange, provider: LlmProviderName, models: string[], pathModel: string | null) {
  const created = 1_700_000_000;
  if (provider === 'openai') {
    const entry = (id: string) => ({ id, object: 'model', created, owned_by: 'system' });
    if (pathModel === null) return sendJson(ex, 200, { object: 'list', data: models.map(entry) });
    if (models.includes(pathModel)) return sendJson(ex, 200, entry(pathModel));
    return sendJson(ex, 404, openaiError(404, pathModel, `The model '${pathModel}' does not exist`));
  }
  if (provider === 'anthropic') {
    const entry = (id: string) => ({
      type: 'model',
      id,
      display_name: id,
      created_at: '2025-10-01T00:00:00Z',
    });
    if (pathModel === null) {
      return sendJson(ex, 200, {
        data: models.map(entry),
        has_more: false,
        first_id: models[0] ?? null,
        last_id: models.at(-1) ?? null,
      });
    }
    if (models.includes(pathModel)) return sendJson(ex, 200, entry(pathModel));
    return sendJson(ex, 404, anthropicError(404, `model: ${pathModel}`));
  }
  const entry = (id: string) => ({
    name: `models/${id}`,
    version: '001',
    displayName: id,
    inputTokenLimit: 1_048_576,
    outputTokenLimit: 65_536,
    supportedGenerationMethods: ['generateContent', 'countTokens'],
  });
  if (pathModel === null) return sendJson(ex, 200, { models: models.map(entry) });
  if (models.includes(pathModel)) return sendJson(ex, 200, entry(pathModel));
  return sendJson(ex, 404, googleError(404, `models/${pathModel} is not found for API version v1beta.`));
}

// ---------------------------------------------------------------------------------------------------------

export async function startFakeProvider(options: StartFakeProviderOptions = {}): Promise<FakeProvider> {
  const initialKeys = (): Record<LlmProviderName, Set<string>> => ({
    openai: new Set(options.keys?.openai ?? [DEFAULT_KEYS.openai]),
    anthropic: new Set(options.keys?.anthropic ?? [DEFAULT_KEYS.anthropic]),
    google: new Set(options.keys?.google ?? [DEFAULT_KEYS.google]),
  });
  const models = { ...DEFAULT_MODELS, ...options.models };
  let global: FakeBehavior = { ...options.behavior };
  let perProvider: Partial<Record<LlmProviderName, FakeBehavior>> = {};
  let oneShots: { provider?: LlmProviderName; remaining: number; behavior: FakeBehavior }[] = [];
  let nextId = 1;
  let closing = false;
  const sockets = new Set<Socket>();

  function takeBehavior(provider: LlmProviderName | null): ResolvedBehavior {
    const layers: FakeBehavior[] = [global];
    if (provider) layers.push(perProvider[provider] ?? {});
    const shot = oneShots.find((s) => s.provider === undefined || s.provider === provider);
    if (shot && provider) {
      layers.push(shot.behavior);
      if (--shot.remaining <= 0) oneShots = oneShots.filter((s) => s !== shot);
    }
    const resolved: Record<string, unknown> = { ...DEFAULT_BEHAVIOR };
    for (const layer of layers) {
      for (const [k, v] of Object.entries(layer)) if (v !== undefined) resolved[k] = v;
    }
    return resolved as ResolvedBehavior;
  }

  async function handle(req: IncomingMessage, res: ServerResponse, rec: RecordedRequest, ex: Exchange) {
    const url = new URL(req.url ?? '/', 'http://fake');
    const r = route(req, url);
    rec.provider = r.provider;
    rec.endpoint = r.endpoint;
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    rec.rawBody = Buffer.concat(chunks).toString('utf8');
    let parsed: unknown = undefined;
    let parseFailed = false;
    if (rec.rawBody !== '') {
      try {
        parsed = JSON.parse(rec.rawBody);
      } catch {
        parseFailed = true;
      }
    }
    const body = isObject(parsed) ? parsed : {};
    rec.body = isObject(parsed) ? parsed : null;
    rec.model = r.pathModel ?? (typeof body.model === 'string' ? body.model : null);
    rec.stream = r.endpoint === 'google.streamGenerateContent' || body.stream === true;
    rec.auth = readAuth(r.provider, req, url, fake.validKeys);

    const provider = r.provider ?? 'openai';
    if (r.endpoint === 'unknown') {
      return sendJson(
        ex,
        404,
        provider === 'openai'
          ? openaiError(404, null, `Invalid URL (${req.method} ${url.pathname})`)
          : provider === 'anthropic'
            ? anthropicError(404, 'Not Found')
            : googleError(404, `The requested URL ${url.pathname} was not found on this server.`),
      );
    }

    const behavior = takeBehavior(provider);
    ex.behavior = behavior;
    const fault = behavior.fault;
    rec.fault = fault?.type ?? null;
    await sleep(behavior.latencyMs, ex.signal);
    if (gone(ex)) return;
    if (fault?.type === 'hang' && fault.afterDeltas === undefined) return; // never answer

    const denied = authFailure(provider, rec.auth, req);
    if (denied) return sendJson(ex, denied.status, denied.body);

    if (fault?.type === 'http_error') {
      const retryAfter = fault.retryAfter === undefined ? 1 : fault.retryAfter;
      const headers: Record<string, string> =
        fault.status === 429 && retryAfter !== null ? { 'retry-after': String(retryAfter) } : {};
      return sendJson(
        ex,
        fault.status,
        errorBody(provider, fault.status, rec.model, fault.message, retryAfter),
        headers,
      );
    }

    if (r.endpoint.endsWith('.models')) return listModels(ex, provider, models[provider], r.pathModel);

    if (parseFailed || !isObject(parsed)) {
      const message = 'We could not parse the JSON body of your request.';
      return sendJson(
        ex,
        400,
        provider === 'openai'
          ? openaiError(400, null, message)
          : provider === 'anthropic'
            ? anthropicError(400, message)
            : googleError(400, 'Invalid JSON payload received.'),
      );
    }
    const missing =
      provider === 'anthropic'
        ? ['model', 'max_tokens', 'messages'].find((f) => body[f] === undefined)
        : provider === 'openai'
          ? ['model', r.endpoint === 'openai.chat' ? 'messages' : 'input'].find((f) => body[f] === undefined)
          : body.contents === undefined
            ? 'contents'
            : undefined;
    if (missing) {
      return sendJson(
        ex,
        400,
        provider === 'openai'
          ? openaiError(400, null, `Missing required parameter: '${missing}'.`)
          : provider === 'anthropic'
            ? anthropicError(400, `${missing}: Field required`)
            : googleError(400, `* GenerateContentRequest.${missing}: contents is not specified`),
      );
    }

    const model = rec.model ?? 'unknown';
    const turns = conversation(r.endpoint, body);
    const ctx: ReplyContext = {
      provider,
      endpoint: r.endpoint,
      model,
      stream: rec.stream,
      lastUserMessage: turns.filter((t) => t.role === 'user').at(-1)?.text ?? '',
      body,
    };
    const c = complete(behavior, ctx, r.endpoint, body);
    const seq = String(rec.id).padStart(6, '0');
    switch (r.endpoint) {
      case 'openai.chat':
        return openaiChat(ex, body, model, c, seq);
      case 'openai.responses':
        return openaiResponses(ex, body, model, c, seq);
      case 'anthropic.messages':
        return anthropicMessages(ex, body, model, c, seq);
      default:
        return googleGenerate(ex, url, model, c, seq, rec.stream);
    }
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) {
      if (!SECRET_HEADERS.has(k) && v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
    }
    const query = Object.fromEntries([...url.searchParams].filter(([k]) => k !== 'key'));
    const rec: RecordedRequest = {
      id: nextId++,
      provider: null,
      endpoint: 'unknown',
      method: req.method ?? 'GET',
      path: url.pathname,
      query,
      headers,
      auth: { present: false, key: null, scheme: null, valid: false },
      body: null,
      rawBody: '',
      model: null,
      stream: false,
      status: null,
      fault: null,
      deltasSent: 0,
      completed: false,
      aborted: false,
      startedAt: Date.now(),
      endedAt: null,
    };
    fake.requests.push(rec);
    const controller = new AbortController();
    const ex: Exchange = {
      req,
      res,
      rec,
      behavior: DEFAULT_BEHAVIOR,
      signal: controller.signal,
      killed: false,
    };
    res.on('error', () => {});
    res.on('finish', () => {
      rec.completed = true;
    });
    res.on('close', () => {
      rec.endedAt = Date.now();
      if (!res.writableFinished && !ex.killed && !closing) rec.aborted = true;
      controller.abort();
    });
    handle(req, res, rec, ex).catch((err: unknown) => {
      if (gone(ex)) return;
      if (res.headersSent) return void res.destroy();
      sendJson(ex, 500, { error: { message: `fake llm provider: ${String(err)}`, type: 'server_error' } });
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const fake: FakeProvider = {
    url,
    openaiBaseURL: `${url}/v1`,
    anthropicBaseURL: `${url}/v1`,
    googleBaseURL: `${url}/v1beta`,
    requests: [],
    validKeys: initialKeys(),
    setBehavior(patch) {
      const { provider, times, ...behavior } = patch;
      if (times !== undefined) {
        if (times > 0) oneShots.push({ provider, remaining: times, behavior });
        return;
      }
      if (provider) perProvider[provider] = { ...perProvider[provider], ...behavior };
      else global = { ...global, ...behavior };
    },
    reset() {
      fake.requests.length = 0;
      global = { ...options.behavior };
      perProvider = {};
      oneShots = [];
      fake.validKeys = initialKeys();
    },
    async close() {
      closing = true;
      for (const socket of sockets) socket.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return fake;
}
