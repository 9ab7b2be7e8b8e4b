import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RateLimiter, RateRule } from '../../src/ports/rate-limiter.js';

export interface LimiterHarness {
  limiter: RateLimiter;
  /** Releases everything the harness created. */
  dispose(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Behaviour every RateLimiter adapter must have. Run it from a test file per adapter:
 * `rateLimiterContract('memory', async () => ({ limiter, dispose }))`.
 */
export function rateLimiterContract(name: string, open: () => Promise<LimiterHarness>): void {
  describe(`RateLimiter contract: ${name}`, () => {
    let harness: LimiterHarness;
    let limiter: RateLimiter;
    /** A key no other test (or earlier run against the same store) has used. */
    const key = (label = 'k') => `test:${label}:${randomUUID()}`;

    beforeEach(async () => {
      harness = await open();
      limiter = harness.limiter;
    });
    afterEach(async () => harness.dispose());

    it('grants exactly `points` per window, counting remaining down', async () => {
      const rule: RateRule = { points: 5, durationSec: 60 };
      const k = key();
      const remaining: number[] = [];
      for (let i = 0; i < 5; i++) {
        const decision = await limiter.consume(k, rule);
        expect(decision.allowed).toBe(true);
        expect(decision.limit).toBe(5);
        expect(decision.retryAfterSec).toBeUndefined();
        expect(decision.resetSec).toBeGreaterThan(0);
        expect(decision.resetSec).toBeLessThanOrEqual(60);
        remaining.push(decision.remaining);
      }
      expect(remaining).toEqual([4, 3, 2, 1, 0]);

      const over = await limiter.consume(k, rule);
      expect(over).toMatchObject({ allowed: false, limit: 5, remaining: 0 });
      expect(over.retryAfterSec).toBeGreaterThanOrEqual(1);
      expect(over.retryAfterSec).toBeLessThanOrEqual(60);
      expect((await limiter.consume(k, rule)).allowed).toBe(false);
    });

    it('consumes several points at once and refuses a request larger than what is left', async () => {
      const rule: RateRule = { points: 5, durationSec: 60 };
      const k = key();
      expect(await limiter.consume(k, rule, 3)).toMatchObject({ allowed: true, remaining: 2 });
      expect((await limiter.consume(k, rule, 3)).allowed).toBe(false);
    });

    it('grants exactly `points` to concurrent requests', async () => {
      const rule: RateRule = { points: 20, durationSec: 60 };
      const k = key();
      const decisions = await Promise.all(Array.from({ length: 50 }, () => limiter.consume(k, rule)));
      expect(decisions.filter((d) => d.allowed)).toHaveLength(20);
      expect(decisions.filter((d) => !d.allowed)).toHaveLength(30);
    });

    it('peek reads without consuming', async () => {
      const rule: RateRule = { points: 3, durationSec: 60 };
      const k = key();
      expect(await limiter.peek(k, rule)).toEqual({ allowed: true, limit: 3, remaining: 3, resetSec: 0 });
      await limiter.consume(k, rule, 2);
      for (let i = 0; i < 3; i++) {
        expect(await limiter.peek(k, rule)).toMatchObject({ allowed: true, limit: 3, remaining: 1 });
      }
      expect(await limiter.consume(k, rule)).toMatchObject({ allowed: true, remaining: 0 });
      const exhausted = await limiter.peek(k, rule);
      expect(exhausted).toMatchObject({ allowed: false, remaining: 0 });
      expect(exhausted.retryAfterSec).toBeGreaterThanOrEqual(1);
    });

    it('reset gives the key its full budget back', async () => {
      const rule: RateRule = { points: 2, durationSec: 60, blockSec: 60 };
      const k = key();
      for (let i = 0; i < 3; i++) await limiter.consume(k, rule);
      expect((await limiter.consume(k, rule)).allowed).toBe(false);
      await limiter.reset(k, rule);
      expect(await limiter.peek(k, rule)).toMatchObject({ allowed: true, remaining: 2 });
      expect(await limiter.consume(k, rule)).toMatchObject({ allowed: true, remaining: 1 });
      await limiter.reset(key('never-used'), rule); // resetting an unknown key is fine
    });

    it('keeps keys, and the same key under different rules, independent', async () => {
      const rule: RateRule = { points: 1, durationSec: 60 };
      const [a, b] = [key('a'), key('b')];
      expect((await limiter.consume(a, rule)).allowed).toBe(true);
      expect((await limiter.consume(a, rule)).allowed).toBe(false);
      expect(await limiter.consume(b, rule)).toMatchObject({ allowed: true, remaining: 0 });
      expect(await limiter.consume(a, { points: 2, durationSec: 60 })).toMatchObject({
        allowed: true,
        remaining: 1,
      });
    });

    it('starts a new window once the old one has passed', async () => {
      const rule: RateRule = { points: 2, durationSec: 1 };
      const k = key();
      await limiter.consume(k, rule);
      await limiter.consume(k, rule);
      const over = await limiter.consume(k, rule);
      expect(over.allowed).toBe(false);
      expect(over.retryAfterSec).toBe(1);
      await sleep(1_100);
      expect(await limiter.consume(k, rule)).toMatchObject({ allowed: true, remaining: 1 });
    });

    it('blocks a key for blockSec once it goes over, beyond the end of its window', async () => {
      const rule: RateRule = { points: 2, durationSec: 1, blockSec: 2 };
      const k = key();
      await limiter.consume(k, rule);
      await limiter.consume(k, rule);
      const over = await limiter.consume(k, rule);
      expect(over).toMatchObject({ allowed: false, retryAfterSec: 2, resetSec: 2 });
      await sleep(1_200); // the 1 s window is over, the block is not
      expect((await limiter.consume(k, rule)).allowed).toBe(false);
      expect((await limiter.peek(k, rule)).allowed).toBe(false);
      await sleep(1_000);
      expect(await limiter.consume(k, rule)).toMatchObject({ allowed: true, remaining: 1 });
    });

    it('rejects rules and point counts it cannot honour', async () => {
      for (const rule of [
        { points: 0, durationSec: 60 },
        { points: 5, durationSec: 0 },
        { points: 1.5, durationSec: 60 },
        { points: 5, durationSec: 60, blockSec: -1 },
      ]) {
        await expect(limiter.consume(key(), rule)).rejects.toThrow(RangeError);
      }
      await expect(limiter.consume(key(), { points: 5, durationSec: 60 }, 0)).rejects.toThrow(RangeError);
      expect(limiter.kind).toEqual(expect.any(String));
    });
  });
}
