import { z } from '@hono/zod-openapi';

// The OpenAI Chat Completions wire format, as far as Engify speaks it. Validation here is about shape;
// what the endpoint cannot honour (tools, images, n > 1, …) is refused with a precise message in
// translate.ts, so a client learns which parameter to drop.

/** Accepted and ignored: sampling knobs and bookkeeping that do not change the reply's shape. */
const ignored = (what: string) =>
  z
    .unknown()
    .optional()
    .openapi({ description: `Accepted and ignored (${what})` });
/** Accepted only in its neutral form (absent, null, empty, false or "none"); anything else is a 400. */
const neutralOnly = (what: string) =>
  z
    .unknown()
    .optional()
    .openapi({ description: `Not supported: ${what}; only its neutral value is accepted` });

export const ContentPart = z
  .object({
    type: z.string().max(64).openapi({ description: 'Only `text` is supported' }),
    text: z.string().max(100_000).optional(),
  })
  .loose()
  .openapi('OpenAIContentPart');

export const ChatCompletionMessage = z
  .object({
    role: z
      .enum(['system', 'developer', 'user', 'assistant', 'tool', 'function'])
      .openapi({ description: '`developer` is treated as `system`; `tool` and `function` are refused' }),
    content: z
      .union([z.string().max(100_000), z.array(ContentPart).max(100)])
      .nullable()
      .optional(),
    name: z.string().max(256).optional().openapi({ description: 'Accepted and ignored' }),
    tool_calls: neutralOnly('tool calls'),
    tool_call_id: neutralOnly('tool results'),
    function_call: neutralOnly('function calls'),
    refusal: z.string().nullable().optional(),
  })
  .loose()
  .openapi('OpenAIChatMessage');

export const ChatCompletionRequest = z
  .object({
    model: z
      .string()
      .min(1)
      .max(300)
      .openapi({
        description:
          '`openai/<model>`, `anthropic/<model>`, `google/<model>` (or `gemini/<model>`), ' +
          '`openai-compatible/<model>`, or `<providerKeyId>/<model>` to use one stored key; ' +
          '`<provider>/default` picks the default model. Runs on your own provider key.',
        example: 'openai/gpt-4o-mini',
      }),
    messages: z.array(ChatCompletionMessage).min(1).max(200),
    temperature: z.number().min(0).max(2).nullish(),
    max_tokens: z.number().int().min(1).max(4096).nullish(),
    max_completion_tokens: z
      .number()
      .int()
      .min(1)
      .max(4096)
      .nullish()
      .openapi({ description: 'Wins over `max_tokens` when both are sent' }),
    stream: z.boolean().nullish(),
    stream_options: z
      .object({ include_usage: z.boolean().optional() })
      .loose()
      .nullish()
      .openapi({ description: '`include_usage: true` adds a usage chunk (empty `choices`) before `[DONE]`' }),
    n: z.number().int().min(1).max(128).nullish().openapi({ description: 'Only 1' }),
    user: ignored('end-user id'),
    top_p: ignored('sampling'),
    frequency_penalty: ignored('sampling'),
    presence_penalty: ignored('sampling'),
    seed: ignored('sampling'),
    logit_bias: ignored('sampling'),
    metadata: ignored('bookkeeping'),
    store: ignored('bookkeeping'),
    service_tier: ignored('bookkeeping'),
    prompt_cache_key: ignored('bookkeeping'),
    safety_identifier: ignored('bookkeeping'),
    reasoning_effort: ignored('provider hint'),
    verbosity: ignored('provider hint'),
    prediction: ignored('latency hint'),
    parallel_tool_calls: ignored('meaningless without tools'),
    tools: neutralOnly('tools'),
    tool_choice: neutralOnly('tools'),
    functions: neutralOnly('function calling'),
    function_call: neutralOnly('function calling'),
    stop: neutralOnly('stop sequences'),
    logprobs: neutralOnly('log probabilities'),
    top_logprobs: neutralOnly('log probabilities'),
    response_format: neutralOnly('structured output; `{"type":"text"}` is accepted'),
    modalities: neutralOnly('audio output; `["text"]` is accepted'),
    audio: neutralOnly('audio output'),
    web_search_options: neutralOnly('web search'),
  })
  .strict()
  .openapi('OpenAIChatCompletionRequest');
export type ChatCompletionRequest = z.infer<typeof ChatCompletionRequest>;

const Usage = z
  .object({
    prompt_tokens: z.number().int(),
    completion_tokens: z.number().int(),
    total_tokens: z.number().int(),
  })
  .openapi('OpenAIUsage');

export const ChatCompletion = z
  .object({
    id: z.string().openapi({ example: 'chatcmpl-0b6f…', description: '`chatcmpl-<executionId>`' }),
    object: z.literal('chat.completion'),
    created: z.number().int(),
    model: z.string().openapi({ description: 'As requested' }),
    system_fingerprint: z.null(),
    choices: z.array(
      z.object({
        index: z.number().int(),
        message: z.object({
          role: z.literal('assistant'),
          content: z.string(),
          refusal: z.null(),
        }),
        logprobs: z.null(),
        finish_reason: z.enum(['stop', 'length', 'content_filter', 'tool_calls']),
      }),
    ),
    usage: Usage,
  })
  .openapi('OpenAIChatCompletion');
export type ChatCompletion = z.infer<typeof ChatCompletion>;

export const Model = z
  .object({
    id: z.string().openapi({ example: 'openai/gpt-4o-mini' }),
    object: z.literal('model'),
    created: z.number().int(),
    owned_by: z.string(),
  })
  .openapi('OpenAIModel');

export const ModelList = z
  .object({ object: z.literal('list'), data: z.array(Model) })
  .openapi('OpenAIModelList');

export const OpenAiErrorBody = z
  .object({
    error: z.object({
      message: z.string(),
      type: z.string().openapi({
        example: 'invalid_request_error',
        description: 'invalid_request_error, rate_limit_error, api_error, server_error',
      }),
      param: z.string().nullable(),
      code: z.string().nullable().openapi({ example: 'no_provider_key' }),
    }),
  })
  .openapi('OpenAIError');
export type OpenAiErrorBody = z.infer<typeof OpenAiErrorBody>;
