import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../http/env.js';
import { AppError } from '../../lib/errors.js';
import type { CatalogStore } from '../../ports/catalog-store.js';
import { renderApiReference } from './docs-page.js';

export interface SystemInfo {
  version: string;
  startedAt: Date;
  /** False until start-up work (migrations, content sync) has finished. */
  isReady: () => boolean;
  /** Which embedder the knowledge base uses; null while the model is still loading. */
  embeddings?: () => 'minilm' | 'lexical-fallback' | null;
}

const Health = z
  .object({
    status: z.literal('ok'),
    version: z.string(),
    store: z.string(),
    uptimeSeconds: z.number().int(),
    embeddings: z.enum(['minilm', 'lexical-fallback', 'loading']).openapi({
      description:
        'Knowledge-base embeddings: the MiniLM model, or the lexical fallback when no model could be loaded',
    }),
  })
  .openapi('Health');

const health = createRoute({
  method: 'get',
  path: '/health',
  tags: ['System'],
  summary: 'Liveness and readiness',
  description: 'Answers 200 once start-up has finished and the store responds; 503 `not_ready` before.',
  responses: {
    200: { description: 'Ready', content: { 'application/json': { schema: Health } } },
    503: { description: 'Starting up or store unavailable' },
  },
});

const openapiDocument = createRoute({
  method: 'get',
  path: '/openapi.json',
  tags: ['System'],
  summary: 'This API as an OpenAPI 3.1 document',
  responses: {
    200: {
      description: 'OpenAPI 3.1',
      content: { 'application/json': { schema: z.record(z.string(), z.unknown()) } },
    },
  },
});

const apiReference = createRoute({
  method: 'get',
  path: '/docs',
  tags: ['System'],
  summary: 'Human-readable API reference',
  responses: { 200: { description: 'HTML page', content: { 'text/html': { schema: z.string() } } } },
});

export function systemRoutes(app: OpenAPIHono<AppEnv>, info: SystemInfo, store: CatalogStore): void {
  app.openapi(health, async (c) => {
    if (!info.isReady()) throw new AppError(503, 'not_ready', 'Engify is still starting');
    await store.ping();
    return c.json(
      {
        status: 'ok' as const,
        version: info.version,
        store: store.kind,
        uptimeSeconds: Math.floor((Date.now() - info.startedAt.getTime()) / 1000),
        embeddings: info.embeddings?.() ?? ('loading' as const),
      },
      200,
    );
  });

  const document = () =>
    app.getOpenAPI31Document({
      openapi: '3.1.0',
      info: {
        title: 'Engify API',
        version: info.version,
        description:
          'Prompt library, prompt patterns and (in later releases) AI execution for engineering teams. ' +
          'Errors are always `{"error":{"code","message","requestId"}}`.',
      },
      servers: [{ url: '/api' }],
    });

  let cached: ReturnType<typeof document> | undefined;
  app.openapi(openapiDocument, (c) =>
    c.json((cached ??= document()) as unknown as Record<string, unknown>, 200),
  );
  app.openapi(apiReference, (c) => c.html(renderApiReference((cached ??= document())), 200));
}
