// Two app instances (as two processes or Lambdas would be), each with its own Redis client, share one
// budget through a real Redis: a burst across both gets exactly the budget, never more.
import { Hono } from 'hono';
import { requestId } from 'hono/request-id';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisRateLimiter } from '../../src/adapters/redis/rate-limiter.js';
import type { AppEnv } from '../../src/http/env.js';
import { onError, onNotFound } from '../../src/http/errors.js';
import { DEFAULT_LIMITS, rateLimit, type Limits } from '../../src/http/rate-limit.js';
import type { Logger } from '../../src/ports/logger.js';
import { startRedis, type RedisServer } from '../helpers/redis.js';

const LIMITS: Limits = {
  ...DEFAULT_LIMITS,
  api: { anonymous: { points: 100, durationSec: 60 }, user: null, admin: null },
};

/** Counts warnings (a warning here would mean a limiter fell back to memory). */
function warnCounter(): Logger & { warnings: number } {
  const noop = () => undefined;
  const logger: Logger & { warnings: number } = {
    warnings: 0,
    debug: noop,
    info: noop,
    error: noop,
    warn: () => void logger.warnings++,
    child: () => logger,
  };
  return logger;
}

function instance(url: string, logger: Logger) {
  const limiter = new RedisRateLimiter(url, logger);
  const app = new Hono<AppEnv>();
  app.use(requestId({ headerName: 'X-Request-Id' }));
  app.onError(onError);
  app.notFound(onNotFound);
  const api = new Hono<AppEnv>();
  api.use(rateLimit(limiter, 'api', LIMITS, () => ({ tier: 'anonymous', subject: 'ip:203.0.113.7' })));
  api.get('/ping', (c) => c.json({ pong: true }));
  app.route('/api', api);
  return { app, limiter };
}

let redis: RedisServer;
let instances: ReturnType<typeof instance>[] = [];
const logger = warnCounter();

beforeAll(async () => {
  redis = await startRedis();
  instances = [instance(redis.url, logger), instance(redis.url, logger)];
});
afterAll(async () => {
  await Promise.all(instances.map((i) => i.limiter.close()));
  await redis?.stop();
});

describe('rate limiting across instances', () => {
  it('grants exactly the budget to 200 simultaneous requests split over two apps', async () => {
    const responses = await Promise.all(
      Array.from({ length: 200 }, (_, i) => instances[i % 2]!.app.request('/api/ping')),
    );
    const ok = responses.filter((r) => r.status === 200);
    const limited = responses.filter((r) => r.status === 429);
    expect(ok).toHaveLength(100);
    expect(limited).toHaveLength(100);
    expect(logger.warnings).toBe(0);

    // Each granted request saw a different count: the increments were atomic across both clients.
    const remaining = ok.map((r) => Number(r.headers.get('ratelimit-remaining'))).sort((a, b) => a - b);
    expect(remaining).toEqual(Array.from({ length: 100 }, (_, i) => i));

    for (const res of limited) {
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(res.headers.get('ratelimit-limit')).toBe('100');
      expect(res.headers.get('ratelimit-remaining')).toBe('0');
      const body = (await res.json()) as { error: { code: string; message: string; requestId: string } };
      expect(body.error.code).toBe('rate_limited');
      expect(body.error.message).toMatch(/too many requests/i);
      expect(body.error.requestId).toBe(res.headers.get('x-request-id'));
    }
  });
});
