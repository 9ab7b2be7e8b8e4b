/**
 * Client-safe view types. These mirror the HTTP API contract (`/api/...`) and are what the
 * build-time loader hands to pages. Never import Node-only modules from here.
 */

export type Difficulty = 'beginner' | 'intermediate' | 'advanced';
export const DIFFICULTIES: readonly Difficulty[] = ['beginner', 'intermediate', 'advanced'];

export type PatternCategory = 'FOUNDATIONAL' | 'STRUCTURAL' | 'COGNITIVE' | 'ITERATIVE';
export const PATTERN_CATEGORIES: readonly PatternCategory[] = [
  'FOUNDATIONAL',
  'STRUCTURAL',
  'COGNITIVE',
  'ITERATIVE',
];

export interface PromptSummary {
  slug: string;
  title: string;
  description: string;
  category: string;
  roles: string[];
  patterns: string[];
  tags: string[];
  difficulty: Difficulty;
  source: 'builtin' | 'user';
}

export interface PromptVariable {
  name: string;
  description: string;
  required: boolean;
  default?: string;
  example?: string;
}

export interface PromptDetail extends PromptSummary {
  variables: PromptVariable[];
  template: string;
  createdAt?: string;
  updatedAt?: string;
}

export interface PromptPage {
  items: PromptSummary[];
  total: number;
  nextCursor: string | null;
}

export interface PatternSummary {
  id: string;
  name: string;
  category: PatternCategory;
  level: Difficulty;
  summary: string;
  promptCount: number;
}

export interface PatternDetail extends PatternSummary {
  howItWorks: string;
  example: { scenario: string; prompt: string; why: string };
  useCases: string[];
  bestPractices: string[];
  commonMistakes: string[];
  relatedPatterns: string[];
}

export interface FacetOption {
  id: string;
  label: string;
  count: number;
}

/** Filter options for the library, built from the built-in content so filters render without JS. */
export interface LibraryFacets {
  roles: FacetOption[];
  categories: FacetOption[];
  patterns: FacetOption[];
  tags: FacetOption[];
  difficulties: FacetOption[];
}

export const DIFFICULTY_LABEL: Record<Difficulty, string> = {
  beginner: 'Beginner',
  intermediate: 'Intermediate',
  advanced: 'Advanced',
};

export const PATTERN_CATEGORY_INFO: Record<PatternCategory, { label: string; blurb: string }> = {
  FOUNDATIONAL: {
    label: 'Foundational',
    blurb: 'The basics every prompt needs: a clear role, context and an explicit task.',
  },
  STRUCTURAL: {
    label: 'Structural',
    blurb: 'Shape the input and the output: templates, formats, delimiters and examples.',
  },
  COGNITIVE: {
    label: 'Cognitive',
    blurb: 'Guide how the model reasons: step-by-step thinking, decomposition and critique.',
  },
  ITERATIVE: {
    label: 'Iterative',
    blurb: 'Improve results over several turns: refine, verify and build on earlier answers.',
  },
};

/** Id → display label lookups handed to client components (plain objects serialise to the client). */
export interface Labels {
  roles: Record<string, string>;
  categories: Record<string, string>;
  patterns: Record<string, string>;
}

export function promptHref(p: Pick<PromptSummary, 'slug' | 'source'>): string {
  // Built-in prompts are pre-rendered; user prompts exist only in the API, so they use a client page.
  return p.source === 'builtin' ? `/prompts/${p.slug}` : `/library/prompt?slug=${encodeURIComponent(p.slug)}`;
}
