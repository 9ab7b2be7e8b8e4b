import { createAnthropic } from '@ai-sdk/anthropic';
import { createGoogleGenerativeAI } from '@ai-sdk/google';
import { createOpenAI } from '@ai-sdk/openai';
import type { LanguageModelV3, LanguageModelV3Prompt, LanguageModelV3StreamPart } from '@ai-sdk/provider';
import { APICallError, JSONParseError, RetryError, TypeValidationError } from 'ai';
import { LlmError, type LlmClient, type LlmEvent, type LlmRequest } from '../../ports/llm.js';
import { OutboundRefusedError, type OutboundHttp } from '../../ports/outbound.js';
import { requestFetch } from '../http/request-fetch.js';
import type { Provider } from '../../ports/provider-key-store.js';

export const PROVIDER_BASE_URLS: Record<Exclude<Provider, 'openai-compatible'>, string> = {
  openai: 'https://api.openai.com/v1',
  anthropic: 'https://api.anthropic.com/v1',
  google: 'https://generativelanguage.googleapis.com/v1beta',
};

export interface AiSdkOptions {
  /** Server-wide overrides (corporate proxies): OPENAI_BASE_URL, ANTHROPIC_BASE_URL, GOOGLE_BASE_URL. */
  baseURLs: Partial<Record<Exclude<Provider, 'openai-compatible'>, string>>;
  /** Guards user-supplied base URLs (SSRF). */
  outbound: OutboundHttp;
  /** Whole-request timeout. */
  timeoutMs: number;
}

