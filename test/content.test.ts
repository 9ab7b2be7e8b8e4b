import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FsContentSource } from '../src/adapters/fs/content-source.js';
import { validateCatalog, type Catalog } from '../src/features/catalog/validate.js';
import { renderTemplate } from '../src/lib/template.js';
import { createTestApp, type TestApp } from './helpers/app.js';

// The shipped library in content/: schema-valid, cross-referenced, and big enough to be useful.
let catalog: Catalog;
beforeAll(async () => {
  catalog = validateCatalog(await new FsContentSource('content').read());
});

describe('built-in content', () => {
  it('has at least 60 prompts across at least 8 roles and 8 categories', () => {
    expect(catalog.prompts.length).toBeGreaterThanOrEqual(60);
    expect(new Set(catalog.prompts.flatMap((p) => p.roles)).size).toBeGreaterThanOrEqual(8);
    expect(new Set(catalog.prompts.map((p) => p.category)).size).toBeGreaterThanOrEqual(8);
  });

  it('has at least 15 patterns covering all four categories, each used by a prompt', () => {
    expect(catalog.patterns.length).toBeGreaterThanOrEqual(15);
    expect(new Set(catalog.patterns.map((p) => p.category))).toEqual(
      new Set(['FOUNDATIONAL', 'STRUCTURAL', 'COGNITIVE', 'ITERATIVE']),
    );
    const used = new Set(catalog.prompts.flatMap((p) => p.patterns));
    expect(catalog.patterns.filter((p) => !used.has(p.id)).map((p) => p.id)).toEqual([]);
  });

  it('uses every difficulty level', () => {
    expect(new Set(catalog.prompts.map((p) => p.difficulty))).toEqual(
      new Set(['beginner', 'intermediate', 'advanced']),
    );
  });

  it('reaches every declared variable when all are filled in', () => {
    for (const prompt of catalog.prompts) {
      const values = Object.fromEntries(prompt.variables.map((v) => [v.name, `<<value of ${v.name}>>`]));
      const text = renderTemplate(prompt.template, values);
      for (const v of prompt.variables) expect(text, prompt.slug).toContain(`<<value of ${v.name}>>`);
    }
  });

  it('renders from its examples and defaults alone', () => {
    for (const prompt of catalog.prompts) {
      const values = Object.fromEntries(prompt.variables.map((v) => [v.name, v.example ?? v.default ?? '']));
      const text = renderTemplate(prompt.template, values);
      expect(text.length, prompt.slug).toBeGreaterThan(prompt.template.length / 2);
      for (const v of prompt.variables.filter((v) => v.required)) {
        expect(text, `${prompt.slug} uses ${v.name}`).toContain(v.example!.trim().split('\n')[0]);
      }
    }
  });
});

describe('search over the shipped library', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ CONTENT_DIR: 'content' });
  });
  afterAll(async () => t.close());

  it.each([
    ['code review', 'code-review'],
    ['flaky test', 'testing'],
    ['postmortem', 'incident-response'],
    ['threat model', 'security'],
  ])('ranks a %s prompt first', async (q, category) => {
    const res = await t.app.request(`/api/prompts?q=${encodeURIComponent(q)}`);
    const body = (await res.json()) as { items: { category: string }[]; total: number };
    expect(body.total).toBeGreaterThan(0);
    expect(body.items[0]?.category).toBe(category);
  });
});
