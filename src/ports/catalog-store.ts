import type { Pattern, PatternSummary, Difficulty } from '../features/patterns/schema.js';
import type { Prompt, PromptContent, Taxonomy } from '../features/prompts/schema.js';

/** Built-in library content, already validated. */
export interface CatalogContent {
  taxonomy: Taxonomy;
  patterns: Pattern[];
  prompts: PromptContent[];
}

export interface SyncReport {
  /** True when the stored built-ins already matched this content and nothing was written. */
  unchanged: boolean;
  prompts: { inserted: number; updated: number; deleted: number; skipped: string[] };
  patterns: { inserted: number; updated: number; deleted: number };
}

export interface PromptQuery {
  /** Full-text query (free text; the store decides how to tokenize it). */
  q?: string;
  role?: string;
  category?: string;
  pattern?: string;
  tag?: string;
  difficulty?: Difficulty;
  limit: number;
  /** Opaque continuation token from a previous page. */
  cursor?: string;
}

export type PromptSummary = Omit<Prompt, 'variables' | 'template' | 'createdAt' | 'updatedAt'>;

export interface PromptPage {
  items: PromptSummary[];
  total: number;
  nextCursor: string | null;
}

export interface FacetCount {
  id: string;
  label: string;
  count: number;
}

export interface Facets {
  roles: FacetCount[];
  categories: FacetCount[];
  patterns: FacetCount[];
  tags: FacetCount[];
  difficulties: FacetCount[];
}

/** Thrown by a store when a cursor it is given was not made by it (or is corrupt). */
export class InvalidCursorError extends Error {
  constructor() {
    super('The cursor is not valid for this query');
    this.name = 'InvalidCursorError';
  }
}

/**
 * The prompt library: built-in prompts and patterns (and, later, user prompts). Implemented by the
 * SQLite adapter locally and the MongoDB adapter in production; the contract suite in
 * test/contract/catalog-store.contract.ts defines the behaviour both must have.
 */
export interface CatalogStore {
  readonly kind: string;
  /**
   * Makes the stored built-ins equal to `content`: inserts new ones, updates changed ones and deletes
   * built-ins no longer shipped. Never touches user-created rows. Idempotent.
   */
  syncBuiltins(content: CatalogContent): Promise<SyncReport>;
  listPrompts(query: PromptQuery): Promise<PromptPage>;
  getPrompt(slug: string): Promise<Prompt | null>;
  listPatterns(): Promise<PatternSummary[]>;
  getPattern(id: string): Promise<Pattern | null>;
  facets(): Promise<Facets>;
  /** Cheap liveness probe for /api/health. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
