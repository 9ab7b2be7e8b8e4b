import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context, Env, MiddlewareHandler } from 'hono';
import { AppError } from '../lib/errors.js';
import type { RateDecision, RateLimiter, RateRule } from '../ports/rate-limiter.js';

export type Tier = 'anonymous' | 'user' | 'admin';
export type RouteGroup = 'auth' | 'api' | 'ai';
/** Budget per route group and caller tier; `null` means unlimited. */
export type Limits = { [group in RouteGroup]: Record<Tier, RateRule | null> };

/** Who is calling: their tier picks the rule, `subject` (`user:<id>`, `ip:<addr>`) owns the counter. */
export interface Identity {
  tier: Tier;
  subject: string;
}

const MINUTE = 60;
const HOUR = 60 * MINUTE;

export const DEFAULT_LIMITS: Limits = {
  // Sign-in and sign-up: slow down password guessing; anonymous callers are blocked a minute when over.
  auth: {
    anonymous: { points: 10, durationSec: MINUTE, blockSec: 60 },
    user: { points: 10, durationSec: MINUTE },
    admin: { points: 10, durationSec: MINUTE },
  },
  api: {
    anonymous: { points: 120, durationSec: MINUTE },
    user: { points: 600, durationSec: MINUTE },
    admin: null,
  },
  // Model calls cost money (even on the user's own key): hourly budgets.
  ai: {
    anonymous: { points: 20, durationSec: HOUR },
    user: { points: 100, durationSec: HOUR },
    admin: null,
  },
};

function setRateHeaders(c: Context, decision: RateDecision): void {
  c.header('RateLimit-Limit', String(decision.limit));
  c.header('RateLimit-Remaining', String(decision.remaining));
  c.header('RateLimit-Reset', String(decision.resetSec));
}

/**
 * Takes one point from `${group}:${subject}` per request. Limited responses carry RateLimit-Limit,
 * RateLimit-Remaining and RateLimit-Reset (seconds); over the budget the request fails with 429
 * `rate_limited` and Retry-After. Unlimited tiers pass straight through, without headers.
 */
export function rateLimit<E extends Env = Env>(
  limiter: RateLimiter,
  group: RouteGroup,
  limits: Limits,
  identify: (c: Context<E>) => Identity | Promise<Identity>,
): MiddlewareHandler<E> {
  return async (c, next) => {
    const { tier, subject } = await identify(c);
    const rule = limits[group][tier];
    if (!rule) return next();

    const decision = await limiter.consume(`${group}:${subject}`, rule);
    // Set before next(): headers set on the context survive into the error response onError builds.
    setRateHeaders(c, decision);
    if (!decision.allowed) {
      const retryAfter = decision.retryAfterSec ?? decision.resetSec;
      c.header('Retry-After', String(retryAfter));
      throw new AppError(429, 'rate_limited', `Too many requests; try again in ${retryAfter} s`);
    }
    await next();
    // A handler that returns a bare Response (not built through `c`) drops them; put them back.
    if (!c.res.headers.has('RateLimit-Limit')) setRateHeaders(c, decision);
  };
}

export interface ClientIpOptions {
  /**
   * Set only when every request comes through a proxy you run (load balancer, CloudFront/API Gateway,
   * nginx) that appends to X-Forwarded-For: then its last entry is the address that proxy saw (the
   * earlier entries are whatever the client sent, so they are never trusted). Without a proxy the
   * header is entirely client-controlled, so it is ignored.
   */
  trustProxy?: boolean;
}

/**
 * The caller's address, for keying anonymous limits: the last X-Forwarded-For entry when `trustProxy`
 * is set, else the socket peer (Node server). 'unknown' when neither exists (Lambda without
 * trustProxy, `app.request()` in tests) — all such callers then share one counter.
 */
export function clientIp(c: Context, options: ClientIpOptions = {}): string {
  if (options.trustProxy) {
    const forwarded = c.req.header('x-forwarded-for')?.split(',').at(-1)?.trim();
    if (forwarded) return forwarded;
  }
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown'; // no Node socket behind this request (Lambda, app.request())
  }
}
