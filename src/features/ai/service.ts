import { randomUUID } from 'node:crypto';
import { AppError } from '../../lib/errors.js';
import type { User } from '../../ports/account-store.js';
import type { ExecutionStore } from '../../ports/execution-store.js';
import { LlmError, type LlmEvent, type ChatMessage, type LlmClient } from '../../ports/llm.js';
import type { Metrics } from '../../ports/metrics.js';
import type { Provider } from '../../ports/provider-key-store.js';
import type { TokenQuota } from '../../ports/quota.js';
import type { ProviderKeyService } from '../provider-keys/service.js';
import { costUsd, DEFAULT_MODELS, PRICE_TABLE_VERSION } from './pricing.js';
import { countMessageTokens, countTokens } from './token-estimate.js';

export interface RunRequest {
  messages: ChatMessage[];
  provider?: Provider | undefined;
  model?: string | undefined;
  keyId?: string | undefined;
  options?: { temperature?: number | undefined; maxTokens?: number | undefined } | undefined;
}

export interface RunContext {
  user: User;
  signal: AbortSignal;
  promptSlug?: string | null;
  compareId?: string | null;
}

export type RunEvent =
  | { type: 'start'; executionId: string; provider: Provider; model: string }
  | { type: 'delta'; text: string }
  | { type: 'usage'; inputTokens: number; outputTokens: number; estimated: boolean }
  | {
      type: 'done';
      executionId: string;
      costUsd: number | null;
      latencyMs: number;
      ttftMs: number | null;
      finishReason: string;
    }
  | {
      type: 'error';
      executionId: string;
      code: string;
      message: string;
      partial: boolean;
      /** The provider's own retry hint, when it sent one (rate limits). */
      retryAfterSec?: number;
    };

export interface RetryPolicy {
  /** Retries after the first attempt, only while no token has arrived. */
  maxRetries: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/** How long a run waits for the provider's answer before it writes its row and sends `start` anyway. */
const ANNOUNCE_WITHIN_MS = 250;

/** Whether `promise` settles (either way) within `ms`. */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const settled = await Promise.race([
    promise.then(
      () => true,
      () => true,
    ),
    new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms))),
  ]);
  clearTimeout(timer);
  return settled;
}

export const DEFAULT_RETRY: RetryPolicy = { maxRetries: 2, baseDelayMs: 300, maxDelayMs: 4000 };

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });

/**
 * Runs a chat on the user's own key and records it. Yields normalised events that the routes turn
 * into JSON, SSE or OpenAI-format chunks. Provider failures before the first token are retried with
 * exponential backoff and full jitter; after it, the run ends with an `error` event and the partial
 * output is kept. Aborting `signal` (client gone) aborts the upstream call.
 */
export class AiService {
  constructor(
    private readonly deps: {
      keys: ProviderKeyService;
      llm: LlmClient;
      executions: ExecutionStore;
      quota: TokenQuota;
      metrics: Metrics;
      retry?: RetryPolicy;
      now?: () => number;
      random?: () => number;
    },
  ) {}

  /** Refuses a run when today's token budget is spent (429 quota_exceeded). */
  async assertQuota(user: User): Promise<void> {
    const state = await this.deps.quota.state(user.id, user.tier);
    if (state.limit !== null && state.used >= state.limit) {
      const retryAfter = Math.max(1, Math.ceil((Date.parse(state.resetAt) - Date.now()) / 1000));
      throw new AppError(
        429,
        'quota_exceeded',
        `Daily token quota of ${state.limit} used up; it resets at ${state.resetAt}`,
        { used: state.used, limit: state.limit, resetAt: state.resetAt },
        { 'Retry-After': String(retryAfter) },
      );
    }
  }

  /** Resolves key and model up front, so request errors (no key, bad keyId) surface before streaming starts. */
  async prepare(request: RunRequest, context: RunContext) {
    await this.assertQuota(context.user);
    const resolved = await this.deps.keys.resolve(context.user.id, {
      provider: request.provider,
      keyId: request.keyId,
    });
    const provider = resolved.key.provider;
    // Known before the provider answers, so a caller can name the execution (headers, ids) up front.
    const executionId = randomUUID();
    return { resolved, provider, model: request.model ?? DEFAULT_MODELS[provider], executionId };
  }

