import type { ChatMessage } from '../../ports/llm.js';
import type { Provider } from '../../ports/provider-key-store.js';
import type { RunRequest } from '../ai/service.js';
import type { ChatCompletion, ChatCompletionRequest, OpenAiErrorBody } from './schema.js';

// Pure translation between OpenAI's Chat Completions wire format and Engify's AiService: requests in,
// completions, chunks and errors out. No I/O; routes.ts does the HTTP.

export type OpenAiErrorType = 'invalid_request_error' | 'rate_limit_error' | 'api_error' | 'server_error';

/** An error already in OpenAI's shape, with its HTTP status and extra headers. */
export class OpenAiError extends Error {
  constructor(
    readonly status: number,
    readonly type: OpenAiErrorType,
    message: string,
    readonly param: string | null = null,
    readonly code: string | null = null,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'OpenAiError';
  }

  body(): OpenAiErrorBody {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

const invalid = (message: string, param: string | null, code: string | null) =>
  new OpenAiError(400, 'invalid_request_error', message, param, code);

/** The OpenAI error type for an HTTP status. */
export function errorType(status: number): OpenAiErrorType {
  if (status === 429) return 'rate_limit_error';
  if (status >= 500) return 'server_error';
  if (status === 424) return 'api_error';
  return 'invalid_request_error';
}

// ---------------------------------------------------------------------------------------------------------
// Requests

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PREFIXES: Record<string, Provider> = {
  openai: 'openai',
  anthropic: 'anthropic',
  google: 'google',
  gemini: 'google',
  'openai-compatible': 'openai-compatible',
};

export type ModelTarget = Pick<RunRequest, 'provider' | 'keyId' | 'model'>;

/**
 * `openai/gpt-4o-mini` → provider + model; `<keyId>/<model>` → that stored key. Everything after the
 * first `/` is the provider's model id (it may hold more slashes: `openai-compatible/meta-llama/…`);
 * `default` means the provider's default model.
 */
export function parseModel(model: string): ModelTarget {
  const slash = model.indexOf('/');
  const prefix = slash > 0 ? model.slice(0, slash) : '';
  const name = slash > 0 ? model.slice(slash + 1) : '';
  const provider = Object.hasOwn(PREFIXES, prefix) ? PREFIXES[prefix] : undefined;
  if (!name || (!provider && !UUID.test(prefix))) {
    throw invalid(
      `The model \`${model}\` is not of the form \`<provider>/<model>\`: use openai/<model>, anthropic/<model>, ` +
        'google/<model>, openai-compatible/<model> or <providerKeyId>/<model> (see GET /api/v1/models)',
      'model',
      'invalid_model',
    );
  }
  const chosen = name === 'default' ? undefined : name;
  return provider ? { provider, model: chosen } : { keyId: prefix.toLowerCase(), model: chosen };
}

const isNeutral = (value: unknown, ...neutral: unknown[]) =>
  value === undefined ||
  value === null ||
  value === false ||
  value === '' ||
  (Array.isArray(value) && value.length === 0) ||
  neutral.some((n) => JSON.stringify(n) === JSON.stringify(value));

const UNSUPPORTED: [field: keyof ChatCompletionRequest, what: string, neutral: unknown[]][] = [
  ['tools', 'Tools and function calling are not supported by this endpoint', []],
  ['tool_choice', 'Tools and function calling are not supported by this endpoint', ['none', 'auto']],
  ['functions', 'Tools and function calling are not supported by this endpoint', []],
  ['function_call', 'Tools and function calling are not supported by this endpoint', ['none', 'auto']],
  ['stop', 'Stop sequences are not supported by this endpoint', []],
  ['logprobs', 'Log probabilities are not supported by this endpoint', []],
  ['top_logprobs', 'Log probabilities are not supported by this endpoint', [0]],
  ['response_format', 'Only `{"type":"text"}` responses are supported by this endpoint', [{ type: 'text' }]],
  ['modalities', 'Only text output is supported by this endpoint', [['text']]],
  ['audio', 'Audio output is not supported by this endpoint', []],
  ['web_search_options', 'Web search is not supported by this endpoint', []],
];

function toMessage(message: ChatCompletionRequest['messages'][number], i: number): ChatMessage {
  const at = `messages[${i}]`;
  if (message.role === 'tool' || message.role === 'function') {
    throw invalid(
      `Messages with role \`${message.role}\` are not supported: tools and function calling are not available on this endpoint`,
      `${at}.role`,
      'unsupported_value',
    );
  }
  for (const field of ['tool_calls', 'tool_call_id', 'function_call'] as const) {
    if (!isNeutral(message[field])) {
      throw invalid(
        'Tool calls are not supported: tools and function calling are not available on this endpoint',
        `${at}.${field}`,
        'unsupported_parameter',
      );
    }
  }
  const role = message.role === 'developer' ? 'system' : message.role;
  if (message.content === undefined || message.content === null) {
    throw invalid(`${at}.content is required`, `${at}.content`, 'missing_required_parameter');
  }
  if (typeof message.content === 'string') return { role, content: message.content };
  const texts = message.content.map((part, j) => {
    if (part.type !== 'text') {
      throw invalid(
        `Only text content parts are supported; \`${part.type}\` is not (images, audio and files are not available on this endpoint)`,
        `${at}.content[${j}].type`,
        'unsupported_value',
      );
    }
    if (typeof part.text !== 'string') {
      throw invalid(
        `${at}.content[${j}].text is required`,
        `${at}.content[${j}].text`,
        'missing_required_parameter',
      );
    }
    return part.text;
  });
  return { role, content: texts.join('\n') };
}

export interface TranslatedRequest {
  run: RunRequest;
  stream: boolean;
  includeUsage: boolean;
}

/** Checks what the endpoint cannot honour and builds the AiService request. Throws OpenAiError (400). */
export function toRunRequest(input: ChatCompletionRequest): TranslatedRequest {
  for (const [field, what, neutral] of UNSUPPORTED) {
    if (!isNeutral(input[field], ...neutral)) throw invalid(what, field, 'unsupported_parameter');
  }
  if (input.n !== undefined && input.n !== null && input.n !== 1) {
    throw invalid('Only n = 1 is supported by this endpoint', 'n', 'unsupported_value');
  }
  const target = parseModel(input.model);
  const maxTokens = input.max_completion_tokens ?? input.max_tokens ?? undefined;
  const temperature = input.temperature ?? undefined;
  const options = {
    ...(temperature !== undefined ? { temperature } : {}),
    ...(maxTokens !== undefined ? { maxTokens } : {}),
  };
  return {
    run: {
      messages: input.messages.map(toMessage),
      ...target,
      ...(Object.keys(options).length > 0 ? { options } : {}),
    },
    stream: input.stream === true,
    includeUsage: input.stream === true && input.stream_options?.include_usage === true,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Errors

/** Seconds a client should wait after `provider_rate_limited` when the provider sent no hint. */
export const PROVIDER_RETRY_AFTER_SEC = 10;

/**
 * A provider failure from AiService: never 5xx (the provider failed, not Engify, and the caller's
 * Engify key was fine): 429 for rate limits, else 424 (failed dependency).
 */
export function runFailure(code: string, message: string, retryAfterSec?: number): OpenAiError {
  if (code === 'provider_rate_limited') {
    return new OpenAiError(429, 'rate_limit_error', message, null, code, {
      'Retry-After': String(Math.ceil(retryAfterSec ?? PROVIDER_RETRY_AFTER_SEC)),
    });
  }
  return new OpenAiError(424, 'api_error', message, null, code);
}

/** `body.messages.0.role` → `messages[0].role` (OpenAI's way of naming a parameter). */
export function paramName(field: string): string | null {
  const path = field.split('.').slice(1);
  if (path.length === 0) return null;
  return path.reduce(
    (out, part) => (/^\d+$/.test(part) ? `${out}[${part}]` : out ? `${out}.${part}` : part),
    '',
  );
}

interface EngifyError {
  code: string;
  message: string;
  requestId: string;
  details?: { fields?: { field: string; message: string }[] } & Record<string, unknown>;
}

const isEngifyError = (body: unknown): body is { error: EngifyError } => {
  const error = (body as { error?: unknown } | null)?.error as Record<string, unknown> | undefined;
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof error.code === 'string' &&
    typeof error.message === 'string' &&
    typeof error.requestId === 'string' &&
    !('type' in error)
  );
};

/**
 * Engify's `{error:{code,message,requestId,details}}` → OpenAI's `{error:{message,type,param,code}}`,
 * same status; null when `body` is not an Engify error (already OpenAI-shaped, or not an error). The
 * Engify error code becomes OpenAI's `code`; `X-Request-Id` stays on the response.
 */
export function fromEngifyError(status: number, body: unknown): OpenAiErrorBody | null {
  if (!isEngifyError(body)) return null;
  const { code, message, details } = body.error;
  const fields = Array.isArray(details?.fields) ? details.fields : [];
  const text =
    code === 'invalid_request' && fields.length > 0
      ? `Invalid request: ${fields.map((f) => `${paramName(f.field) ?? 'body'}: ${f.message}`).join('; ')}`
      : message;
  return {
    error: {
      message: text,
      type: errorType(status),
      param: fields[0] ? paramName(fields[0].field) : null,
      code,
    },
  };
}

/**
 * Whether an SDK should not retry by itself (`x-should-retry: false`, which the official SDKs obey): a
 * spent daily quota, or a rate limit whose window is longer than an SDK would wait.
 */
export function noAutomaticRetry(code: string | null, retryAfter: string | null): boolean {
  if (code === 'quota_exceeded') return true;
  return code === 'rate_limited' && retryAfter !== null && Number(retryAfter) > 60;
}

// ---------------------------------------------------------------------------------------------------------
// Responses

export type FinishReason = ChatCompletion['choices'][number]['finish_reason'];

/** AI SDK finish reasons (`stop`, `length`, `content-filter`, `tool-calls`, `other`, …) → OpenAI's. */
export function finishReason(reason: string): FinishReason {
  switch (reason) {
    case 'length':
      return 'length';
    case 'content-filter':
      return 'content_filter';
    case 'tool-calls':
      return 'tool_calls';
    default:
      return 'stop';
  }
}

export interface CompletionMeta {
  id: string;
  created: number;
  model: string;
}

export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
}

const usageOf = (usage: TokenUsage) => ({
  prompt_tokens: usage.inputTokens,
  completion_tokens: usage.outputTokens,
  total_tokens: usage.inputTokens + usage.outputTokens,
});

export function completion(
  meta: CompletionMeta,
  content: string,
  reason: FinishReason,
  usage: TokenUsage,
): ChatCompletion {
  return {
    ...meta,
    object: 'chat.completion',
    system_fingerprint: null,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content, refusal: null },
        logprobs: null,
        finish_reason: reason,
      },
    ],
    usage: usageOf(usage),
  };
}

/**
 * One `chat.completion.chunk`. With `include_usage`, every chunk carries `usage: null` and the last one
 * (`usageChunk`) the totals with empty `choices`, as OpenAI does.
 */
export function chunk(
  meta: CompletionMeta,
  delta: { role?: 'assistant'; content?: string },
  reason: FinishReason | null,
  includeUsage: boolean,
) {
  return {
    ...meta,
    object: 'chat.completion.chunk' as const,
    system_fingerprint: null,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: reason }],
    ...(includeUsage ? { usage: null } : {}),
  };
}

export function usageChunk(meta: CompletionMeta, usage: TokenUsage) {
  return {
    ...meta,
    object: 'chat.completion.chunk' as const,
    system_fingerprint: null,
    choices: [],
    usage: usageOf(usage),
  };
}
