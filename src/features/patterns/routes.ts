import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../http/env.js';
import { PromptSummary } from '../prompts/schema.js';
import { errorResponses } from '../shared-schema.js';
import { Pattern, PatternList, Slug } from './schema.js';
import type { PatternService } from './service.js';

const PatternDetail = Pattern.extend({ prompts: z.array(PromptSummary) }).openapi('PatternDetail');

const listPatterns = createRoute({
  method: 'get',
  path: '/patterns',
  tags: ['Patterns'],
  summary: 'List prompt patterns with how many prompts use each',
  responses: { 200: { description: 'Patterns', content: { 'application/json': { schema: PatternList } } } },
});

const getPattern = createRoute({
  method: 'get',
  path: '/patterns/{id}',
  tags: ['Patterns'],
  summary: 'Get a pattern and the prompts that use it',
  request: {
    params: z.object({ id: Slug.openapi({ param: { name: 'id', in: 'path' }, example: 'few-shot' }) }),
  },
  responses: {
    200: { description: 'The pattern', content: { 'application/json': { schema: PatternDetail } } },
    ...errorResponses,
  },
});

export function patternRoutes(app: OpenAPIHono<AppEnv>, patterns: PatternService): void {
  app.openapi(listPatterns, async (c) => c.json({ items: await patterns.list() }, 200));
  app.openapi(getPattern, async (c) => c.json(await patterns.get(c.req.valid('param').id), 200));
}