  async *run(
    request: RunRequest,
    context: RunContext,
    prepared?: Awaited<ReturnType<AiService['prepare']>>,
  ): AsyncGenerator<RunEvent> {
    const { resolved, provider, model, executionId } = prepared ?? (await this.prepare(request, context));
    const now = this.deps.now ?? (() => performance.now());
    const retry = this.deps.retry ?? DEFAULT_RETRY;
    const random = this.deps.random ?? Math.random;
    const dims = { provider, model };
    const options = {
      ...(request.options?.temperature !== undefined ? { temperature: request.options.temperature } : {}),
      ...(request.options?.maxTokens !== undefined ? { maxTokens: request.options.maxTokens } : {}),
    };
    this.deps.metrics.record('PromptExecutions', 1, 'Count', dims);
    // Aborted by the client going away or by a failed execution insert. (Linked by hand: AbortSignal.any
    // costs more per call on Node 20 and keeps its signals registered until they are collected.)
    const upstream = new AbortController();
    const onClientAbort = () => upstream.abort(context.signal.reason);
    if (context.signal.aborted) onClientAbort();
    else context.signal.addEventListener('abort', onClientAbort, { once: true });
    const signal = upstream.signal;
    // The provider request goes out first. The execution row is written, and `start` handed out, once
    // the provider has answered (response headers, first token or failure): this thread does nothing
    // else while the request travels, and the insert overlaps the provider's own time to first token.
    const call = () => {
      const events = this.deps.llm.stream({
        provider,
        model,
        apiKey: resolved.apiKey,
        baseURL: resolved.key.baseURL,
        messages: request.messages,
        ...options,
        signal,
      });
      const iterator = events[Symbol.asyncIterator]();
      const first = iterator.next();
      first.catch(() => undefined); // awaited below; this only keeps an early failure from being "unhandled"
      return { iterator, first };
    };
    const started = now();
    let current = call();
    let announced = false;
    const createdAt = new Date().toISOString();
    /** Writes the running execution and yields `start`, once; a failed write stops the provider call. */
    const announce = async function* (this: AiService): AsyncGenerator<RunEvent> {
      if (announced) return;
      announced = true;
      try {
        await this.deps.executions.create({
          id: executionId,
          userId: context.user.id,
          promptSlug: context.promptSlug ?? null,
          provider,
          model,
          keyId: resolved.key.id,
          options,
          compareId: context.compareId ?? null,
          inputTokens: null,
          outputTokens: null,
          tokensEstimated: false,
          costUsd: null,
          priceVersion: null,
          latencyMs: null,
          ttftMs: null,
          status: 'running',
          errorCode: null,
          output: '',
          createdAt,
          finishedAt: null,
        });
      } catch (err) {
        upstream.abort();
        throw err;
      }
      yield { type: 'start', executionId, provider, model };
    }.bind(this);

    let output = '';
    let ttftMs: number | null = null;
    let finish: { finishReason: string; inputTokens: number | null; outputTokens: number | null } | null =
      null;
    let failure: LlmError | null = null;

    for (let attempt = 0; ; attempt++) {
      let error: unknown = null;
      let next: IteratorResult<LlmEvent> | null = null;
      // A provider that holds its response headers back (a local server loading a model) does not
      // hold back `start` and the execution row for long.
      if (!announced && (await settlesWithin(current.first, ANNOUNCE_WITHIN_MS)) === false) {
        yield* announce();
      }
      try {
        next = await current.first;
      } catch (err) {
        error = err;
      }
      yield* announce();
      if (next) {
        try {
          for (; !next.done; next = await current.iterator.next()) {
            const event = next.value;
            if (event.type === 'delta') {
              if (ttftMs === null) ttftMs = now() - started;
              output += event.text;
              yield { type: 'delta', text: event.text };
            } else if (event.type === 'finish') {
              finish = event;
            }
          }
          break;
        } catch (err) {
          error = err;
        }
      }
      if (context.signal.aborted) break;
      const llmError =
        error instanceof LlmError ? error : new LlmError('provider_unavailable', 'Provider call failed');
      if (ttftMs === null && llmError.retryable && attempt < retry.maxRetries) {
        const backoff = Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** attempt);
        const hinted =
          llmError.options.retryAfterSec !== undefined ? llmError.options.retryAfterSec * 1000 : 0;
        await sleep(Math.min(retry.maxDelayMs, Math.max(hinted, random() * backoff)), context.signal);
        if (context.signal.aborted) break;
        current = call();
        continue;
      }
      failure = llmError;
      break;
    }

    const latencyMs = Math.round(now() - started);
    const reported = finish && finish.inputTokens !== null && finish.outputTokens !== null;
    const inputTokens = reported ? finish!.inputTokens! : await countMessageTokens(request.messages);
    const outputTokens = reported ? finish!.outputTokens! : await countTokens(output);
    const cost = costUsd(provider, model, inputTokens, outputTokens);
    const status = context.signal.aborted ? 'aborted' : failure ? 'failed' : 'succeeded';
    await this.deps.executions.finish(executionId, {
      inputTokens,
      outputTokens,
      tokensEstimated: !reported,
      costUsd: cost,
      priceVersion: cost === null ? null : PRICE_TABLE_VERSION,
      latencyMs,
      ttftMs: ttftMs === null ? null : Math.round(ttftMs),
      status,
      errorCode: failure?.code ?? (status === 'aborted' ? 'client_aborted' : null),
      output,
      finishedAt: new Date().toISOString(),
    });
    this.deps.metrics.record('AIResponseTime', latencyMs, 'Milliseconds', dims);
    if (ttftMs !== null) this.deps.metrics.record('TimeToFirstToken', ttftMs, 'Milliseconds', dims);
    this.deps.metrics.record('TokensUsed', inputTokens + outputTokens, 'Count', dims);
    if (status === 'aborted') return;
    if (failure) {
      this.deps.metrics.record('ProviderErrors', 1, 'Count', { ...dims, code: failure.code });
      yield {
        type: 'error',
        executionId,
        code: failure.code,
        message: failure.message,
        partial: output.length > 0,
        ...(failure.options.retryAfterSec !== undefined
          ? { retryAfterSec: failure.options.retryAfterSec }
          : {}),
      };
      return;
    }
    yield { type: 'usage', inputTokens, outputTokens, estimated: !reported };
    yield {
      type: 'done',
      executionId,
      costUsd: cost,
      latencyMs,
      ttftMs: ttftMs === null ? null : Math.round(ttftMs),
      finishReason: finish?.finishReason ?? 'stop',
    };
  }
}
