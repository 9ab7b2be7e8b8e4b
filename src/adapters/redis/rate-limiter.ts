import { Redis, type RedisOptions } from 'ioredis';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import type { Logger } from '../../ports/logger.js';
import type { RateDecision, RateLimiter, RateRule } from '../../ports/rate-limiter.js';
import {
  checkPoints,
  checkRule,
  consumeWith,
  MemoryRateLimiter,
  peekWith,
  ruleId,
} from '../memory/rate-limiter.js';

/** Every key this adapter writes starts with this, then the rule (`100p60s`), then the caller's key. */
export const REDIS_KEY_PREFIX = 'engify:rl:';

/**
 * ioredis settings for a rate limiter: while Redis is down commands fail at once (so the request is
 * answered from memory, not held), and the client keeps reconnecting in the background.
 */
export const RATE_LIMIT_REDIS_OPTIONS: RedisOptions = {
  enableOfflineQueue: false, // reject instead of queueing while disconnected
  maxRetriesPerRequest: 0, // in-flight commands fail when the connection drops
  autoResendUnfulfilledCommands: false, // never replay a consume already answered from memory
  connectTimeout: 2_000,
  commandTimeout: 1_000, // a hung server counts as down
  retryStrategy: (attempt: number) => Math.min(attempt * 100, 2_000), // reconnect forever, at most 2 s apart
};

export interface RedisRateLimiterOptions {
  /** After a failed command, answer from memory for this long before trying Redis again (default 1000 ms). */
  probeIntervalMs?: number;
}

/**
 * Counters shared by every instance through Redis (rate-limiter-flexible's atomic Lua increment).
 * Fail policy: when Redis cannot answer, decisions come from an in-process memory limiter, so the API
 * stays up with per-instance limits; one warn line when that starts, one info line when Redis is back.
 *
 * Give it a URL (it creates and owns an ioredis client with RATE_LIMIT_REDIS_OPTIONS) or your own
 * client (left open on close; give it the same options for the same fail-fast behaviour).
 */
export class RedisRateLimiter implements RateLimiter {
  readonly kind = 'redis';
  readonly #client: Redis;
  readonly #ownsClient: boolean;
  readonly #log: Logger;
  readonly #probeIntervalMs: number;
  readonly #limiters = new Map<string, RateLimiterRedis>();
  readonly #fallback = new MemoryRateLimiter();
  readonly #firstAttempt: Promise<void>;
  #degraded = false;
  /** Bumped on every failure, so a success that started before the outage does not end it. */
  #epoch = 0;
  #retryAt = 0;

  constructor(redis: string | Redis, logger: Logger, options: RedisRateLimiterOptions = {}) {
    this.#ownsClient = typeof redis === 'string';
    this.#client = typeof redis === 'string' ? new Redis(redis, RATE_LIMIT_REDIS_OPTIONS) : redis;
    this.#log = logger.child({ component: 'rate-limiter', store: 'redis' });
    this.#probeIntervalMs = options.probeIntervalMs ?? 1_000;
    this.#client.on('error', this.#onClientError);
    this.#firstAttempt = firstConnectionAttempt(this.#client);
  }

  /** The ioredis client: reconnect attempts emit an error each; the outage itself is logged once, on use. */
  readonly #onClientError = (err: Error) => this.#log.debug({ err: err.message }, 'redis client error');

  #limiter(rule: RateRule): RateLimiterRedis {
    const id = ruleId(rule);
    let limiter = this.#limiters.get(id);
    if (!limiter) {
      checkRule(rule);
      limiter = new RateLimiterRedis({
        storeClient: this.#client,
        keyPrefix: REDIS_KEY_PREFIX + id,
        points: rule.points,
        duration: rule.durationSec,
        blockDuration: rule.blockSec ?? 0,
      });
      this.#limiters.set(id, limiter);
    }
    return limiter;
  }

  async consume(key: string, rule: RateRule, points = 1): Promise<RateDecision> {
    checkPoints(points);
    const limiter = this.#limiter(rule);
    return this.#run(
      () => consumeWith(limiter, key, rule, points),
      () => this.#fallback.consume(key, rule, points),
    );
  }

  async peek(key: string, rule: RateRule): Promise<RateDecision> {
    const limiter = this.#limiter(rule);
    return this.#run(
      () => peekWith(limiter, key, rule),
      () => this.#fallback.peek(key, rule),
    );
  }

  async reset(key: string, rule: RateRule): Promise<void> {
    const limiter = this.#limiter(rule);
    // Clear both: a counter left in memory from an outage must not come back at the next one.
    await this.#fallback.reset(key, rule);
    await this.#run(
      async () => void (await limiter.delete(key)),
      async () => undefined,
    );
  }

  async close(): Promise<void> {
    await this.#fallback.close();
    if (!this.#ownsClient) {
      this.#client.off('error', this.#onClientError);
      return;
    }
    if (this.#client.status === 'ready') await this.#client.quit().catch(() => this.#client.disconnect());
    else this.#client.disconnect();
  }

  /** Runs `onRedis`, or `onMemory` when Redis is down or fails. */
  async #run<T>(onRedis: () => Promise<T>, onMemory: () => Promise<T>): Promise<T> {
    await this.#firstAttempt;
    const status = this.#client.status;
    if (status !== 'ready') {
      this.#failed(`connection is ${status}`);
    } else if (!this.#degraded || Date.now() >= this.#retryAt) {
      const epoch = this.#epoch;
      try {
        const result = await onRedis();
        if (this.#degraded && epoch === this.#epoch) {
          this.#degraded = false;
          this.#log.info('Redis is reachable again: rate limits are shared across instances again');
        }
        return result;
      } catch (err) {
        this.#retryAt = Date.now() + this.#probeIntervalMs;
        this.#failed(err instanceof Error ? err.message : String(err));
      }
    }
    return onMemory();
  }

  #failed(reason: string): void {
    this.#epoch++;
    if (this.#degraded) return;
    this.#degraded = true;
    this.#log.warn(
      { reason },
      'Redis is unreachable: rate limits fall back to per-instance memory until it is back',
    );
  }
}

/**
 * Resolves once the client's first connection attempt has succeeded or failed, so requests that
 * arrive at start-up wait for Redis (bounded by connectTimeout) instead of falling back needlessly.
 */
function firstConnectionAttempt(client: Redis): Promise<void> {
  if (client.status === 'ready' || client.status === 'end') return Promise.resolve();
  if (client.status === 'wait') client.connect().catch(() => undefined); // lazyConnect clients
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      client.off('ready', done).off('error', done).off('end', done);
      resolve();
    };
    const timer = setTimeout(done, (client.options.connectTimeout ?? 10_000) + 500);
    timer.unref();
    client.on('ready', done).on('error', done).on('end', done);
  });
}
