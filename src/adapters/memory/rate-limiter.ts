import { RateLimiterMemory, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { RateDecision, RateLimiter, RateRule } from '../../ports/rate-limiter.js';

const isPositiveInt = (n: unknown): n is number => Number.isInteger(n) && (n as number) > 0;

/** Rejects rules rate-limiter-flexible would misread (0 duration means "forever" to it). */
export function checkRule(rule: RateRule): void {
  const blockOk = rule.blockSec === undefined || rule.blockSec === 0 || isPositiveInt(rule.blockSec);
  if (!isPositiveInt(rule.points) || !isPositiveInt(rule.durationSec) || !blockOk) {
    throw new RangeError(
      `Invalid rate rule ${JSON.stringify(rule)}: points and durationSec must be positive integers, blockSec too when set`,
    );
  }
}

/** Names a rule, e.g. `10p60sb60s`; used in storage keys so counters of different rules never mix. */
export function ruleId(rule: RateRule): string {
  return `${rule.points}p${rule.durationSec}s${rule.blockSec ? `b${rule.blockSec}s` : ''}`;
}

/** Points to consume must be a positive integer (Redis counters are integers). */
export function checkPoints(points: number): void {
  if (!isPositiveInt(points)) throw new RangeError(`points must be a positive integer, got ${points}`);
}

const seconds = (ms: number) => Math.max(0, Math.ceil(ms / 1000));

/** Consumes through any rate-limiter-flexible limiter; a rejection with RateLimiterRes means "over". */
export async function consumeWith(
  limiter: RateLimiterAbstract,
  key: string,
  rule: RateRule,
  points: number,
): Promise<RateDecision> {
  checkPoints(points);
  try {
    const res = await limiter.consume(key, points);
    return {
      allowed: true,
      limit: rule.points,
      remaining: res.remainingPoints,
      resetSec: seconds(res.msBeforeNext),
    };
  } catch (err) {
    if (!(err instanceof RateLimiterRes)) throw err;
    return denied(rule, err.msBeforeNext);
  }
}

/** Reads through any rate-limiter-flexible limiter without consuming. */
export async function peekWith(
  limiter: RateLimiterAbstract,
  key: string,
  rule: RateRule,
): Promise<RateDecision> {
  const res = await limiter.get(key);
  // A memory record can outlive its window by a few ms before its timer deletes it.
  if (res === null || res.msBeforeNext <= 0) {
    return { allowed: true, limit: rule.points, remaining: rule.points, resetSec: 0 };
  }
  if (res.consumedPoints >= rule.points) return denied(rule, res.msBeforeNext);
  return {
    allowed: true,
    limit: rule.points,
    remaining: rule.points - res.consumedPoints,
    resetSec: seconds(res.msBeforeNext),
  };
}

function denied(rule: RateRule, msBeforeNext: number): RateDecision {
  const resetSec = seconds(msBeforeNext);
  return { allowed: false, limit: rule.points, remaining: 0, resetSec, retryAfterSec: Math.max(1, resetSec) };
}

/** Counters in this process only: right for one local instance, and the Redis adapter's fallback. */
export class MemoryRateLimiter implements RateLimiter {
  readonly kind = 'memory';
  readonly #limiters = new Map<string, RateLimiterMemory>();

  #limiter(rule: RateRule): RateLimiterMemory {
    const id = ruleId(rule);
    let limiter = this.#limiters.get(id);
    if (!limiter) {
      checkRule(rule);
      limiter = new RateLimiterMemory({
        keyPrefix: id,
        points: rule.points,
        duration: rule.durationSec,
        blockDuration: rule.blockSec ?? 0,
      });
      this.#limiters.set(id, limiter);
    }
    return limiter;
  }

  async consume(key: string, rule: RateRule, points = 1): Promise<RateDecision> {
    return consumeWith(this.#limiter(rule), key, rule, points);
  }

  async peek(key: string, rule: RateRule): Promise<RateDecision> {
    return peekWith(this.#limiter(rule), key, rule);
  }

  async reset(key: string, rule: RateRule): Promise<void> {
    await this.#limiter(rule).delete(key);
  }

  async close(): Promise<void> {
    // Expiry timers are unref'd, so dropping the limiters is all there is to do.
    this.#limiters.clear();
  }
}
