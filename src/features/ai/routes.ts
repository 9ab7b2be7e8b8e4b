import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { randomUUID } from 'node:crypto';
import { requireUser } from '../../http/auth.js';
import type { AppEnv } from '../../http/env.js';
import { AppError, type ErrorCode } from '../../lib/errors.js';
import type { ExecutionStore } from '../../ports/execution-store.js';
import type { ChatMessage } from '../../ports/llm.js';
import type { PromptService } from '../prompts/service.js';
import { Slug } from '../patterns/schema.js';
import { errorContent, jsonBody, jsonContent, signedIn } from '../shared-schema.js';
import {
  canonicalProvider,
  ChatRequest,
  ChatResponse,
  CompareRequest,
  Execution,
  ExecutionQuery,
  ExecutionSummary,
  RunPromptRequest,
} from './schema.js';
import type { AiService, RunEvent, RunRequest } from './service.js';
import { retrievalQuery, withRagContext, type RagSource } from '../kb/rag-context.js';
import type { KnowledgeBaseService } from '../kb/service.js';
import { clientAbortController } from '../../http/node-request.js';
import { sseResponse, type SseWriter } from '../../http/sse.js';

/** What the SSE routes send: the run's events, plus `sources` right after `start` with useRag. */
type StreamEvent = RunEvent | { type: 'sources'; sources: RagSource[] };

function withSources(
  events: AsyncGenerator<RunEvent>,
  sources: RagSource[] | null,
): AsyncGenerator<StreamEvent> {
  // Without retrieval the run's own events go out as they are: no extra layer on the streaming path.
  if (!sources) return events;
  return (async function* () {
    for await (const event of events) {
      yield event;
      if (event.type === 'start') yield { type: 'sources' as const, sources };
    }
  })();
}

const sse = (description: string) => ({
  description,
  content: { 'text/event-stream': { schema: z.string() } },
});
const runErrors = {
  400: errorContent('Invalid input, or no provider key (`no_provider_key`)'),
  401: errorContent('Not signed in'),
  424: errorContent(
    'The provider failed: `provider_unauthorized`, `provider_unavailable`, `provider_bad_response`, `provider_timeout`',
  ),
  429: errorContent('Rate limited, quota used up (`quota_exceeded`) or `provider_rate_limited`'),
};

/** Provider failures are not our bugs, so never 5xx: 424 (failed dependency), or 429 for rate limits. */
export function runErrorStatus(code: string): ContentfulStatusCode {
  if (code === 'provider_rate_limited') return 429;
  if (code === 'provider_refused') return 400;
  return 424;
}

const chat = createRoute({
  method: 'post',
  path: '/ai/chat',
  tags: ['AI'],
  summary: 'Run a chat on your own provider key and wait for the whole answer',
  security: signedIn,
  request: jsonBody(ChatRequest),
  responses: { 200: jsonContent(ChatResponse, 'The answer with usage, cost and latency'), ...runErrors },
});
const stream = createRoute({
  method: 'post',
  path: '/ai/stream',
  tags: ['AI'],
  summary: 'Run a chat and stream the answer as Server-Sent Events',
  description:
    'Events: `start` {executionId, provider, model} (once the provider has answered, or after 250 ms at the latest), ' +
    '`delta` {text}, `usage` {inputTokens, outputTokens, estimated}, ' +
    '`done` {executionId, costUsd, latencyMs, ttftMs}, `error` {code, message, partial}; with `useRag`, `sources` ' +
    '{sources} after `start` and before the first `delta`. A `: heartbeat` comment ' +
    'every 15 s while waiting for the first token. Closing the connection aborts the provider call.',
  security: signedIn,
  request: jsonBody(ChatRequest),
  responses: { 200: sse('The event stream'), ...runErrors },
});
const compare = createRoute({
  method: 'post',
  path: '/ai/compare',
  tags: ['AI'],
  summary: 'Run one chat on 2-4 provider/model pairs at once, streamed over one SSE stream',
  description:
    'Every event carries `column` (0-based index into `targets`). A failing column sends its own `error` event and ' +
    'the others continue; a final `end` event closes the stream.',
  security: signedIn,
  request: jsonBody(CompareRequest),
  responses: { 200: sse('The event stream'), ...runErrors },
});
const runPrompt = createRoute({
  method: 'post',
  path: '/prompts/{slug}/run',
  tags: ['AI'],
  summary: 'Render a library prompt with your variables and run it (JSON, or SSE with `stream: true`)',
  security: signedIn,
  request: { params: z.object({ slug: Slug }), ...jsonBody(RunPromptRequest) },
  responses: {
    200: {
      description: 'ChatResponse, or an event stream when `stream` is true',
      content: { 'application/json': { schema: ChatResponse }, 'text/event-stream': { schema: z.string() } },
    },
    ...runErrors,
    404: errorContent('No such prompt'),
  },
});
const listExecutions = createRoute({
  method: 'get',
  path: '/me/executions',
  tags: ['AI'],
  summary: 'Your runs, newest first',
  security: signedIn,
  request: { query: ExecutionQuery },
  responses: {
    200: jsonContent(
      z.object({ items: z.array(ExecutionSummary), nextCursor: z.string().nullable() }),
      'Runs',
    ),
    400: errorContent('Invalid input'),
    401: errorContent('Not signed in'),
  },
});
const getExecution = createRoute({
  method: 'get',
  path: '/me/executions/{id}',
  tags: ['AI'],
  summary: 'One run with its output',
  security: signedIn,
  request: { params: z.object({ id: z.uuid() }) },
  responses: {
    200: jsonContent(Execution, 'The run'),
    400: errorContent('Invalid id'),
    401: errorContent('Not signed in'),
    404: errorContent('Not found'),
  },
});

