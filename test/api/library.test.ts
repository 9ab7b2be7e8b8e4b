import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, FIXTURE_CONTENT, postJson, type TestApp } from '../helpers/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ CONTENT_DIR: FIXTURE_CONTENT });
});
afterAll(async () => t.close());

const get = (path: string) => t.app.request(path);
async function json<T = Record<string, unknown>>(res: Response | Promise<Response>): Promise<T> {
  return (await res).json() as Promise<T>;
}

describe('GET /api/prompts', () => {
  it('lists prompts with total and a cursor', async () => {
    const res = await get('/api/prompts?limit=2');
    expect(res.status).toBe(200);
    const body = await json<{ items: { slug: string }[]; total: number; nextCursor: string | null }>(res);
    expect(body.total).toBe(4);
    expect(body.items).toHaveLength(2);
    expect(body.nextCursor).toEqual(expect.any(String));
    const next = await json<{ items: { slug: string }[]; nextCursor: string | null }>(
      get(`/api/prompts?limit=2&cursor=${body.nextCursor}`),
    );
    expect(next.items).toHaveLength(2);
    expect(next.nextCursor).toBeNull();
    expect(new Set([...body.items, ...next.items].map((p) => p.slug)).size).toBe(4);
  });

  it('searches and filters together', async () => {
    const body = await json<{ items: { slug: string }[]; total: number }>(
      get('/api/prompts?q=review&role=devops-sre&difficulty=advanced'),
    );
    expect(body.items.map((p) => p.slug)).toEqual(['review-migration']);
    expect(body.total).toBe(1);
  });

  it('does not return templates in list items', async () => {
    const body = await json<{ items: Record<string, unknown>[] }>(get('/api/prompts'));
    expect(body.items[0]).not.toHaveProperty('template');
    expect(body.items[0]).toHaveProperty('source', 'builtin');
  });

  it.each([
    ['limit=0', 'query.limit'],
    ['limit=101', 'query.limit'],
    ['limit=ten', 'query.limit'],
    ['difficulty=expert', 'query.difficulty'],
    ['role=Not%20An%20Id', 'query.role'],
    [`q=${'x'.repeat(201)}`, 'query.q'],
  ])('rejects %s with 400 naming %s', async (query, field) => {
    const res = await get(`/api/prompts?${query}`);
    expect(res.status).toBe(400);
    const body = await json<{ error: { code: string; message: string } }>(res);
    expect(body.error.code).toBe('invalid_request');
    expect(body.error.message).toContain(field);
  });

  it('rejects a forged cursor with invalid_cursor', async () => {
    const res = await get('/api/prompts?cursor=Zm9v');
    expect(res.status).toBe(400);
    expect((await json<{ error: { code: string } }>(res)).error.code).toBe('invalid_cursor');
  });
});

describe('GET /api/prompts/:slug', () => {
  it('returns the full prompt', async () => {
    const body = await json<{ slug: string; template: string; variables: unknown[] }>(
      get('/api/prompts/review-diff'),
    );
    expect(body.slug).toBe('review-diff');
    expect(body.template).toContain('{{diff}}');
    expect(body.variables).toHaveLength(3);
  });

  it('answers 404 JSON for unknown slugs and 400 for malformed ones', async () => {
    const missing = await get('/api/prompts/no-such-prompt');
    expect(missing.status).toBe(404);
    expect((await json<{ error: { code: string } }>(missing)).error.code).toBe('not_found');
    expect((await get('/api/prompts/Bad_Slug!')).status).toBe(400);
  });
});

