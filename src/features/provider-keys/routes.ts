import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { requireUser } from '../../http/auth.js';
import type { AppEnv } from '../../http/env.js';
import { canonicalProvider, CreateProviderKeyRequest, ProviderKeyView, Settings } from '../ai/schema.js';
import { errorContent, jsonBody, jsonContent, signedIn } from '../shared-schema.js';
import type { ProviderKeyService } from './service.js';

const IdParam = z.object({ id: z.uuid() });

const list = createRoute({
  method: 'get',
  path: '/me/provider-keys',
  tags: ['Provider keys'],
  summary: 'Your provider keys, masked (never the keys themselves)',
  security: signedIn,
  responses: {
    200: jsonContent(z.object({ items: z.array(ProviderKeyView) }), 'Keys'),
    401: errorContent('Not signed in'),
  },
});
const create = createRoute({
  method: 'post',
  path: '/me/provider-keys',
  tags: ['Provider keys'],
  summary: 'Store a provider key (encrypted at rest; shown masked from now on)',
  description:
    '`baseURL` is required for `openai-compatible` (Ollama, LM Studio, vLLM, Groq, OpenRouter…). Private, loopback ' +
    'and link-local base URLs are refused unless the server allows them (`base_url_refused`).',
  security: signedIn,
  request: jsonBody(CreateProviderKeyRequest),
  responses: {
    201: jsonContent(ProviderKeyView, 'Stored'),
    400: errorContent('Invalid input'),
    401: errorContent('Not signed in'),
  },
});
const remove = createRoute({
  method: 'delete',
  path: '/me/provider-keys/{id}',
  tags: ['Provider keys'],
  summary: 'Delete a provider key',
  security: signedIn,
  request: { params: IdParam },
  responses: {
    204: { description: 'Deleted' },
    400: errorContent('Invalid id'),
    401: errorContent('Not signed in'),
    404: errorContent('Not found'),
  },
});
const test = createRoute({
  method: 'post',
  path: '/me/provider-keys/{id}/test',
  tags: ['Provider keys'],
  summary: 'Check a key with a cheap call to the provider (lists models)',
  security: signedIn,
  request: { params: IdParam },
  responses: {
    200: jsonContent(
      z.object({ ok: z.boolean(), code: z.string().optional(), message: z.string().optional() }),
      'Result',
    ),
    400: errorContent('Invalid id'),
    401: errorContent('Not signed in'),
    404: errorContent('Not found'),
  },
});
const getSettings = createRoute({
  method: 'get',
  path: '/me/settings',
  tags: ['Provider keys'],
  summary: 'Your settings (default provider)',
  security: signedIn,
  responses: { 200: jsonContent(Settings, 'Settings'), 401: errorContent('Not signed in') },
});
const putSettings = createRoute({
  method: 'put',
  path: '/me/settings',
  tags: ['Provider keys'],
  summary: 'Change your settings',
  security: signedIn,
  request: jsonBody(Settings),
  responses: {
    200: jsonContent(Settings, 'Settings'),
    400: errorContent('Invalid input'),
    401: errorContent('Not signed in'),
  },
});

export function providerKeyRoutes(app: OpenAPIHono<AppEnv>, keys: ProviderKeyService): void {
  app.openapi(list, async (c) => {
    const items = await keys.list(requireUser(c).user.id);
    return c.json({ items: items.map(({ userId: _u, ...k }) => k) }, 200);
  });
  app.openapi(create, async (c) => {
    const input = c.req.valid('json');
    const { userId: _u, ...key } = await keys.create(requireUser(c).user.id, {
      ...input,
      provider: canonicalProvider(input.provider),
    });
    return c.json(key, 201);
  });
  app.openapi(remove, async (c) => {
    await keys.remove(requireUser(c).user.id, c.req.valid('param').id);
    return c.body(null, 204);
  });
  app.openapi(test, async (c) =>
    c.json(await keys.test(requireUser(c).user.id, c.req.valid('param').id), 200),
  );
  app.openapi(getSettings, async (c) =>
    c.json({ defaultProvider: await keys.getDefaultProvider(requireUser(c).user.id) }, 200),
  );
  app.openapi(putSettings, async (c) => {
    const { defaultProvider } = c.req.valid('json');
    await keys.setDefaultProvider(requireUser(c).user.id, defaultProvider);
    return c.json({ defaultProvider }, 200);
  });
}
