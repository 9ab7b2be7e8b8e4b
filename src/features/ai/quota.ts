import type { Tier } from '../../ports/account-store.js';
import type { ExecutionStore } from '../../ports/execution-store.js';
import type { QuotaState, TokenQuota } from '../../ports/quota.js';

/** Daily token budgets per tier (input + output tokens, UTC day). `null` = unlimited. */
export const DAILY_TOKEN_QUOTAS: Record<Tier, number | null> = {
  free: 200_000,
  pro: 2_000_000,
  team: 10_000_000,
};

/** Counts today's tokens from the stored executions (a per-day counter), so the quota survives restarts and is exact. */
export class ExecutionTokenQuota implements TokenQuota {
  constructor(
    private readonly executions: ExecutionStore,
    private readonly quotas: Record<Tier, number | null> = DAILY_TOKEN_QUOTAS,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async state(userId: string, tier: Tier): Promise<QuotaState> {
    const now = this.now();
    const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
    const reset = new Date(start.getTime() + 24 * 3600 * 1000);
    return {
      used: await this.executions.tokensOnDay(userId, start.toISOString().slice(0, 10)),
      limit: this.quotas[tier],
      resetAt: reset.toISOString(),
    };
  }
}
