import type { Provider } from './provider-key-store.js';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface LlmRequest {
  provider: Provider;
  model: string;
  apiKey: string;
  /** Required for openai-compatible; overrides the server-wide base URL otherwise. */
  baseURL: string | null;
  messages: ChatMessage[];
  temperature?: number;
  maxTokens?: number;
  signal: AbortSignal;
}

/** What a provider streams back, normalised across providers. */
export type LlmEvent =
  /** The provider accepted the request and its answer is starting (response headers received). */
  | { type: 'open' }
  | { type: 'delta'; text: string }
  /** Token counts exactly as the provider reported them (either may be missing). */
  | { type: 'finish'; finishReason: string; inputTokens: number | null; outputTokens: number | null };

export type LlmErrorCode =
  | 'provider_unauthorized'
  | 'provider_rate_limited'
  | 'provider_unavailable'
  | 'provider_bad_response'
  | 'provider_timeout'
  | 'provider_refused';

/** A provider failure with a stable code; `retryable` failures may be retried before the first token. */
export class LlmError extends Error {
  constructor(
    readonly code: LlmErrorCode,
    message: string,
    readonly options: { status?: number; retryAfterSec?: number; retryable?: boolean } = {},
  ) {
    super(message);
    this.name = 'LlmError';
  }

  get retryable(): boolean {
    return this.options.retryable ?? false;
  }
}

/** Calls model providers. Implemented on the AI SDK; tests drive it against a fake provider server. */
export interface LlmClient {
  /** Streams one completion. Throws LlmError (from the iterator) on provider failures. */
  stream(request: LlmRequest): AsyncIterable<LlmEvent>;
  /** A cheap authenticated call (list models) to check a key. Throws LlmError. */
  verifyKey(request: Pick<LlmRequest, 'provider' | 'apiKey' | 'baseURL' | 'signal'>): Promise<void>;
}
