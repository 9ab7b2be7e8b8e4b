import type { Tier } from './account-store.js';

export interface QuotaState {
  /** Tokens used in the current window. */
  used: number;
  /** Null when the tier is unlimited. */
  limit: number | null;
  /** When the current window ends (ISO time). */
  resetAt: string;
}

/** Per-user daily token budgets, typed per tier. */
export interface TokenQuota {
  state(userId: string, tier: Tier): Promise<QuotaState>;
}
