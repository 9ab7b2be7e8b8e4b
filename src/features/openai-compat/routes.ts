import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AppEnv } from '../../http/env.js';
import { AppError } from '../../lib/errors.js';
import { DEFAULT_MODELS, knownModels } from '../ai/pricing.js';
import type { AiService, RunContext, RunEvent, RunRequest } from '../ai/service.js';
import type { ProviderKeyService } from '../provider-keys/service.js';
import { jsonBody, jsonContent } from '../shared-schema.js';
import { ChatCompletion, ChatCompletionRequest, ModelList, OpenAiErrorBody } from './schema.js';
import {
  chunk,
  completion,
  finishReason,
  fromEngifyError,
  noAutomaticRetry,
  OpenAiError,
  runFailure,
  toRunRequest,
  usageChunk,
  type CompletionMeta,
  type TokenUsage,
} from './translate.js';
import { clientAbortController } from '../../http/node-request.js';
import { sseResponse } from '../../http/sse.js';

// An OpenAI-compatible surface under /api/v1, so the official `openai` SDKs (baseURL `<engify>/api/v1`)
// and tools that speak Chat Completions run on the caller's own provider keys through AiService:
// same key resolution, quota, retries, execution records and metering as /api/ai/*. It answers in
// OpenAI's error shape and takes Engify API keys only (it is for programs, not the browser).

const TAG = 'OpenAI-compatible';
/** API keys only: this surface refuses session cookies. */
const security: Record<string, string[]>[] = [{ apiKey: [] }];
const err = (description: string) => jsonContent(OpenAiErrorBody, description);

const chatCompletions = createRoute({
  method: 'post',
  path: '/v1/chat/completions',
  tags: [TAG],
  summary: 'OpenAI Chat Completions on your own provider keys (JSON, or SSE with `stream: true`)',
  description:
    'Point an OpenAI SDK at `<engify>/api/v1` with an Engify API key (`egk_…`) as its API key. ' +
    '`model` is `<provider>/<model>` or `<providerKeyId>/<model>`. Text only: tools, images, audio, ' +
    '`stop`, `logprobs` and `n > 1` are refused with 400. Streams are `chat.completion.chunk` events ending ' +
    'in `data: [DONE]`; a provider failure after the first token ends the stream with a `data: {"error":…}` ' +
    'event instead. Errors are OpenAI-shaped (`{"error":{"message","type","param","code"}}`, `code` being ' +
    "Engify's error code); provider failures are 424 (`api_error`) or 429, never 5xx. The " +
    '`X-Engify-Execution-Id` header names the run in `/api/me/executions`.',
  security,
  request: jsonBody(ChatCompletionRequest),
  responses: {
    200: {
      description: 'A `chat.completion`, or an event stream of `chat.completion.chunk`',
      content: {
        'application/json': { schema: ChatCompletion },
        'text/event-stream': { schema: z.string() },
      },
    },
    400: err('Invalid or unsupported input (`unsupported_parameter`, `invalid_model`), or `no_provider_key`'),
    401: err('No Engify API key, or an invalid one (session cookies are not accepted here)'),
    404: err('`model_not_found`: no such provider key'),
    424: err(
      'The provider failed: `provider_unauthorized`, `provider_unavailable`, `provider_bad_response`, `provider_timeout`, `provider_refused`',
    ),
    429: err('`rate_limited`, `quota_exceeded` or `provider_rate_limited`, with Retry-After'),
  },
});

const listModels = createRoute({
  method: 'get',
  path: '/v1/models',
  tags: [TAG],
  summary: 'Models you can call: for each provider you hold a key for, its known models',
  description: 'Providers as `openai/<model>` etc.; OpenAI-compatible keys as `<providerKeyId>/default`.',
  security,
  responses: {
    200: jsonContent(ModelList, 'Models'),
    401: err('No Engify API key'),
  },
});

