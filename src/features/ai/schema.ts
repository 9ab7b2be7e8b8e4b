import { z } from '@hono/zod-openapi';
import { CollectionName } from '../kb/collection-name.js';

export const ProviderName = z
  .enum(['openai', 'anthropic', 'google', 'gemini', 'openai-compatible'])
  .openapi({ description: '`gemini` is another name for `google`' });

export const Message = z
  .object({
    role: z.enum(['user', 'assistant', 'system']),
    content: z.string().min(1).max(10_000),
  })
  .strict()
  .openapi('Message');

export const RunOptions = z
  .object({
    temperature: z.number().min(0).max(2).optional(),
    maxTokens: z.number().int().min(1).max(4096).optional(),
  })
  .strict()
  .openapi('RunOptions');

export const Target = {
  provider: ProviderName.optional().openapi({
    description:
      'Defaults to your default provider (settings), else the first key you stored; `gemini` = `google`',
  }),
  model: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .openapi({ description: 'Defaults to a sensible model per provider' }),
  keyId: z.uuid().optional().openapi({ description: 'Use this stored key' }),
};

/** Retrieval-augmented runs: search the knowledge base first and answer with numbered citations. */
export const Rag = {
  useRag: z
    .boolean()
    .optional()
    .openapi({
      description:
        'Retrieve the best chunks from your knowledge base for the last user message, pass them as numbered ' +
        'context and return them as `sources` (a `sources` event before the first `delta` when streaming)',
    }),
  collection: CollectionName.optional().openapi({
    description: 'With useRag: search only this collection (`engify` = the shared one)',
  }),
  ragTopK: z
    .number()
    .int()
    .min(1)
    .max(20)
    .optional()
    .openapi({ description: 'With useRag: chunks to use (default 5)' }),
};

export const RagSource = z
  .object({
    n: z.number().int().openapi({ description: 'The citation number, [n] in the answer' }),
    chunkId: z.string(),
    documentId: z.string(),
    title: z.string(),
    heading: z.string().nullable(),
    content: z.string(),
    score: z.number(),
    vectorScore: z.number().nullable(),
    keywordScore: z.number().nullable(),
  })
  .openapi('RagSource');

export const ChatRequest = z
  .object({
    messages: z.array(Message).min(1).max(50),
    ...Target,
    options: RunOptions.optional(),
    ...Rag,
  })
  .strict()
  .openapi('ChatRequest');
export type ChatRequest = z.infer<typeof ChatRequest>;

export const Usage = z.object({
  inputTokens: z.number().int(),
  outputTokens: z.number().int(),
  estimated: z.boolean(),
});

export const ChatResponse = z
  .object({
    content: z.string(),
    provider: z.string(),
    model: z.string(),
    usage: Usage,
    costUsd: z.number().nullable(),
    latencyMs: z.number().int(),
    ttftMs: z.number().int().nullable(),
    executionId: z.string(),
    sources: z
      .array(RagSource)
      .optional()
      .openapi({ description: 'With useRag: the chunks the answer could cite' }),
  })
  .openapi('ChatResponse');

export const RunPromptRequest = z
  .object({
    variables: z.record(z.string().max(64), z.string().max(100_000)).default({}),
    ...Target,
    options: RunOptions.optional(),
    stream: z.boolean().default(false),
    ...Rag,
  })
  .strict()
  .openapi('RunPromptRequest');

export const CompareRequest = z
  .object({
    messages: z.array(Message).min(1).max(50),
    targets: z
      .array(z.object({ provider: ProviderName, model: Target.model, keyId: Target.keyId }).strict())
      .min(2)
      .max(4),
    options: RunOptions.optional(),
  })
  .strict()
  .openapi('CompareRequest');

export const ExecutionSummary = z
  .object({
    id: z.string(),
    promptSlug: z.string().nullable(),
    provider: z.string(),
    model: z.string(),
    keyId: z.string().nullable(),
    options: RunOptions,
    compareId: z.string().nullable(),
    inputTokens: z.number().int().nullable(),
    outputTokens: z.number().int().nullable(),
    tokensEstimated: z.boolean(),
    costUsd: z.number().nullable(),
    priceVersion: z.string().nullable(),
    latencyMs: z.number().int().nullable(),
    ttftMs: z.number().int().nullable(),
    status: z.enum(['running', 'succeeded', 'failed', 'aborted']),
    errorCode: z.string().nullable(),
    createdAt: z.string(),
    finishedAt: z.string().nullable(),
  })
  .openapi('ExecutionSummary');
export const Execution = ExecutionSummary.extend({ output: z.string() }).openapi('Execution');

export const ExecutionQuery = z.object({
  provider: z.enum(['openai', 'anthropic', 'google', 'openai-compatible']).optional(),
  model: z.string().min(1).max(200).optional(),
  status: z.enum(['running', 'succeeded', 'failed', 'aborted']).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(300).optional(),
});

export const ProviderKeyView = z
  .object({
    id: z.string(),
    provider: z.enum(['openai', 'anthropic', 'google', 'openai-compatible']),
    label: z.string().nullable(),
    baseURL: z.string().nullable(),
    mask: z.string().openapi({ example: 'sk-…abcd' }),
    createdAt: z.string(),
    lastUsedAt: z.string().nullable(),
  })
  .openapi('ProviderKey');

export const CreateProviderKeyRequest = z
  .object({
    provider: ProviderName,
    apiKey: z.string().trim().min(8).max(500),
    label: z.string().trim().min(1).max(80).optional(),
    baseURL: z
      .url({ protocol: /^https?$/ })
      .max(500)
      .optional(),
  })
  .strict()
  .openapi('CreateProviderKeyRequest');

export const Settings = z
  .object({ defaultProvider: z.enum(['openai', 'anthropic', 'google', 'openai-compatible']).nullable() })
  .strict()
  .openapi('Settings');

/** `gemini` is the seed API's name for Google. */
export const canonicalProvider = <T extends string | undefined>(p: T) =>
  (p === 'gemini' ? 'google' : p) as Exclude<T, 'gemini'>;
