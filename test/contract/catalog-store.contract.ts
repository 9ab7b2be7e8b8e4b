import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FsContentSource } from '../../src/adapters/fs/content-source.js';
import { validateCatalog } from '../../src/features/catalog/validate.js';
import { InvalidCursorError, type CatalogContent, type CatalogStore } from '../../src/ports/catalog-store.js';
import { FIXTURE_CONTENT } from '../helpers/app.js';

export interface StoreHarness {
  store: CatalogStore;
  /** Releases everything the harness created. */
  dispose(): Promise<void>;
}

async function fixtureContent(): Promise<CatalogContent> {
  return validateCatalog(await new FsContentSource(FIXTURE_CONTENT).read());
}

const clone = <T>(value: T): T => structuredClone(value);

/**
 * Behaviour every CatalogStore adapter must have. Run it from a test file per adapter:
 * `catalogStoreContract('sqlite', async () => ({ store, dispose }))`.
 */
export function catalogStoreContract(name: string, open: () => Promise<StoreHarness>): void {
  describe(`CatalogStore contract: ${name}`, () => {
    let harness: StoreHarness;
    let store: CatalogStore;
    let content: CatalogContent;

    beforeEach(async () => {
      harness = await open();
      store = harness.store;
      content = await fixtureContent();
      await store.syncBuiltins(content);
    });
    afterEach(async () => harness.dispose());

    describe('syncBuiltins', () => {
      it('stores every prompt and pattern', async () => {
        const page = await store.listPrompts({ limit: 100 });
        expect(page.total).toBe(content.prompts.length);
        expect(page.items.map((p) => p.slug).sort()).toEqual(content.prompts.map((p) => p.slug).sort());
        expect((await store.listPatterns()).map((p) => p.id).sort()).toEqual(
          content.patterns.map((p) => p.id).sort(),
        );
      });

      it('is idempotent: a second sync of the same content changes nothing', async () => {
        const before = await store.getPrompt('review-diff');
        const report = await store.syncBuiltins(clone(content));
        expect(report.unchanged).toBe(true);
        expect(await store.getPrompt('review-diff')).toEqual(before);
      });

      it('updates changed built-ins, keeps createdAt, and leaves unchanged ones alone', async () => {
        const before = await store.getPrompt('review-diff');
        const untouched = await store.getPrompt('flaky-test');
        await new Promise((r) => setTimeout(r, 5));
        const next = clone(content);
        next.prompts.find((p) => p.slug === 'review-diff')!.title = 'Review a diff for correctness and risk';
        const report = await store.syncBuiltins(next);
        expect(report.prompts).toMatchObject({ inserted: 0, updated: 1, deleted: 0 });
        const after = await store.getPrompt('review-diff');
        expect(after?.title).toBe('Review a diff for correctness and risk');
        expect(after?.createdAt).toBe(before?.createdAt);
        expect(after!.updatedAt > before!.updatedAt).toBe(true);
        expect(await store.getPrompt('flaky-test')).toEqual(untouched);
        // The search index follows the update.
        const hits = await store.listPrompts({ q: 'risk', limit: 10 });
        expect(hits.items.map((p) => p.slug)).toContain('review-diff');
      });

      it('removes built-ins that are no longer shipped, from lists, search and facets', async () => {
        const next = clone(content);
        next.prompts = next.prompts.filter((p) => p.slug !== 'review-migration');
        const report = await store.syncBuiltins(next);
        expect(report.prompts.deleted).toBe(1);
        expect(await store.getPrompt('review-migration')).toBeNull();
        expect((await store.listPrompts({ q: 'migration', limit: 10 })).total).toBe(0);
        const facets = await store.facets();
        expect(facets.tags.find((t) => t.id === 'postgres')).toBeUndefined();
      });

      it('updates and removes patterns', async () => {
        const next = clone(content);
        next.patterns.find((p) => p.id === 'checklist')!.summary =
          'A brand new summary for the checklist pattern.';
        const report = await store.syncBuiltins(next);
        expect(report.patterns.updated).toBe(1);
        expect((await store.getPattern('checklist'))?.summary).toBe(
          'A brand new summary for the checklist pattern.',
        );
      });
    });

    describe('getPrompt / getPattern', () => {
      it('returns the full prompt as written', async () => {
        const prompt = await store.getPrompt('review-diff');
        const source = content.prompts.find((p) => p.slug === 'review-diff')!;
        expect(prompt).toMatchObject({ ...source, source: 'builtin' });
        expect(Date.parse(prompt!.createdAt)).not.toBeNaN();
      });

      it('returns null for unknown ids', async () => {
        expect(await store.getPrompt('no-such-prompt')).toBeNull();
        expect(await store.getPattern('no-such-pattern')).toBeNull();
      });

      it('returns the full pattern and counts its prompts', async () => {
        expect(await store.getPattern('persona')).toEqual(content.patterns.find((p) => p.id === 'persona'));
        const persona = (await store.listPatterns()).find((p) => p.id === 'persona');
        expect(persona?.promptCount).toBe(
          content.prompts.filter((p) => p.patterns.includes('persona')).length,
        );
      });
    });

    describe('listPrompts', () => {
      it('filters by role, category, pattern, tag and difficulty, combined', async () => {
        const slugs = async (query: Parameters<CatalogStore['listPrompts']>[0]) =>
          (await store.listPrompts(query)).items.map((p) => p.slug).sort();
        expect(await slugs({ role: 'devops-sre', limit: 50 })).toEqual([
          'explain-stack-trace',
          'review-migration',
        ]);
        expect(await slugs({ category: 'debugging', limit: 50 })).toEqual([
          'explain-stack-trace',
          'flaky-test',
        ]);
        expect(await slugs({ pattern: 'persona', limit: 50 })).toEqual(['review-diff', 'review-migration']);
        expect(await slugs({ tag: 'review', limit: 50 })).toEqual(['review-diff', 'review-migration']);
        expect(await slugs({ difficulty: 'advanced', limit: 50 })).toEqual(['review-migration']);
        expect(await slugs({ role: 'devops-sre', category: 'code-review', limit: 50 })).toEqual([
          'review-migration',
        ]);
        expect(
          await slugs({ role: 'devops-sre', difficulty: 'beginner', pattern: 'persona', limit: 50 }),
        ).toEqual([]);
      });

      it('ranks full-text matches, title matches first', async () => {
        const page = await store.listPrompts({ q: 'stack trace', limit: 10 });
        expect(page.items[0]?.slug).toBe('explain-stack-trace');
        const review = await store.listPrompts({ q: 'code review', limit: 10 });
        expect(review.items.length).toBeGreaterThan(0);
        expect(review.items.every((p) => p.category === 'code-review')).toBe(true);
      });

      it('matches descriptions, tags and templates, with stemming and prefixes', async () => {
        expect((await store.listPrompts({ q: 'rollbacks', limit: 10 })).items[0]?.slug).toBe(
          'review-migration',
        );
        expect((await store.listPrompts({ q: 'postgres', limit: 10 })).items[0]?.slug).toBe(
          'review-migration',
        );
        expect((await store.listPrompts({ q: 'concurrency', limit: 10 })).items[0]?.slug).toBe('review-diff');
        expect((await store.listPrompts({ q: 'flak', limit: 10 })).items[0]?.slug).toBe('flaky-test');
      });

      it('combines search with filters', async () => {
        const page = await store.listPrompts({ q: 'review', role: 'devops-sre', limit: 10 });
        expect(page.items.map((p) => p.slug)).toEqual(['review-migration']);
        expect(page.total).toBe(1);
      });

      it('treats search syntax in queries as plain words', async () => {
        for (const q of ['"', 'review OR', 'NEAR(a b)', '*', 'col:val', "'; DROP TABLE prompts; --", '()']) {
          const page = await store.listPrompts({ q, limit: 10 });
          expect(Array.isArray(page.items)).toBe(true);
        }
        expect((await store.listPrompts({ limit: 100 })).total).toBe(content.prompts.length);
      });

      it('paginates stably: pages of one cover every result exactly once, in order', async () => {
        for (const query of [{}, { q: 'review' }, { category: 'debugging' }]) {
          const all = await store.listPrompts({ ...query, limit: 100 });
          const walked: string[] = [];
          let cursor: string | undefined;
          do {
            const page = await store.listPrompts({ ...query, limit: 1, ...(cursor ? { cursor } : {}) });
            expect(page.total).toBe(all.total);
            walked.push(...page.items.map((p) => p.slug));
            cursor = page.nextCursor ?? undefined;
          } while (cursor);
          expect(walked).toEqual(all.items.map((p) => p.slug));
        }
      });

      it('rejects cursors it did not make', async () => {
        await expect(store.listPrompts({ limit: 1, cursor: 'not-a-cursor' })).rejects.toBeInstanceOf(
          InvalidCursorError,
        );
        const searchCursor = (await store.listPrompts({ q: 'review', limit: 1 })).nextCursor!;
        await expect(store.listPrompts({ limit: 1, cursor: searchCursor })).rejects.toBeInstanceOf(
          InvalidCursorError,
        );
      });
    });

    describe('facets', () => {
      it('counts prompts per role, category, pattern, tag and difficulty with labels', async () => {
        const facets = await store.facets();
        expect(facets.roles).toEqual([
          { id: 'engineer', label: 'Software Engineer', count: 4 },
          { id: 'devops-sre', label: 'DevOps / SRE', count: 2 },
        ]);
        expect(facets.categories).toEqual([
          { id: 'code-review', label: 'Code Review', count: 2 },
          { id: 'debugging', label: 'Debugging', count: 2 },
        ]);
        expect(facets.patterns).toContainEqual({ id: 'checklist', label: 'Checklist', count: 3 });
        expect(facets.tags[0]).toEqual({ id: 'review', label: 'review', count: 2 });
        expect(facets.difficulties).toEqual([
          { id: 'beginner', label: 'Beginner', count: 1 },
          { id: 'intermediate', label: 'Intermediate', count: 2 },
          { id: 'advanced', label: 'Advanced', count: 1 },
        ]);
      });
    });
  });
}