describe('POST /api/prompts/:slug/render', () => {
  it('fills variables, applies defaults and drops empty optional sections', async () => {
    const res = await postJson(t.app, '/api/prompts/review-diff/render', {
      variables: { language: 'Go', diff: '+ x := 1' },
    });
    expect(res.status).toBe(200);
    const { text } = await json<{ text: string }>(res);
    expect(text).toContain('You are a senior Go reviewer.');
    expect(text).toContain('+ x := 1');
    expect(text).not.toContain('Pay extra attention');
    expect(text).not.toContain('{{');

    const withDefault = await json<{ text: string }>(
      postJson(t.app, '/api/prompts/explain-stack-trace/render', { variables: { trace: 'boom' } }),
    );
    expect(withDefault.text).toContain('from Node.js 20.');
  });

  it('names every missing required variable', async () => {
    const res = await postJson(t.app, '/api/prompts/review-diff/render', { variables: { focus: 'x' } });
    expect(res.status).toBe(400);
    const body = await json<{ error: { code: string; message: string; details: { missing: string[] } } }>(
      res,
    );
    expect(body.error.code).toBe('missing_variables');
    expect(body.error.details.missing).toEqual(['language', 'diff']);
    expect(body.error.message).toContain('language, diff');
  });

  it('treats blank required values as missing', async () => {
    const res = await postJson(t.app, '/api/prompts/review-diff/render', {
      variables: { language: '  ', diff: 'd' },
    });
    expect((await json<{ error: { details: { missing: string[] } } }>(res)).error.details.missing).toEqual([
      'language',
    ]);
  });

  it('rejects unknown variables', async () => {
    const res = await postJson(t.app, '/api/prompts/review-diff/render', {
      variables: { language: 'Go', diff: 'd', langauge: 'typo' },
    });
    expect(res.status).toBe(400);
    const body = await json<{ error: { code: string; details: { unknown: string[] } } }>(res);
    expect(body.error.code).toBe('unknown_variables');
    expect(body.error.details.unknown).toEqual(['langauge']);
  });

  it.each([
    ['malformed JSON', '{"variables":', 'invalid_json'],
    ['a non-object body', '[]', 'invalid_request'],
    ['non-string values', '{"variables":{"language":3}}', 'invalid_request'],
    ['extra top-level fields', '{"variables":{},"extra":1}', 'invalid_request'],
  ])('answers 400 to %s', async (_name, body, code) => {
    const res = await postJson(t.app, '/api/prompts/review-diff/render', body);
    expect(res.status).toBe(400);
    expect((await json<{ error: { code: string } }>(res)).error.code).toBe(code);
  });

  it('answers 415 to a non-JSON body and 404 to an unknown prompt', async () => {
    const form = await t.app.request('/api/prompts/review-diff/render', {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'language=Go',
    });
    expect(form.status).toBe(415);
    expect((await postJson(t.app, '/api/prompts/nope/render', { variables: {} })).status).toBe(404);
  });

  it('answers 413 over the body limit', async () => {
    const big = { variables: { diff: 'x'.repeat(1024 * 1024 + 10) } };
    const res = await postJson(t.app, '/api/prompts/review-diff/render', big);
    expect(res.status).toBe(413);
    expect((await json<{ error: { code: string } }>(res)).error.code).toBe('payload_too_large');
  });
});

describe('patterns and facets', () => {
  it('lists patterns with prompt counts', async () => {
    const body = await json<{ items: { id: string; promptCount: number }[] }>(get('/api/patterns'));
    expect(body.items.map((p) => p.id)).toEqual(['checklist', 'persona']);
    expect(body.items.find((p) => p.id === 'checklist')?.promptCount).toBe(3);
  });

  it('returns a pattern with the prompts that use it', async () => {
    const body = await json<{ id: string; howItWorks: string; prompts: { slug: string }[] }>(
      get('/api/patterns/persona'),
    );
    expect(body.id).toBe('persona');
    expect(body.howItWorks.length).toBeGreaterThan(50);
    expect(body.prompts.map((p) => p.slug).sort()).toEqual(['review-diff', 'review-migration']);
    expect((await get('/api/patterns/nope')).status).toBe(404);
  });

  it('returns facets for the filter UI', async () => {
    const body = await json<Record<string, { id: string; count: number }[]>>(get('/api/facets'));
    expect(Object.keys(body).sort()).toEqual(['categories', 'difficulties', 'patterns', 'roles', 'tags']);
    expect(body.categories).toContainEqual(expect.objectContaining({ id: 'debugging', count: 2 }));
  });
});

describe('system', () => {
  it('reports health once ready', async () => {
    const res = await get('/api/health');
    expect(res.status).toBe(200);
    const body = await json<Record<string, unknown>>(res);
    expect(body).toMatchObject({ status: 'ok', version: expect.any(String), store: 'sqlite' });
    expect(body.uptimeSeconds).toEqual(expect.any(Number));
  });

  it('publishes an OpenAPI 3.1 document describing every route', async () => {
    const doc = await json<{ openapi: string; paths: Record<string, Record<string, unknown>> }>(
      get('/api/openapi.json'),
    );
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/docs',
        '/facets',
        '/health',
        '/openapi.json',
        '/patterns',
        '/patterns/{id}',
        '/prompts',
        '/prompts/{slug}',
        '/prompts/{slug}/render',
      ]),
    );
    expect(doc.paths['/prompts/{slug}/render']).toHaveProperty('post');
  });

  it('renders an API reference page without external resources', async () => {
    const res = await get('/api/docs');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    const page = await res.text();
    expect(page).toContain('/prompts/{slug}/render');
    expect(page).not.toMatch(/<script|https?:\/\/(?!localhost)/);
  });

  it('answers unknown routes with 404 JSON and puts a request id on every response', async () => {
    const res = await get('/api/does-not-exist');
    expect(res.status).toBe(404);
    const body = await json<{ error: { code: string; requestId: string } }>(res);
    expect(body.error.code).toBe('not_found');
    expect(res.headers.get('x-request-id')).toBe(body.error.requestId);
    expect((await get('/api/health')).headers.get('x-request-id')).toMatch(/\S+/);
  });

  it('keeps a caller-supplied request id', async () => {
    const res = await t.app.request('/api/health', { headers: { 'x-request-id': 'trace-abc-123' } });
    expect(res.headers.get('x-request-id')).toBe('trace-abc-123');
  });

  it('sends security headers', async () => {
    const res = await get('/api/prompts');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
  });
});
