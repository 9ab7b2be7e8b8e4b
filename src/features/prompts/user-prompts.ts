import { AppError } from '../../lib/errors.js';
import { extractVariables, TemplateSyntaxError } from '../../lib/template.js';
import type { CatalogStore, UserPromptInput } from '../../ports/catalog-store.js';
import type { CreatePromptRequest, Prompt, UpdatePromptRequest, Variable } from './schema.js';

/** Section names (`{{#name}}`) mark optional variables; everything else detected is required. */
function detectVariables(template: string): Variable[] {
  const optional = new Set([...template.matchAll(/\{\{\s*#\s*([a-z][a-z0-9_]*)\s*\}\}/g)].map((m) => m[1]!));
  return extractVariables(template).map((name) => ({
    name,
    description: `Value for ${name.replace(/_/g, ' ')}`,
    required: !optional.has(name),
  }));
}

/** Users' own prompts: create, edit, delete, favorite, rate. Owners only; others get 404. */
export class UserPromptService {
  constructor(private readonly store: CatalogStore) {}

  private async validate(input: CreatePromptRequest): Promise<UserPromptInput> {
    let used: string[];
    try {
      used = extractVariables(input.template);
    } catch (err) {
      if (err instanceof TemplateSyntaxError) {
        throw AppError.badRequest('invalid_request', `template: ${err.message}`, {
          fields: [{ field: 'body.template', message: err.message }],
        });
      }
      throw err;
    }
    const variables = input.variables ?? detectVariables(input.template);
    const declared = variables.map((v) => v.name);
    const undeclared = used.filter((n) => !declared.includes(n));
    const unused = declared.filter((n) => !used.includes(n));
    if (undeclared.length || unused.length || new Set(declared).size !== declared.length) {
      throw AppError.badRequest(
        'invalid_request',
        `variables must match the template: ${[
          undeclared.length ? `used but not declared: ${undeclared.join(', ')}` : '',
          unused.length ? `declared but not used: ${unused.join(', ')}` : '',
          new Set(declared).size !== declared.length ? 'duplicate names' : '',
        ]
          .filter(Boolean)
          .join('; ')}`,
        { undeclared, unused },
      );
    }
    const known = await this.store.taxonomyIds();
    const unknown = [
      ...(known.categories.includes(input.category) ? [] : [`category "${input.category}"`]),
      ...input.roles.filter((r) => !known.roles.includes(r)).map((r) => `role "${r}"`),
      ...input.patterns.filter((p) => !known.patterns.includes(p)).map((p) => `pattern "${p}"`),
    ];
    if (unknown.length > 0) {
      throw AppError.badRequest('invalid_request', `Unknown ${unknown.join(', ')}`, { unknown });
    }
    return {
      title: input.title,
      description: input.description,
      template: input.template,
      variables,
      category: input.category,
      roles: [...new Set(input.roles)],
      tags: [...new Set(input.tags)],
      patterns: [...new Set(input.patterns)],
      difficulty: input.difficulty,
      visibility: input.visibility,
    };
  }

  async create(ownerId: string, input: CreatePromptRequest): Promise<Prompt> {
    return this.store.createUserPrompt(ownerId, await this.validate(input));
  }

  async update(ownerId: string, slug: string, patch: UpdatePromptRequest): Promise<Prompt> {
    const current = await this.store.getPrompt(slug, ownerId);
    if (!current || !current.viewer?.owner) throw AppError.notFound(`Prompt "${slug}"`);
    // A new template without new variables re-detects them; otherwise keep the stored ones.
    const variables = patch.variables ?? (patch.template !== undefined ? undefined : current.variables);
    const merged: CreatePromptRequest = {
      title: patch.title ?? current.title,
      description: patch.description ?? current.description,
      template: patch.template ?? current.template,
      ...(variables ? { variables } : {}),
      category: patch.category ?? current.category,
      roles: patch.roles ?? current.roles,
      tags: patch.tags ?? current.tags,
      patterns: patch.patterns ?? current.patterns,
      difficulty: patch.difficulty ?? current.difficulty,
      visibility: patch.visibility ?? current.visibility,
    };
    const updated = await this.store.updateUserPrompt(ownerId, slug, await this.validate(merged));
    if (!updated) throw AppError.notFound(`Prompt "${slug}"`);
    return updated;
  }

  async remove(ownerId: string, slug: string): Promise<void> {
    if (!(await this.store.deleteUserPrompt(ownerId, slug))) throw AppError.notFound(`Prompt "${slug}"`);
  }

  async favorite(userId: string, slug: string, favorite: boolean): Promise<{ favorite: boolean }> {
    if (!(await this.store.setFavorite(userId, slug, favorite))) throw AppError.notFound(`Prompt "${slug}"`);
    return { favorite };
  }

  async rate(userId: string, slug: string, stars: number) {
    const rating = await this.store.setRating(userId, slug, stars);
    if (!rating) throw AppError.notFound(`Prompt "${slug}"`);
    return { stars, rating };
  }
}
