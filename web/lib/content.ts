/**
 * Build-time access to the built-in library (content/*.yaml). Server only: pages are React Server
 * Components that call these functions while `next build` pre-renders them.
 */
import 'server-only';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { FsContentSource } from '../../src/adapters/fs/content-source';
import { validateCatalog, type Catalog } from '../../src/features/catalog/validate';
import {
  DIFFICULTIES,
  DIFFICULTY_LABEL,
  PATTERN_CATEGORIES,
  type EditorOptions,
  type FacetOption,
  type Labels,
  type LibraryFacets,
  type PatternDetail,
  type PatternSummary,
  type PromptDetail,
  type PromptSummary,
} from './types';

/** content/ lives at the repo root; `next build web` may run with cwd = repo root or = web/. */
export function contentDir(): string {
  const fromEnv = process.env.ENGIFY_CONTENT_DIR;
  if (fromEnv) return resolve(fromEnv);
  const candidates = [resolve(process.cwd(), 'content'), resolve(process.cwd(), '..', 'content')];
  const found = candidates.find((dir) => existsSync(join(dir, 'taxonomy.yaml')));
  if (!found) {
    throw new Error(`Engify content not found (looked in ${candidates.join(', ')}); set ENGIFY_CONTENT_DIR`);
  }
  return found;
}

export interface SiteContent {
  prompts: PromptDetail[];
  patterns: PatternDetail[];
  roles: Map<string, { label: string; description: string }>;
  categories: Map<string, { label: string; description: string }>;
  facets: LibraryFacets;
}

let cached: Promise<SiteContent> | undefined;

export function loadContent(): Promise<SiteContent> {
  cached ??= build().catch((err: unknown) => {
    cached = undefined;
    throw err;
  });
  return cached;
}

const byTitle = (a: { title: string }, b: { title: string }) => a.title.localeCompare(b.title, 'en');

async function build(): Promise<SiteContent> {
  const catalog: Catalog = validateCatalog(await new FsContentSource(contentDir()).read());

  const prompts: PromptDetail[] = catalog.prompts
    .map((p) => ({ ...p, source: 'builtin' as const }))
    .sort(byTitle);

  const promptCount = new Map<string, number>();
  for (const p of prompts) for (const id of p.patterns) promptCount.set(id, (promptCount.get(id) ?? 0) + 1);

  const patterns: PatternDetail[] = catalog.patterns
    .map((p) => ({ ...p, promptCount: promptCount.get(p.id) ?? 0 }))
    .sort(
      (a, b) =>
        PATTERN_CATEGORIES.indexOf(a.category) - PATTERN_CATEGORIES.indexOf(b.category) ||
        DIFFICULTIES.indexOf(a.level) - DIFFICULTIES.indexOf(b.level) ||
        a.name.localeCompare(b.name, 'en'),
    );

  const roles = new Map(
    catalog.taxonomy.roles.map((r) => [r.id, { label: r.label, description: r.description }]),
  );
  const categories = new Map(
    catalog.taxonomy.categories.map((c) => [c.id, { label: c.label, description: c.description }]),
  );

  const count = (values: string[]) => {
    const m = new Map<string, number>();
    for (const v of values) m.set(v, (m.get(v) ?? 0) + 1);
    return m;
  };
  const roleCounts = count(prompts.flatMap((p) => p.roles));
  const categoryCounts = count(prompts.map((p) => p.category));
  const tagCounts = count(prompts.flatMap((p) => p.tags));
  const difficultyCounts = count(prompts.map((p) => p.difficulty));

  const facets: LibraryFacets = {
    roles: catalog.taxonomy.roles.map((r) => ({
      id: r.id,
      label: r.label,
      count: roleCounts.get(r.id) ?? 0,
    })),
    categories: catalog.taxonomy.categories.map((c) => ({
      id: c.id,
      label: c.label,
      count: categoryCounts.get(c.id) ?? 0,
    })),
    patterns: patterns.map((p) => ({ id: p.id, label: p.name, count: p.promptCount })),
    tags: [...tagCounts.entries()]
      .map(([id, n]): FacetOption => ({ id, label: id, count: n }))
      .sort((a, b) => b.count - a.count || a.id.localeCompare(b.id)),
    difficulties: DIFFICULTIES.map((d) => ({
      id: d,
      label: DIFFICULTY_LABEL[d],
      count: difficultyCounts.get(d) ?? 0,
    })),
  };

  return { prompts, patterns, roles, categories, facets };
}

export function toSummary(p: PromptDetail): PromptSummary {
  return {
    slug: p.slug,
    title: p.title,
    description: p.description,
    category: p.category,
    roles: p.roles,
    patterns: p.patterns,
    tags: p.tags,
    difficulty: p.difficulty,
    source: p.source,
  };
}

export function toPatternSummary(p: PatternDetail): PatternSummary {
  return {
    id: p.id,
    name: p.name,
    category: p.category,
    level: p.level,
    summary: p.summary,
    promptCount: p.promptCount,
  };
}

export async function getPrompt(slug: string): Promise<PromptDetail | undefined> {
  return (await loadContent()).prompts.find((p) => p.slug === slug);
}

export async function getPattern(id: string): Promise<PatternDetail | undefined> {
  return (await loadContent()).patterns.find((p) => p.id === id);
}

export async function getLabels(): Promise<Labels> {
  const c = await loadContent();
  return {
    roles: Object.fromEntries([...c.roles].map(([id, v]) => [id, v.label])),
    categories: Object.fromEntries([...c.categories].map(([id, v]) => [id, v.label])),
    patterns: Object.fromEntries(c.patterns.map((p) => [p.id, p.name])),
  };
}

/** Categories, roles and patterns a user prompt may use: the same as the built-in content's. */
export async function getEditorOptions(): Promise<EditorOptions> {
  const c = await loadContent();
  return {
    categories: [...c.categories].map(([id, v]) => ({ id, label: v.label })),
    roles: [...c.roles].map(([id, v]) => ({ id, label: v.label })),
    patterns: c.patterns
      .map((p) => ({ id: p.id, label: p.name }))
      .sort((a, b) => a.label.localeCompare(b.label, 'en')),
  };
}
