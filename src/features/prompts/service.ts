import { AppError } from '../../lib/errors.js';
import { renderTemplate } from '../../lib/template.js';
import {
  InvalidCursorError,
  type CatalogStore,
  type Facets,
  type PromptPage,
  type PromptQuery,
} from '../../ports/catalog-store.js';
import type { Prompt } from './schema.js';

export class PromptService {
  constructor(private readonly store: CatalogStore) {}

  async list(query: PromptQuery): Promise<PromptPage> {
    try {
      return await this.store.listPrompts(query);
    } catch (err) {
      if (err instanceof InvalidCursorError) {
        throw AppError.badRequest(
          'invalid_cursor',
          'cursor is not valid for this query; start again without it',
        );
      }
      throw err;
    }
  }

  async get(slug: string, viewerId: string | null = null): Promise<Prompt> {
    const prompt = await this.store.getPrompt(slug, viewerId);
    if (!prompt) throw AppError.notFound(`Prompt "${slug}"`);
    return prompt;
  }

  /**
   * Fills a prompt's template. Defaults apply to omitted optional variables; unknown names and
   * missing required values are rejected so a typo never silently produces a half-filled prompt.
   */
  async render(
    slug: string,
    values: Record<string, string>,
    viewerId: string | null = null,
  ): Promise<{ text: string }> {
    const prompt = await this.get(slug, viewerId);
    const declared = new Set(prompt.variables.map((v) => v.name));
    const unknown = Object.keys(values).filter((name) => !declared.has(name));
    if (unknown.length > 0) {
      throw AppError.badRequest(
        'unknown_variables',
        `Unknown variable(s): ${unknown.join(', ')}. This prompt takes: ${[...declared].join(', ') || 'none'}`,
        { unknown, allowed: [...declared] },
      );
    }
    const resolved: Record<string, string> = {};
    const missing: string[] = [];
    for (const variable of prompt.variables) {
      const value = Object.hasOwn(values, variable.name) ? values[variable.name] : undefined;
      if (value !== undefined && value.trim() !== '') resolved[variable.name] = value;
      else if (variable.required) missing.push(variable.name);
      else resolved[variable.name] = variable.default ?? '';
    }
    if (missing.length > 0) {
      throw AppError.badRequest('missing_variables', `Missing required variable(s): ${missing.join(', ')}`, {
        missing,
      });
    }
    return { text: renderTemplate(prompt.template, resolved) };
  }

  facets(): Promise<Facets> {
    return this.store.facets();
  }
}
