import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { requireUser } from '../../http/auth.js';
import type { AppEnv } from '../../http/env.js';
import { errorContent, errorResponses, jsonBody, jsonContent, signedIn } from '../shared-schema.js';
import { Slug } from '../patterns/schema.js';
import {
  CreatePromptRequest,
  Facets,
  Prompt,
  PromptListQuery,
  PromptPage,
  Rating,
  RatingRequest,
  RenderRequest,
  RenderResponse,
  UpdatePromptRequest,
} from './schema.js';
import type { PromptService } from './service.js';
import type { UserPromptService } from './user-prompts.js';

const SlugParam = z.object({
  slug: Slug.openapi({ param: { name: 'slug', in: 'path' }, example: 'review-pull-request' }),
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
  responses: { 200: jsonContent(PromptPage, 'A page of prompts'), 400: errorResponses[400] },
});

const getPrompt = createRoute({
  method: 'get',
  path: '/prompts/{slug}',
  tags: ['Prompts'],
  summary: 'Get one prompt with its template and variables',
  request: { params: SlugParam },
  responses: { 200: jsonContent(Prompt, 'The prompt'), ...errorResponses },
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
  responses: { 200: jsonContent(RenderResponse, 'The rendered prompt'), ...errorResponses },
});

const getFacets = createRoute({
  method: 'get',
  path: '/facets',
  tags: ['Prompts'],
  summary: 'Roles, categories, patterns, tags and difficulties with prompt counts',
  responses: { 200: jsonContent(Facets, 'Facet counts') },
});

const MyListQuery = PromptListQuery.pick({ q: true, limit: true, cursor: true });

const createPrompt = createRoute({
  method: 'post',
  path: '/prompts',
  tags: ['My prompts'],
  summary: 'Create your own prompt (private unless `visibility` is public)',
  security: signedIn,
  request: jsonBody(CreatePromptRequest),
  responses: {
    201: jsonContent(Prompt, 'Created, with its generated slug'),
    400: errorContent('Invalid input'),
    401: errorContent('Not signed in'),
  },
});
const updatePrompt = createRoute({
  method: 'patch',
  path: '/prompts/{slug}',
  tags: ['My prompts'],
  summary: 'Change your prompt',
  security: signedIn,
  request: { params: SlugParam, ...jsonBody(UpdatePromptRequest) },
  responses: { 200: jsonContent(Prompt, 'Updated'), ...errorResponses, 401: errorContent('Not signed in') },
});
const deletePrompt = createRoute({
  method: 'delete',
  path: '/prompts/{slug}',
  tags: ['My prompts'],
  summary: 'Delete your prompt',
  security: signedIn,
  request: { params: SlugParam },
  responses: {
    204: { description: 'Deleted' },
    404: errorContent('Not found'),
    401: errorContent('Not signed in'),
  },
});
const favorite = (method: 'put' | 'delete') =>
  createRoute({
    method,
    path: '/prompts/{slug}/favorite',
    tags: ['My prompts'],
    summary: method === 'put' ? 'Mark a prompt as favorite' : 'Remove a prompt from favorites',
    security: signedIn,
    request: { params: SlugParam },
    responses: {
      200: jsonContent(z.object({ favorite: z.boolean() }), 'Done (idempotent)'),
      404: errorContent('Not found'),
      401: errorContent('Not signed in'),
    },
  });
const ratePrompt = createRoute({
  method: 'put',
  path: '/prompts/{slug}/rating',
  tags: ['My prompts'],
  summary: 'Rate a prompt 1-5 (one rating per user; rating again replaces it)',
  security: signedIn,
  request: { params: SlugParam, ...jsonBody(RatingRequest) },
  responses: {
    200: jsonContent(z.object({ stars: z.number().int(), rating: Rating }), 'Rated'),
    ...errorResponses,
    401: errorContent('Not signed in'),
  },
});
const myPrompts = createRoute({
  method: 'get',
  path: '/me/prompts',
  tags: ['My prompts'],
  summary: 'Prompts you created, private ones included',
  security: signedIn,
  request: { query: MyListQuery },
  responses: { 200: jsonContent(PromptPage, 'Your prompts'), 401: errorContent('Not signed in') },
});
const myFavorites = createRoute({
  method: 'get',
  path: '/me/favorites',
  tags: ['My prompts'],
  summary: 'Prompts you marked as favorite',
  security: signedIn,
  request: { query: MyListQuery },
  responses: { 200: jsonContent(PromptPage, 'Your favorites'), 401: errorContent('Not signed in') },
});

export function promptRoutes(
  app: OpenAPIHono<AppEnv>,
  prompts: PromptService,
  mine: UserPromptService,
): void {
  const viewer = (c: { get(key: 'principal'): { user: { id: string } } | null }) =>
    c.get('principal')?.user.id ?? null;
  app.openapi(listPrompts, async (c) =>
    c.json(await prompts.list({ ...c.req.valid('query'), viewerId: viewer(c) }), 200),
  );
  app.openapi(getPrompt, async (c) => c.json(await prompts.get(c.req.valid('param').slug, viewer(c)), 200));
  app.openapi(renderPrompt, async (c) => {
    const { slug } = c.req.valid('param');
    return c.json(await prompts.render(slug, c.req.valid('json').variables, viewer(c)), 200);
  });
  app.openapi(createPrompt, async (c) =>
    c.json(await mine.create(requireUser(c).user.id, c.req.valid('json')), 201),
  );
  app.openapi(updatePrompt, async (c) =>
    c.json(await mine.update(requireUser(c).user.id, c.req.valid('param').slug, c.req.valid('json')), 200),
  );
  app.openapi(deletePrompt, async (c) => {
    await mine.remove(requireUser(c).user.id, c.req.valid('param').slug);
    return c.body(null, 204);
  });
  app.openapi(favorite('put'), async (c) =>
    c.json(await mine.favorite(requireUser(c).user.id, c.req.valid('param').slug, true), 200),
  );
  app.openapi(favorite('delete'), async (c) =>
    c.json(await mine.favorite(requireUser(c).user.id, c.req.valid('param').slug, false), 200),
  );
  app.openapi(ratePrompt, async (c) =>
    c.json(
      await mine.rate(requireUser(c).user.id, c.req.valid('param').slug, c.req.valid('json').stars),
      200,
    ),
  );
  app.openapi(myPrompts, async (c) => {
    const id = requireUser(c).user.id;
    return c.json(await prompts.list({ ...c.req.valid('query'), viewerId: id, ownerId: id }), 200);
  });
  app.openapi(myFavorites, async (c) => {
    const id = requireUser(c).user.id;
    return c.json(await prompts.list({ ...c.req.valid('query'), viewerId: id, favoritesOf: id }), 200);
  });
  app.openapi(getFacets, async (c) => c.json(await prompts.facets(), 200));
}