function sendError(c: Context<AppEnv>, error: OpenAiError): Response {
  return c.json(error.body(), error.status as ContentfulStatusCode, error.headers);
}

/**
 * Rewrites Engify's JSON errors (`{error:{code,message,requestId}}`) on /api/v1 into OpenAI's shape:
 * validation, 401, 413, 415, rate limits, quota. Register it before every other /api middleware, so it
 * sees what they answer. Headers (X-Request-Id, Retry-After, RateLimit-*) are kept.
 */
export const openAiErrorFormat: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next();
  const res = c.res;
  if (res.status < 400 || !/^application\/json/i.test(res.headers.get('content-type') ?? '')) return;
  let parsed: unknown;
  try {
    parsed = await res.clone().json();
  } catch {
    return;
  }
  const body = fromEngifyError(res.status, parsed);
  if (!body) return;
  const headers = new Headers(res.headers);
  headers.delete('content-length');
  if (noAutomaticRetry(body.error.code, headers.get('retry-after'))) headers.set('x-should-retry', 'false');
  c.res = undefined; // replace outright rather than merge into the old headers
  c.res = new Response(JSON.stringify(body), { status: res.status, headers });
};

/** This surface is for programs: an Engify API key, never a session cookie. */
const requireApiKey: MiddlewareHandler<AppEnv> = async (c, next) => {
  const principal = c.get('principal');
  if (principal?.via === 'api_key') return next();
  return sendError(
    c,
    new OpenAiError(
      401,
      'invalid_request_error',
      principal
        ? 'Session cookies are not accepted on /api/v1; send an Engify API key as `Authorization: Bearer egk_…` (create one in Settings → API keys)'
        : 'You did not provide an API key; send an Engify API key as `Authorization: Bearer egk_…` (create one in Settings → API keys)',
      null,
      'api_key_required',
      { 'WWW-Authenticate': 'Bearer realm="engify"' },
    ),
  );
};

/** AiService.prepare, with the errors that are about `model` named as such. */
async function prepare(ai: AiService, run: RunRequest, context: RunContext, model: string) {
  try {
    return await ai.prepare(run, context);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    if (error.code === 'not_found') {
      throw new OpenAiError(
        404,
        'invalid_request_error',
        `The model \`${model}\` does not exist or you do not have access to it: no such provider key`,
        'model',
        'model_not_found',
      );
    }
    if (error.code === 'no_provider_key') {
      throw new OpenAiError(400, 'invalid_request_error', error.message, 'model', error.code);
    }
    throw error; // quota_exceeded and the like: openAiErrorFormat reshapes them
  }
}

type Events = AsyncGenerator<RunEvent>;
const ABORTED = () => new Response(null, { status: 499 }); // nobody is listening any more

async function respondJson(c: Context<AppEnv>, meta: CompletionMeta, events: Events): Promise<Response> {
  let content = '';
  let usage: TokenUsage = { inputTokens: 0, outputTokens: 0 };
  for await (const event of events) {
    if (event.type === 'delta') content += event.text;
    else if (event.type === 'usage') usage = event;
    else if (event.type === 'error')
      return sendError(c, runFailure(event.code, event.message, event.retryAfterSec));
    else if (event.type === 'done') {
      return c.json(completion(meta, content, finishReason(event.finishReason), usage), 200);
    }
  }
  return ABORTED();
}

/**
 * Holds the response back until the first token (or up to one heartbeat interval), so a failure before
 * any output — a rejected provider key, exhausted retries — is a plain HTTP error the SDK raises with
 * its status. After that the stream is committed: `: keep-alive` comments while waiting, chunks, and a
 * failure becomes a final `data: {"error":…}` event.
 */
