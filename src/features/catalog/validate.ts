import type { z } from '@hono/zod-openapi';
import type { RawContent } from '../../ports/content-source.js';
import { extractVariables, TemplateSyntaxError } from '../../lib/template.js';
import { Pattern } from '../patterns/schema.js';
import { PromptContent, Taxonomy } from '../prompts/schema.js';

export interface Catalog {
  taxonomy: Taxonomy;
  patterns: Pattern[];
  prompts: PromptContent[];
}

export class ContentError extends Error {
  constructor(readonly problems: string[]) {
    super(`Built-in content is invalid (${problems.length} problem(s)):\n  - ${problems.join('\n  - ')}`);
    this.name = 'ContentError';
  }
}

function issues(file: string, error: z.ZodError): string[] {
  return error.issues.map((i) => `${file}: ${i.path.join('.') || '(root)'}: ${i.message}`);
}

/**
 * Validates raw content files and every cross-reference between them. Collects all problems
 * before failing so an author sees the whole list at once.
 */
export function validateCatalog(raw: RawContent): Catalog {
  const problems: string[] = [];

  const taxonomyResult = Taxonomy.safeParse(raw.taxonomy.data);
  if (!taxonomyResult.success) problems.push(...issues(raw.taxonomy.file, taxonomyResult.error));
  const taxonomy = taxonomyResult.data ?? { roles: [], categories: [] };
  const roleIds = new Set(taxonomy.roles.map((r) => r.id));
  const categoryIds = new Set(taxonomy.categories.map((c) => c.id));

  const patterns: Pattern[] = [];
  const patternFiles = new Map<string, string>();
  for (const { file, data } of raw.patterns) {
    const result = Pattern.safeParse(data);
    if (!result.success) {
      problems.push(...issues(file, result.error));
      continue;
    }
    const previous = patternFiles.get(result.data.id);
    if (previous) problems.push(`${file}: pattern id "${result.data.id}" is also used by ${previous}`);
    patternFiles.set(result.data.id, file);
    patterns.push(result.data);
  }
  for (const pattern of patterns) {
    for (const related of pattern.relatedPatterns) {
      if (!patternFiles.has(related)) {
        problems.push(`${patternFiles.get(pattern.id)}: relatedPatterns: unknown pattern "${related}"`);
      }
      if (related === pattern.id) problems.push(`${patternFiles.get(pattern.id)}: relates to itself`);
    }
  }

  const prompts: PromptContent[] = [];
  const promptFiles = new Map<string, string>();
  for (const { file, data } of raw.prompts) {
    const result = PromptContent.safeParse(data);
    if (!result.success) {
      problems.push(...issues(file, result.error));
      continue;
    }
    const prompt = result.data;
    const previous = promptFiles.get(prompt.slug);
    if (previous) problems.push(`${file}: slug "${prompt.slug}" is also used by ${previous}`);
    promptFiles.set(prompt.slug, file);

    if (!categoryIds.has(prompt.category)) problems.push(`${file}: unknown category "${prompt.category}"`);
    for (const role of prompt.roles) {
      if (!roleIds.has(role)) problems.push(`${file}: unknown role "${role}"`);
    }
    for (const id of prompt.patterns) {
      if (!patternFiles.has(id)) problems.push(`${file}: unknown pattern "${id}"`);
    }
    let used: string[] = [];
    try {
      used = extractVariables(prompt.template);
    } catch (err) {
      if (!(err instanceof TemplateSyntaxError)) throw err;
      problems.push(`${file}: template: ${err.message}`);
    }
    const declared = prompt.variables.map((v) => v.name);
    for (const name of used) {
      if (!declared.includes(name)) problems.push(`${file}: template uses undeclared variable "${name}"`);
    }
    for (const name of declared) {
      if (!used.includes(name)) problems.push(`${file}: variable "${name}" is declared but never used`);
    }
    if (new Set(declared).size !== declared.length) problems.push(`${file}: duplicate variable names`);
    for (const v of prompt.variables) {
      if (v.required && v.default !== undefined) {
        problems.push(`${file}: variable "${v.name}" is required, so it cannot have a default`);
      }
      if (v.required && !v.example) problems.push(`${file}: required variable "${v.name}" needs an example`);
    }
    prompts.push(prompt);
  }

  if (problems.length > 0) throw new ContentError(problems);
  return { taxonomy, patterns, prompts };
}
