import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REDIS_KEY_PREFIX, RedisRateLimiter } from '../../src/adapters/redis/rate-limiter.js';
import type { Logger } from '../../src/ports/logger.js';
import type { RateRule } from '../../src/ports/rate-limiter.js';
import { startRedis, type RedisServer } from '../helpers/redis.js';
import { rateLimiterContract } from './rate-limiter.contract.js';

interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  msg: string;
}

/** A Logger that keeps what it is given. */
function captureLogger(lines: LogLine[] = []): Logger & { lines: LogLine[] } {
  const at = (level: LogLine['level']) => (objOrMsg: Record<string, unknown> | string, msg?: string) =>
    lines.push({ level, msg: typeof objOrMsg === 'string' ? objOrMsg : (msg ?? '') });
  const logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
  return { ...logger, child: () => captureLogger(lines), lines };
}

async function until(condition: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => redis?.stop());

rateLimiterContract('redis', async () => {
  const logger = captureLogger();
  const limiter = new RedisRateLimiter(redis.url, logger);
  return {
    limiter,
    dispose: async () => {
      await limiter.close();
      // The contract must have run against Redis, not the memory fallback.
      expect(logger.lines.filter((l) => l.level === 'warn')).toEqual([]);
    },
  };
});

describe('Redis rate limiter specifics', () => {
  const rule: RateRule = { points: 5, durationSec: 60 };

  it('keeps its counters in Redis under engify:rl:, shared by every instance', async () => {
    const a = new RedisRateLimiter(redis.url, captureLogger());
    const b = new RedisRateLimiter(redis.url, captureLogger());
    const admin = new Redis(redis.url);
    try {
      const key = `shared:${Date.now()}`;
      await a.consume(key, rule, 2);
      expect(await b.consume(key, rule)).toMatchObject({ allowed: true, remaining: 2 });
      expect(await b.peek(key, rule)).toMatchObject({ remaining: 2 });
      const stored = await admin.keys(`${REDIS_KEY_PREFIX}*${key}`);
      expect(stored).toEqual([`${REDIS_KEY_PREFIX}5p60s:${key}`]);
      expect(await admin.get(stored[0]!)).toBe('3');
      expect(await admin.pttl(stored[0]!)).toBeGreaterThan(0);
      await b.reset(key, rule);
      expect(await admin.exists(stored[0]!)).toBe(0);
    } finally {
      await Promise.all([a.close(), b.close()]);
      admin.disconnect();
    }
  });

  it('leaves a client it was given open on close', async () => {
    const client = new Redis(redis.url);
    const limiter = new RedisRateLimiter(client, captureLogger());
    expect((await limiter.consume(`given:${Date.now()}`, rule)).allowed).toBe(true);
    await limiter.close();
    expect(await client.ping()).toBe('PONG');
    client.disconnect();
  });

  it('falls back to memory while Redis is down, logs it once, and goes back to Redis when it returns', async () => {
    const server = await startRedis(); // its own server, so stopping it cannot disturb other tests
    const logger = captureLogger();
    const limiter = new RedisRateLimiter(server.url, logger, { probeIntervalMs: 100 });
    let admin: Redis | undefined;
    try {
      const key = 'outage';
      expect(await limiter.consume(key, rule)).toMatchObject({ allowed: true, remaining: 4 });
      expect(logger.lines.filter((l) => l.level !== 'debug')).toEqual([]);

      await server.stop();
      // Every request still gets a decision, from this instance's memory, and the limit still holds.
      const during = [];
      for (let i = 0; i < 7; i++) during.push(await limiter.consume(key, rule));
      expect(during.map((d) => d.allowed)).toEqual([true, true, true, true, true, false, false]);
      expect(await limiter.peek(key, rule)).toMatchObject({ allowed: false, remaining: 0 });
      const warnings = logger.lines.filter((l) => l.level === 'warn');
      expect(warnings).toHaveLength(1);
      expect(warnings[0]!.msg).toMatch(/unreachable.*memory/i);

      await server.start(); // an empty Redis on the same port: no persistence
      admin = new Redis(server.url);
      const afterKey = 'after-restart';
      await until(async () => {
        await limiter.consume(afterKey, rule);
        return (await admin!.exists(`${REDIS_KEY_PREFIX}5p60s:${afterKey}`)) === 1;
      }, 'the limiter writes to Redis again');
      // Back on Redis: counters are the shared ones again (the outage's memory counter is not used).
      expect(await limiter.consume(key, rule)).toMatchObject({ allowed: true, remaining: 4 });
      expect(await admin.keys(`${REDIS_KEY_PREFIX}*`)).toContain(`${REDIS_KEY_PREFIX}5p60s:${key}`);
      expect(logger.lines.filter((l) => l.level === 'warn')).toHaveLength(1);
      const infos = logger.lines.filter((l) => l.level === 'info');
      expect(infos).toHaveLength(1);
      expect(infos[0]!.msg).toMatch(/reachable again/i);
    } finally {
      admin?.disconnect();
      await limiter.close();
      await server.stop();
    }
  });

  it('answers from memory straight away when Redis is down at start-up', async () => {
    const server = await startRedis();
    await server.stop(); // a port where nothing listens
    const logger = captureLogger();
    const limiter = new RedisRateLimiter(server.url, logger);
    try {
      const decisions = await Promise.all(
        Array.from({ length: 4 }, () => limiter.consume('cold', { ...rule, points: 3 })),
      );
      expect(decisions.map((d) => d.allowed).sort()).toEqual([false, true, true, true]);
      expect(logger.lines.filter((l) => l.level === 'warn')).toHaveLength(1);
    } finally {
      await limiter.close();
    }
  });
});
