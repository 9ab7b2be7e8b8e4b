import { AppError } from '../../lib/errors.js';
import type { CatalogStore, PromptSummary } from '../../ports/catalog-store.js';
import type { Pattern, PatternSummary } from './schema.js';

export class PatternService {
  constructor(private readonly store: CatalogStore) {}

  list(): Promise<PatternSummary[]> {
    return this.store.listPatterns();
  }

  /** A pattern with every prompt that uses it. */
  async get(id: string): Promise<Pattern & { prompts: PromptSummary[] }> {
    const pattern = await this.store.getPattern(id);
    if (!pattern) throw AppError.notFound(`Pattern "${id}"`);
    const prompts: PromptSummary[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.store.listPrompts({ pattern: id, limit: 100, ...(cursor ? { cursor } : {}) });
      prompts.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return { ...pattern, prompts };
  }
}
