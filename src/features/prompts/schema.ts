import { z } from '@hono/zod-openapi';
import { VARIABLE_NAME } from '../../lib/template.js';
import { Difficulty, Slug } from '../patterns/schema.js';

export const TaxonomyId = z
  .string()
  .min(2)
  .max(40)
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/);

export const Variable = z
  .object({
    name: z.string().regex(VARIABLE_NAME, 'snake_case identifier'),
    description: z.string().min(3).max(300),
    required: z.boolean(),
    default: z.string().max(2000).optional(),
    example: z.string().max(4000).optional(),
  })
  .strict()
  .openapi('Variable');
export type Variable = z.infer<typeof Variable>;

/** A prompt template as written in `content/prompts/**.yaml`. */
export const PromptContent = z
  .object({
    slug: Slug,
    title: z.string().min(5).max(120),
    description: z.string().min(20).max(500),
    category: TaxonomyId,
    roles: z.array(TaxonomyId).min(1),
    patterns: z.array(Slug).min(1),
    tags: z.array(TaxonomyId).min(1).max(12),
    difficulty: Difficulty,
    variables: z.array(Variable),
    template: z.string().min(80).max(20000),
  })
  .strict();
export type PromptContent = z.infer<typeof PromptContent>;

/** A prompt as the API returns it. */
export const Rating = z
  .object({ average: z.number().nullable(), count: z.number().int() })
  .openapi('Rating', { description: 'Average stars (1-5, null when unrated) and number of ratings' });

export const Prompt = PromptContent.extend({
  // Built-in content has stricter minimums than user prompts; responses carry both.
  title: z.string(),
  description: z.string(),
  template: z.string(),
  tags: z.array(TaxonomyId),
  patterns: z.array(Slug),
  roles: z.array(TaxonomyId),
  source: z.enum(['builtin', 'user']),
  visibility: z.enum(['public', 'private']),
  rating: Rating,
  createdAt: z.string(),
  updatedAt: z.string(),
  viewer: z
    .object({ owner: z.boolean(), favorite: z.boolean(), rating: z.number().int().nullable() })
    .optional()
    .openapi({ description: "The signed-in caller's relation to this prompt" }),
}).openapi('Prompt');
export type Prompt = z.infer<typeof Prompt>;

export const TaxonomyEntry = z
  .object({
    id: TaxonomyId,
    label: z.string().min(2).max(60),
    description: z.string().min(10).max(300),
  })
  .strict();

/** `content/taxonomy.yaml`: the roles and categories prompts may use. */
export const Taxonomy = z
  .object({
    roles: z.array(TaxonomyEntry).min(1),
    categories: z.array(TaxonomyEntry).min(1),
  })
  .strict();
export type Taxonomy = z.infer<typeof Taxonomy>;

export const PromptSummary = Prompt.omit({
  variables: true,
  template: true,
  createdAt: true,
  updatedAt: true,
  viewer: true,
}).openapi('PromptSummary');

export const PromptListQuery = z.object({
  q: z.string().max(200).optional().openapi({ description: 'Full-text search', example: 'code review' }),
  role: TaxonomyId.optional(),
  category: TaxonomyId.optional(),
  pattern: Slug.optional(),
  tag: TaxonomyId.optional(),
  difficulty: Difficulty.optional(),
  limit: z.coerce
    .number({ error: 'must be a whole number from 1 to 100' })
    .int({ error: 'must be a whole number from 1 to 100' })
    .min(1, { error: 'must be at least 1' })
    .max(100, { error: 'must be at most 100' })
    .default(20),
  cursor: z.string().max(500).optional().openapi({ description: 'nextCursor from the previous page' }),
});

export const PromptPage = z
  .object({ items: z.array(PromptSummary), total: z.number().int(), nextCursor: z.string().nullable() })
  .openapi('PromptPage');

export const RenderRequest = z
  .object({
    variables: z
      .record(z.string().max(64), z.string().max(100_000))
      .default({})
      .openapi({ example: { language: 'TypeScript' } }),
  })
  .strict()
  .openapi('RenderRequest');

export const RenderResponse = z.object({ text: z.string() }).openapi('RenderResponse');

const FacetCount = z.object({ id: z.string(), label: z.string(), count: z.number().int() });
export const Facets = z
  .object({
    roles: z.array(FacetCount),
    categories: z.array(FacetCount),
    patterns: z.array(FacetCount),
    tags: z.array(FacetCount),
    difficulties: z.array(FacetCount),
  })
  .openapi('Facets');

const PromptFields = {
  title: z.string().trim().min(3).max(120),
  description: z.string().trim().min(1).max(500),
  template: z.string().min(1).max(20000),
  variables: z
    .array(Variable)
    .max(50)
    .optional()
    .openapi({ description: 'Detected from the template when omitted' }),
  category: TaxonomyId,
  roles: z.array(TaxonomyId).max(10),
  tags: z.array(TaxonomyId).max(12),
  patterns: z.array(Slug).max(8),
  difficulty: Difficulty,
  visibility: z.enum(['private', 'public']),
};

export const CreatePromptRequest = z
  .object({
    ...PromptFields,
    roles: PromptFields.roles.default([]),
    tags: PromptFields.tags.default([]),
    patterns: PromptFields.patterns.default([]),
    difficulty: PromptFields.difficulty.default('intermediate'),
    visibility: PromptFields.visibility.default('private'),
  })
  .strict()
  .openapi('CreatePromptRequest');
export type CreatePromptRequest = z.infer<typeof CreatePromptRequest>;

export const UpdatePromptRequest = z
  .object(PromptFields)
  .partial()
  .strict()
  .refine((v) => Object.keys(v).length > 0, { error: 'send at least one field to change' })
  .openapi('UpdatePromptRequest');
export type UpdatePromptRequest = z.infer<typeof UpdatePromptRequest>;

export const RatingRequest = z
  .object({ stars: z.number().int().min(1).max(5) })
  .strict()
  .openapi('RatingRequest');