export interface AiRouteOptions {
  heartbeatMs: number;
}

function eventData(event: StreamEvent): Record<string, unknown> {
  const { type: _type, ...data } = event;
  return data;
}

async function collect(events: AsyncGenerator<StreamEvent>) {
  let content = '';
  let start: Extract<RunEvent, { type: 'start' }> | undefined;
  let usage: Extract<RunEvent, { type: 'usage' }> | undefined;
  for await (const event of events) {
    if (event.type === 'start') start = event;
    else if (event.type === 'delta') content += event.text;
    else if (event.type === 'usage') usage = event;
    else if (event.type === 'error') {
      throw new AppError(
        runErrorStatus(event.code),
        event.code as ErrorCode,
        event.message,
        { executionId: event.executionId },
        event.retryAfterSec !== undefined
          ? { 'Retry-After': String(Math.ceil(event.retryAfterSec)) }
          : undefined,
      );
    } else if (event.type === 'done') {
      return {
        content,
        provider: start!.provider,
        model: start!.model,
        usage: {
          inputTokens: usage?.inputTokens ?? 0,
          outputTokens: usage?.outputTokens ?? 0,
          estimated: usage?.estimated ?? true,
        },
        costUsd: event.costUsd,
        latencyMs: event.latencyMs,
        ttftMs: event.ttftMs,
        executionId: event.executionId,
      };
    }
  }
  throw new AppError(499 as ContentfulStatusCode, 'invalid_request', 'The request was aborted');
}

/** Resolves after the current event-loop turn and the next one's check phase (two setImmediates). */
const nextLoopTurn = () => new Promise<void>((resolve) => setImmediate(() => setImmediate(resolve)));

async function pipeSse(
  stream: SseWriter,
  events: AsyncGenerator<StreamEvent>,
  heartbeatMs: number,
  column?: number,
  /** The first `events.next()`, when the caller already started the run (see `respond`). */
  first?: Promise<IteratorResult<StreamEvent>>,
): Promise<void> {
  let waiting = true;
  const heartbeat = setInterval(() => {
    if (waiting) stream.comment('heartbeat');
  }, heartbeatMs);
  let done = false;
  try {
    for (let next = await (first ?? events.next()); !next.done; next = await events.next()) {
      const event = next.value;
      if (event.type === 'delta') waiting = false;
      stream.send({
        event: event.type,
        data: JSON.stringify(column === undefined ? eventData(event) : { column, ...eventData(event) }),
      });
    }
    done = true;
  } finally {
    clearInterval(heartbeat);
    if (!done) await events.return(undefined);
  }
}

function toRunRequest(input: {
  messages: ChatMessage[];
  provider?: string | undefined;
  model?: string | undefined;
  keyId?: string | undefined;
  options?: RunRequest['options'];
}): RunRequest {
  return {
    messages: input.messages,
    provider: canonicalProvider(input.provider as RunRequest['provider'] | 'gemini' | undefined),
    model: input.model,
    keyId: input.keyId,
    options: input.options,
  };
}

