/** A budget: `points` per window of `durationSec`; optionally block the key for `blockSec` once it is exceeded. */
export interface RateRule {
  points: number;
  durationSec: number;
  blockSec?: number;
}

export interface RateDecision {
  /** consume: whether these points were granted. peek: whether one more point would be. */
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the window (or block) ends; 0 when no window is open. */
  resetSec: number;
  /** Seconds to wait before trying again; only when `allowed` is false. */
  retryAfterSec?: number;
}

/**
 * Fixed-window counters keyed by caller-chosen strings (e.g. `api:user:42`). A key's counter belongs to
 * its rule: the same key under two different rules is two counters. Implemented in memory (one process)
 * and on Redis (shared by every instance); test/contract/rate-limiter.contract.ts defines the behaviour.
 */
export interface RateLimiter {
  readonly kind: string;
  /** Takes `points` (default 1) from the key's budget. Never throws for an exhausted budget. */
  consume(key: string, rule: RateRule, points?: number): Promise<RateDecision>;
  /** Reads the key's budget without taking anything. */
  peek(key: string, rule: RateRule): Promise<RateDecision>;
  /** Forgets the key's counter (and any block) under this rule. */
  reset(key: string, rule: RateRule): Promise<void>;
  close(): Promise<void>;
}
