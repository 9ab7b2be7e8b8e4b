import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../http/env.js';
import { errorResponses } from '../shared-schema.js';
import { Slug } from '../patterns/schema.js';
import { Facets, Prompt, PromptListQuery, PromptPage, RenderRequest, RenderResponse } from './schema.js';
import type { PromptService } from './service.js';

const SlugParam = z.object({
  slug: Slug.openapi({ param: { name: 'slug', in: 'path' }, example: 'review-pull-request' }),
});
const json = <T>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

const listPrompts = createRoute({
  method: 'get',
  path: '/prompts',
  tags: ['Prompts'],
  summary: 'Search and filter the prompt library',
  description:
    'Full-text search (ranked) over title, description, tags and template, combined with filters. ' +
    'Pass `nextCursor` back as `cursor` for the next page.',
  request: { query: PromptListQuery },
  responses: { 200: json(PromptPage, 'A page of prompts'), 400: errorResponses[400] },
});

const getPrompt = createRoute({
  method: 'get',
  path: '/prompts/{slug}',
  tags: ['Prompts'],
  summary: 'Get one prompt with its template and variables',
  request: { params: SlugParam },
  responses: { 200: json(Prompt, 'The prompt'), ...errorResponses },
});

const renderPrompt = createRoute({
  method: 'post',
  path: '/prompts/{slug}/render',
  tags: ['Prompts'],
  summary: "Fill a prompt's variables",
  description:
    'Optional variables fall back to their defaults. Missing required variables (`missing_variables`) ' +
    'and names the prompt does not declare (`unknown_variables`) answer 400.',
  request: {
    params: SlugParam,
    body: { required: true, content: { 'application/json': { schema: RenderRequest } } },
  },
  responses: { 200: json(RenderResponse, 'The rendered prompt'), ...errorResponses },
});

const getFacets = createRoute({
  method: 'get',
  path: '/facets',
  tags: ['Prompts'],
  summary: 'Roles, categories, patterns, tags and difficulties with prompt counts',
  responses: { 200: json(Facets, 'Facet counts') },
});

export function promptRoutes(app: OpenAPIHono<AppEnv>, prompts: PromptService): void {
  app.openapi(listPrompts, async (c) => c.json(await prompts.list(c.req.valid('query')), 200));
  app.openapi(getPrompt, async (c) => c.json(await prompts.get(c.req.valid('param').slug), 200));
  app.openapi(renderPrompt, async (c) => {
    const { slug } = c.req.valid('param');
    return c.json(await prompts.render(slug, c.req.valid('json').variables), 200);
  });
  app.openapi(getFacets, async (c) => c.json(await prompts.facets(), 200));
}