async function respondStream(
  c: Context<AppEnv>,
  meta: CompletionMeta,
  events: Events,
  controller: AbortController,
  includeUsage: boolean,
  heartbeatMs: number,
): Promise<Response> {
  // `start` comes once the provider answers; what decides between an HTTP error and a stream is the
  // event after it.
  const pending = (async () => {
    for (;;) {
      const result = await events.next();
      if (result.done || result.value.type !== 'start') return result;
    }
  })();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const early = await Promise.race([
    pending,
    new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), heartbeatMs))),
  ]);
  clearTimeout(timer);
  if (early?.done) return ABORTED();
  if (early?.value.type === 'error') {
    await events.return(undefined);
    return sendError(c, runFailure(early.value.code, early.value.message, early.value.retryAfterSec));
  }

  return sseResponse(
    c,
    async (sse) => {
      const send = (data: unknown) => sse.send({ data: JSON.stringify(data) });
      let waiting = true;
      const heartbeat = setInterval(() => {
        if (waiting) sse.comment('keep-alive');
      }, heartbeatMs);
      try {
        send(chunk(meta, { role: 'assistant', content: '' }, null, includeUsage));
        let usage: TokenUsage = { inputTokens: 0, outputTokens: 0 };
        for (let result = early ?? (await pending); !result.done; result = await events.next()) {
          const event = result.value;
          if (event.type === 'delta') {
            waiting = false;
            send(chunk(meta, { content: event.text }, null, includeUsage));
          } else if (event.type === 'usage') {
            usage = event;
          } else if (event.type === 'error') {
            send(runFailure(event.code, event.message).body());
          } else if (event.type === 'done') {
            send(chunk(meta, {}, finishReason(event.finishReason), includeUsage));
            if (includeUsage) send(usageChunk(meta, usage));
            sse.send({ data: '[DONE]' });
          }
        }
      } catch (error) {
        c.get('logger').error({ err: error }, 'openai-compatible stream failed');
        send(new OpenAiError(500, 'server_error', 'Something went wrong on our side').body());
      } finally {
        clearInterval(heartbeat);
      }
    },
    () => controller.abort(),
  );
}

export interface OpenAiCompatOptions {
  heartbeatMs: number;
}

export function openAiCompatRoutes(
  app: OpenAPIHono<AppEnv>,
  ai: AiService,
  providerKeys: ProviderKeyService,
  options: OpenAiCompatOptions,
): void {
  app.use('/v1/*', requireApiKey);

  app.openapi(listModels, async (c) => {
    const user = c.get('principal')!.user;
    const data: z.infer<typeof ModelList>['data'] = [];
    const seen = new Set<string>();
    for (const key of await providerKeys.list(user.id)) {
      const created = Math.floor(Date.parse(key.createdAt) / 1000);
      const ids =
        key.provider === 'openai-compatible'
          ? [`${key.id}/default`]
          : [DEFAULT_MODELS[key.provider], ...knownModels(key.provider)].map((m) => `${key.provider}/${m}`);
      for (const id of ids) {
        if (seen.has(id)) continue;
        seen.add(id);
        data.push({ id, object: 'model', created, owned_by: key.provider });
      }
    }
    return c.json({ object: 'list' as const, data }, 200);
  });

  app.openapi(chatCompletions, (async (c: Context<AppEnv>) => {
    const user = c.get('principal')!.user;
    const input = c.req.valid('json' as never) as ChatCompletionRequest;
    try {
      const { run, stream, includeUsage } = toRunRequest(input);
      const controller = clientAbortController(c);
      const context: RunContext = { user, signal: controller.signal };
      const prepared = await prepare(ai, run, context, input.model);
      const events = ai.run(run, context, prepared);
      const { executionId } = prepared;
      c.header('X-Engify-Execution-Id', executionId);
      const meta = {
        id: `chatcmpl-${executionId}`,
        created: Math.floor(Date.now() / 1000),
        model: input.model,
      };
      if (!stream) return await respondJson(c, meta, events);
      return await respondStream(c, meta, events, controller, includeUsage, options.heartbeatMs);
    } catch (error) {
      if (error instanceof OpenAiError) return sendError(c, error);
      throw error;
    }
  }) as never);
}
