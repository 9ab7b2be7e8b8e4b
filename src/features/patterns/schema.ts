import { z } from '@hono/zod-openapi';

export const Slug = z
  .string()
  .min(2)
  .max(80)
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'lowercase words joined by single hyphens');

export const Difficulty = z.enum(['beginner', 'intermediate', 'advanced']).openapi('Difficulty');
export type Difficulty = z.infer<typeof Difficulty>;

export const PatternCategory = z
  .enum(['FOUNDATIONAL', 'STRUCTURAL', 'COGNITIVE', 'ITERATIVE'])
  .openapi('PatternCategory');

/** A prompt pattern as written in `content/patterns/*.yaml` and as stored. */
export const Pattern = z
  .object({
    id: Slug,
    name: z.string().min(2).max(80),
    category: PatternCategory,
    level: Difficulty,
    summary: z.string().min(20).max(400),
    howItWorks: z.string().min(80),
    example: z.object({
      scenario: z.string().min(10),
      prompt: z.string().min(40),
      why: z.string().min(20),
    }),
    useCases: z.array(z.string().min(5)).min(2),
    bestPractices: z.array(z.string().min(5)).min(2),
    commonMistakes: z.array(z.string().min(5)).min(2),
    relatedPatterns: z.array(Slug),
  })
  .strict()
  .openapi('Pattern');
export type Pattern = z.infer<typeof Pattern>;

export const PatternSummary = Pattern.pick({
  id: true,
  name: true,
  category: true,
  level: true,
  summary: true,
})
  .extend({ promptCount: z.number().int() })
  .openapi('PatternSummary');
export type PatternSummary = z.infer<typeof PatternSummary>;

export const PatternList = z.object({ items: z.array(PatternSummary) }).openapi('PatternList');