export function aiRoutes(
  app: OpenAPIHono<AppEnv>,
  ai: AiService,
  prompts: PromptService,
  executions: ExecutionStore,
  kb: KnowledgeBaseService,
  options: AiRouteOptions,
): void {
  /** With useRag: retrieves for the last user message and adds the numbered sources to the request. */
  const retrieve = async (
    userId: string,
    request: RunRequest,
    rag: { useRag?: boolean | undefined; collection?: string | undefined; ragTopK?: number | undefined },
  ): Promise<{ request: RunRequest; sources: RagSource[] | null }> => {
    if (!rag.useRag) return { request, sources: null };
    const { results } = await kb.search(userId, {
      query: retrievalQuery(request.messages),
      topK: rag.ragTopK ?? 5,
      mode: 'hybrid',
      collection: rag.collection,
    });
    const augmented = withRagContext(request.messages, results);
    return { request: { ...request, messages: augmented.messages }, sources: augmented.sources };
  };

  /**
   * Checks the key and quota first (plain JSON 4xx), then retrieves with useRag, so a request that
   * cannot run costs no search.
   */
  const begin = async (
    c: Context<AppEnv>,
    base: RunRequest,
    rag: Parameters<typeof retrieve>[2],
    promptSlug: string | null,
  ) => {
    const user = requireUser(c).user;
    const controller = clientAbortController(c);
    const context = { user, signal: controller.signal, promptSlug };
    const prepared = await ai.prepare(base, context);
    const { request, sources } = await retrieve(user.id, base, rag);
    return { controller, events: withSources(ai.run(request, context, prepared), sources), sources };
  };

  const respond = async (
    c: Context<AppEnv>,
    base: RunRequest,
    rag: Parameters<typeof retrieve>[2],
    promptSlug: string | null,
    stream: boolean,
  ) => {
    const { controller, events, sources } = await begin(c, base, rag, promptSlug);
    if (stream) {
      // The run (and with it the provider request) starts now; the SSE response is set up meanwhile.
      const first = events.next();
      first.catch(() => undefined); // awaited in pipeSse
      // Our response headers can wait; the provider request cannot. On a reused keep-alive connection
      // undici writes the request from a setImmediate (it first checks the idle socket), so whatever
      // else this turn of the event loop does goes out before it. A turn later, the request is on the
      // wire and the SSE response is set up while the provider works.
      await nextLoopTurn();
      return sseResponse(
        c,
        (sse) => pipeSse(sse, events, options.heartbeatMs, undefined, first),
        () => controller.abort(),
      );
    }
    const result = await collect(events);
    return c.json({ ...result, ...(sources ? { sources } : {}) }, 200);
  };

  app.openapi(chat, (async (c: Context<AppEnv>) => {
    const input = c.req.valid('json' as never) as ChatRequest;
    return respond(c, toRunRequest(input), input, null, false);
  }) as never);

  app.openapi(stream, (async (c: Context<AppEnv>) => {
    const input = c.req.valid('json' as never) as ChatRequest;
    return respond(c, toRunRequest(input), input, null, true);
  }) as never);

  app.openapi(runPrompt, (async (c: Context<AppEnv>) => {
    const user = requireUser(c).user;
    const { slug } = c.req.param() as { slug: string };
    const input = c.req.valid('json' as never) as z.infer<typeof RunPromptRequest>;
    const { text } = await prompts.render(slug, input.variables, user.id);
    const base = toRunRequest({ ...input, messages: [{ role: 'user', content: text }] });
    return respond(c, base, input, slug, input.stream);
  }) as never);

  app.openapi(compare, (async (c: Context<AppEnv>) => {
    const user = requireUser(c).user;
    const input = c.req.valid('json' as never) as z.infer<typeof CompareRequest>;
    await ai.assertQuota(user);
    const controller = clientAbortController(c);
    const compareId = randomUUID();
    return sseResponse(
      c,
      async (sse) => {
        sse.send({ event: 'compare', data: JSON.stringify({ compareId, columns: input.targets.length }) });
        await Promise.all(
          input.targets.map(async (target, column) => {
            const request = toRunRequest({ ...target, messages: input.messages, options: input.options });
            const context = { user, signal: controller.signal, compareId };
            try {
              const prepared = await ai.prepare(request, context);
              await pipeSse(sse, ai.run(request, context, prepared), options.heartbeatMs, column);
            } catch (error) {
              // A column that cannot start (no key for that provider, …) fails alone.
              const appError = error instanceof AppError ? error : null;
              sse.send({
                event: 'error',
                data: JSON.stringify({
                  column,
                  code: appError?.code ?? 'internal_error',
                  message: appError?.message ?? 'This column failed',
                  partial: false,
                }),
              });
              if (!appError) c.get('logger').error({ err: error }, 'compare column failed');
            }
          }),
        );
        sse.send({ event: 'end', data: JSON.stringify({ compareId }) });
      },
      () => controller.abort(),
    );
  }) as never);

  app.openapi(listExecutions, async (c) => {
    const user = requireUser(c).user;
    const query = c.req.valid('query');
    try {
      const page = await executions.list({ userId: user.id, ...query });
      return c.json({ items: page.items.map(({ userId: _u, ...e }) => e), nextCursor: page.nextCursor }, 200);
    } catch (error) {
      if (error instanceof RangeError) throw AppError.badRequest('invalid_cursor', 'cursor is not valid');
      throw error;
    }
  });

  app.openapi(getExecution, async (c) => {
    const user = requireUser(c).user;
    const execution = await executions.get(user.id, c.req.valid('param').id);
    if (!execution) throw AppError.notFound('Execution');
    const { userId: _u, ...shown } = execution;
    return c.json(shown, 200);
  });
}
