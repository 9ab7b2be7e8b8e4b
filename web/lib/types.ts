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
  /** Present on API responses (built-in prompts are always public). */
  visibility?: Visibility;
  rating?: Rating;
}

export type Visibility = 'private' | 'public';

export interface Rating {
  /** Average stars (1–5), null when nobody has rated yet. */
  average: number | null;
  count: number;
}

/** The signed-in caller's relation to a prompt (only sent when signed in). */
export interface Viewer {
  owner: boolean;
  favorite: boolean;
  rating: number | null;
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
  viewer?: Viewer;
}

export interface PromptPage {
  items: PromptSummary[];
  total: number;
  nextCursor: string | null;
}

export type Role = 'user' | 'admin';
export type Tier = 'free' | 'pro' | 'team';
export const TIERS: readonly Tier[] = ['free', 'pro', 'team'];
export const TIER_LABEL: Record<Tier, string> = { free: 'Free', pro: 'Pro', team: 'Team' };

export interface User {
  id: string;
  email: string;
  name: string | null;
  role: Role;
  tier: Tier;
  createdAt: string;
  updatedAt?: string;
}

export interface Me {
  user: User;
  via: 'session' | 'api_key';
}

export interface ApiKey {
  id: string;
  name: string;
  /** First characters of the key, e.g. `egk_ab12cd34`; the key itself is never sent again. */
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
}

/** What `POST /api/prompts` and `PATCH /api/prompts/:slug` accept. */
export interface PromptInput {
  title: string;
  description: string;
  template: string;
  variables?: PromptVariable[];
  category: string;
  roles: string[];
  tags: string[];
  patterns?: string[];
  difficulty?: Difficulty;
  visibility: Visibility;
}

export interface EditorOption {
  id: string;
  label: string;
}

/** Taxonomy the API accepts for user prompts (the built-in content's), handed over at build time. */
export interface EditorOptions {
  categories: EditorOption[];
  roles: EditorOption[];
  patterns: EditorOption[];
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

// ---- AI: provider keys, runs, history ------------------------------------------------------------

/** Providers a key can be stored for (`gemini` is accepted by the API as another name for `google`). */
export type Provider = 'openai' | 'anthropic' | 'google' | 'openai-compatible';
export const PROVIDERS: readonly Provider[] = ['openai', 'anthropic', 'google', 'openai-compatible'];

/** A stored provider key as the API shows it: masked, never the key itself. */
export interface ProviderKey {
  id: string;
  provider: Provider;
  label: string | null;
  /** Only for openai-compatible keys (and server-wide overrides). */
  baseURL: string | null;
  /** e.g. `sk-…abcd` */
  mask: string;
  createdAt: string;
  lastUsedAt: string | null;
}

export interface ProviderKeyInput {
  provider: Provider;
  apiKey: string;
  label?: string;
  baseURL?: string;
}

export interface KeyTestResult {
  ok: boolean;
  code?: string;
  message?: string;
}

export interface Settings {
  defaultProvider: Provider | null;
}

export type ChatRole = 'system' | 'user' | 'assistant';

export interface ChatMessage {
  role: ChatRole;
  content: string;
}

export interface RunOptions {
  temperature?: number;
  maxTokens?: number;
}

/** Which provider, key and model a run uses (all optional: the API picks sensible defaults). */
export interface RunTarget {
  provider?: Provider;
  model?: string;
  keyId?: string;
}

export type ExecutionStatus = 'running' | 'succeeded' | 'failed' | 'aborted';
export const EXECUTION_STATUSES: readonly ExecutionStatus[] = ['running', 'succeeded', 'failed', 'aborted'];

export interface ExecutionSummary {
  id: string;
  promptSlug: string | null;
  provider: Provider;
  model: string;
  keyId: string | null;
  options: RunOptions;
  compareId: string | null;
  inputTokens: number | null;
  outputTokens: number | null;
  tokensEstimated: boolean;
  costUsd: number | null;
  priceVersion: string | null;
  latencyMs: number | null;
  ttftMs: number | null;
  status: ExecutionStatus;
  errorCode: string | null;
  createdAt: string;
  finishedAt: string | null;
}

export interface Execution extends ExecutionSummary {
  output: string;
}

export interface ExecutionPage {
  items: ExecutionSummary[];
  nextCursor: string | null;
}

/** The events of `/api/ai/stream`, `/api/prompts/:slug/run` (stream) and `/api/ai/compare` (with `column`). */
export type RunEvent =
  | { type: 'start'; executionId: string; provider: Provider; model: string }
  | { type: 'delta'; text: string }
  | { type: 'usage'; inputTokens: number; outputTokens: number; estimated: boolean }
  | { type: 'done'; executionId: string; costUsd: number | null; latencyMs: number; ttftMs: number | null }
  | { type: 'error'; code: string; message: string; partial: boolean };

export type CompareEvent =
  | { type: 'compare'; compareId: string; columns: number }
  | { type: 'end'; compareId: string }
  | (RunEvent & { column: number });