function retryAfter(headers: Record<string, string> | undefined): number | undefined {
  const raw = headers?.['retry-after'];
  if (!raw) return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

/** Maps whatever the AI SDK or fetch threw to a stable LlmError. */
export function toLlmError(error: unknown): LlmError {
  if (error instanceof LlmError) return error;
  if (RetryError.isInstance(error)) return toLlmError(error.lastError);
  if (error instanceof OutboundRefusedError) {
    return new LlmError('provider_refused', `The provider URL is not allowed: ${error.message}`);
  }
  if (APICallError.isInstance(error)) {
    const status = error.statusCode;
    const base = { ...(status !== undefined ? { status } : {}) };
    // Gemini answers a wrong key with 400 INVALID_ARGUMENT / API_KEY_INVALID, not 401.
    if (
      status === 401 ||
      status === 403 ||
      (status === 400 && /API_KEY_INVALID/.test(error.responseBody ?? ''))
    ) {
      return new LlmError('provider_unauthorized', 'The provider rejected the API key', base);
    }
    if (status === 429) {
      const after = retryAfter(error.responseHeaders);
      return new LlmError('provider_rate_limited', 'The provider is rate limiting this key', {
        ...base,
        retryable: true,
        ...(after !== undefined ? { retryAfterSec: after } : {}),
      });
    }
    // A 2xx here means the response started and then broke (connection dropped mid-stream).
    if (status === undefined || status >= 500 || status === 408 || status < 300) {
      return new LlmError('provider_unavailable', 'The provider is unavailable', {
        ...base,
        retryable: true,
      });
    }
    if (status === 404)
      return new LlmError('provider_bad_response', 'The provider does not know this model', base);
    return new LlmError('provider_bad_response', `The provider refused the request (HTTP ${status})`, base);
  }
  if (JSONParseError.isInstance(error) || TypeValidationError.isInstance(error)) {
    return new LlmError('provider_bad_response', 'The provider sent a response we could not read');
  }
  const name = (error as { name?: string } | null)?.name;
  if (name === 'TimeoutError')
    return new LlmError('provider_timeout', 'The provider did not answer in time', { retryable: true });
  // fetch failures (connection refused or reset, DNS) and streams cut off mid-way.
  const cause = (error as { cause?: unknown } | null)?.cause;
  if (cause instanceof OutboundRefusedError) return toLlmError(cause);
  return new LlmError('provider_unavailable', 'Could not reach the provider', { retryable: true });
}

/** LlmClient on the AI SDK: OpenAI (chat completions), Anthropic, Gemini and OpenAI-compatible endpoints. */
export class AiSdkLlmClient implements LlmClient {
  constructor(private readonly options: AiSdkOptions) {}

  private baseURL(provider: Provider, requested: string | null): string {
    if (provider === 'openai-compatible') {
      if (!requested) throw new LlmError('provider_refused', 'An OpenAI-compatible key needs a base URL');
      return requested.replace(/\/$/, '');
    }
    return (requested ?? this.options.baseURLs[provider] ?? PROVIDER_BASE_URLS[provider]).replace(/\/$/, '');
  }

  /** Provider calls to server-configured URLs; undici `request` underneath (see request-fetch.ts). */
  private readonly directFetch = requestFetch();

  /** User-chosen URLs go through the SSRF-guarded fetch; server-configured ones do not need to. */
  private fetchFor(provider: Provider, requested: string | null): typeof fetch {
    return provider === 'openai-compatible' || requested ? this.options.outbound.fetch : this.directFetch;
  }

  private model(request: LlmRequest, onResponse?: () => void): LanguageModelV3 {
    const baseURL = this.baseURL(request.provider, request.baseURL);
    const base = this.fetchFor(request.provider, request.baseURL);
    const fetch: typeof globalThis.fetch = onResponse
      ? async (input, init) => {
          const res = await base(input, init);
          onResponse();
          return res;
        }
      : base;
    const common = { apiKey: request.apiKey, baseURL, fetch };
    switch (request.provider) {
      case 'openai':
        return createOpenAI(common).chat(request.model);
      case 'openai-compatible':
        return createOpenAI({ ...common, name: 'openai-compatible' }).chat(request.model);
      case 'anthropic':
        return createAnthropic(common).languageModel(request.model);
      case 'google':
        return createGoogleGenerativeAI(common).languageModel(request.model);
    }
  }

  /**
   * Streams through the provider model's own `doStream` (the AI SDK provider packages do the wire
   * format, auth headers and error parsing). `streamText` is not used on this hot path: its step,
   * telemetry and stitching layers cost ~2 ms before the request leaves and CPU on every delta, and we
   * need none of them (no tools, no multi-step; retries are ours). See BENCHMARKS.md, "AI streaming
   * overhead".
   */
  async *stream(request: LlmRequest): AsyncIterable<LlmEvent> {
    // The caller's signal or our whole-request timeout, whichever comes first (linked by hand, cheaper
    // than AbortSignal.any + AbortSignal.timeout on Node 20; the timer is cleared when the stream ends).
    const controller = new AbortController();
    const onAbort = () => controller.abort(request.signal.reason);
    if (request.signal.aborted) onAbort();
    else request.signal.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(
      () => controller.abort(new DOMException('The provider did not answer in time', 'TimeoutError')),
      this.options.timeoutMs,
    );
    timer.unref(); // like AbortSignal.timeout: never what keeps the process alive
    const signal = controller.signal;
    // System instructions go in one leading system message (every provider API has a slot for it).
    const system = request.messages
      .filter((m) => m.role === 'system')
      .map((m) => m.content)
      .join('\n\n');
    const prompt: LanguageModelV3Prompt = [
      ...(system ? [{ role: 'system' as const, content: system }] : []),
      ...request.messages
        .filter((m) => m.role !== 'system')
        .map((m) => ({
          role: m.role as 'user' | 'assistant',
          content: [{ type: 'text' as const, text: m.content }],
        })),
    ];
    let reader: ReadableStreamDefaultReader<LanguageModelV3StreamPart> | undefined;
    let streaming: Promise<Awaited<ReturnType<LanguageModelV3['doStream']>>> | undefined;
    try {
      // `open` as soon as the response headers arrive: the OpenAI provider's doStream itself resolves
      // only at the first output chunk (it reads ahead for in-band errors).
      let responded!: () => void;
      const response = new Promise<'open'>((resolve) => (responded = () => resolve('open')));
      const model = this.model(request, responded);
      streaming = Promise.resolve(
        model.doStream({
          prompt,
          ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
          // Anthropic requires an explicit output budget; 4096 is the API's ceiling for our requests anyway.
          ...(request.maxTokens !== undefined || request.provider === 'anthropic'
            ? { maxOutputTokens: request.maxTokens ?? 4096 }
            : {}),
          abortSignal: signal,
        }),
      );
      streaming.catch(() => undefined); // awaited below; a consumer that leaves after `open` never does
      if ((await Promise.race([response, streaming])) === 'open') yield { type: 'open' };
      const { stream } = await streaming;
      reader = stream.getReader();
      for (;;) {
        const { done, value: part } = await reader.read();
        if (done) break;
        if (part.type === 'text-delta') {
          if (part.delta) yield { type: 'delta', text: part.delta };
        } else if (part.type === 'error') {
          throw part.error;
        } else if (part.type === 'finish') {
          if (part.finishReason.unified === 'error') {
            throw new LlmError('provider_bad_response', 'The provider ended the answer with an error');
          }
          yield {
            type: 'finish',
            finishReason: part.finishReason.unified,
            inputTokens: part.usage.inputTokens.total ?? null,
            outputTokens: part.usage.outputTokens.total ?? null,
          };
          return;
        }
      }
      // The body ended without a finish part: the connection was cut.
      throw new LlmError('provider_unavailable', 'The provider stream ended unexpectedly', {
        retryable: true,
      });
    } catch (err) {
      if (request.signal.aborted) throw request.signal.reason ?? err;
      throw toLlmError(err instanceof Error && signal.aborted && signal.reason ? signal.reason : err);
    } finally {
      clearTimeout(timer);
      request.signal.removeEventListener('abort', onAbort);
      // Stops reading the provider's body when the consumer goes away early (also right after `open`,
      // before this generator took a reader).
      if (reader) reader.cancel().catch(() => undefined);
      else
        streaming
          ?.then(
            (result) => result.stream.cancel(),
            () => undefined,
          )
          .catch(() => undefined);
    }
  }

  async verifyKey(request: Pick<LlmRequest, 'provider' | 'apiKey' | 'baseURL' | 'signal'>): Promise<void> {
    const baseURL = this.baseURL(request.provider, request.baseURL);
    const fetchImpl = this.fetchFor(request.provider, request.baseURL);
    const headers: Record<string, string> =
      request.provider === 'anthropic'
        ? { 'x-api-key': request.apiKey, 'anthropic-version': '2023-06-01' }
        : request.provider === 'google'
          ? { 'x-goog-api-key': request.apiKey }
          : { authorization: `Bearer ${request.apiKey}` };
    let res: Response;
    try {
      res = await fetchImpl(`${baseURL}/models`, {
        headers,
        signal: AbortSignal.any([request.signal, AbortSignal.timeout(10_000)]),
      });
    } catch (err) {
      throw toLlmError(err);
    }
    await res.body?.cancel();
    if (!res.ok) {
      throw toLlmError(
        new APICallError({
          message: `HTTP ${res.status}`,
          url: `${baseURL}/models`,
          requestBodyValues: undefined,
          statusCode: res.status,
          responseHeaders: Object.fromEntries(res.headers),
        }),
      );
    }
  }
}
