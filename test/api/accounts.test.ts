import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, type Limits } from '../../src/http/rate-limit.js';
import { createTestApp, FIXTURE_CONTENT, type TestApp } from '../helpers/app.js';
import { startRedis, type RedisServer } from '../helpers/redis.js';

// Accounts end to end through the real app on a real SQLite file: sessions, API keys, user prompts,
// favorites, ratings, admin, CSRF and access control.

/** Generous auth limits so this file can sign in many times; the limit itself is tested below. */
const LIMITS: Limits = {
  ...DEFAULT_LIMITS,
  auth: { anonymous: { points: 1000, durationSec: 60 }, user: null, admin: null },
};

// Rate limits and sign-in lockouts run on a real Redis server, as in a multi-instance deployment.
let redis: RedisServer;
let t: TestApp;
beforeAll(async () => {
  redis = await startRedis();
  t = await createTestApp({ CONTENT_DIR: FIXTURE_CONTENT, REDIS_URL: redis.url }, { limits: LIMITS });
  expect(t.services.limiter.kind).toBe('redis');
});
afterAll(async () => {
  await t?.close();
  await redis?.stop();
});

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

async function call(
  method: string,
  path: string,
  options: { body?: unknown; cookie?: string; key?: string; headers?: Record<string, string> } = {},
) {
  const headers: Record<string, string> = { ...options.headers };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.cookie) headers.cookie = options.cookie;
  if (options.key) headers.authorization = `Bearer ${options.key}`;
  const res = await t.app.request(path, {
    method,
    headers,
    ...(options.body !== undefined
      ? { body: typeof options.body === 'string' ? options.body : JSON.stringify(options.body) }
      : {}),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : null) as Json };
}

function sessionCookie(headers: Headers): string {
  const setCookie = headers.get('set-cookie') ?? '';
  const match = /engify_session=([^;]+)/.exec(setCookie);
  if (!match) throw new Error(`no session cookie in ${setCookie}`);
  return `engify_session=${match[1]}`;
}

let counter = 0;
async function signUp(name = 'user') {
  const email = `${name}-${++counter}@example.com`;
  const res = await call('POST', '/api/auth/signup', { body: { email, password: 'a-long-enough-password' } });
  expect(res.status).toBe(201);
  return { email, cookie: sessionCookie(res.headers), user: res.body.user as Json };
}

const promptBody = {
  title: 'My private zanzibar checklist',
  description: 'A prompt only I should see',
  template: 'Check {{service}} for {{#risk}}the risk of {{risk}} and {{/risk}}obvious problems.',
  category: 'debugging',
  roles: ['engineer'],
  tags: ['mine'],
};

describe('sign-up, sign-in, sessions', () => {
  it('makes the first account an admin and later ones users', async () => {
    const first = await signUp('first');
    const second = await signUp('second');
    expect(first.user.role).toBe('admin');
    expect(second.user.role).toBe('user');
    expect(second.user).not.toHaveProperty('passwordHash');
  });

  it('sets an HttpOnly, SameSite=Lax session cookie and /me answers with it', async () => {
    const res = await call('POST', '/api/auth/signup', {
      body: { email: 'cookie@example.com', password: 'a-long-enough-password', name: 'Cookie' },
    });
    const setCookie = res.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Lax/);
    expect(setCookie).not.toMatch(/Secure/); // not in development; production uses __Host- + Secure
    const me = await call('GET', '/api/me', { cookie: sessionCookie(res.headers) });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ user: { email: 'cookie@example.com', name: 'Cookie' }, via: 'session' });
  });

  it('rejects duplicate emails (case-insensitively), weak passwords and bad emails', async () => {
    const { email } = await signUp('dup');
    expect(
      (
        await call('POST', '/api/auth/signup', {
          body: { email: email.toUpperCase(), password: 'a-long-enough-password' },
        })
      ).body.error.code,
    ).toBe('email_taken');
    const weak = await call('POST', '/api/auth/signup', {
      body: { email: 'weak@example.com', password: 'short' },
    });
    expect(weak.status).toBe(400);
    expect(weak.body.error.message).toContain('body.password');
    expect(
      (
        await call('POST', '/api/auth/signup', {
          body: { email: 'nope', password: 'a-long-enough-password' },
        })
      ).status,
    ).toBe(400);
  });

  it('signs in with the right password only, without saying which part was wrong', async () => {
    const { email } = await signUp('signin');
    const wrong = await call('POST', '/api/auth/signin', { body: { email, password: 'not-the-password' } });
    const unknown = await call('POST', '/api/auth/signin', {
      body: { email: 'ghost@example.com', password: 'x' },
    });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body.error.message).toBe(unknown.body.error.message);
    const ok = await call('POST', '/api/auth/signin', {
      body: { email, password: 'a-long-enough-password' },
    });
    expect(ok.status).toBe(200);
    expect((await call('GET', '/api/me', { cookie: sessionCookie(ok.headers) })).status).toBe(200);
  });

  it('signs out one session, or all of them', async () => {
    const { email, cookie } = await signUp('signout');
    const other = sessionCookie(
      (await call('POST', '/api/auth/signin', { body: { email, password: 'a-long-enough-password' } }))
        .headers,
    );
    const third = sessionCookie(
      (await call('POST', '/api/auth/signin', { body: { email, password: 'a-long-enough-password' } }))
        .headers,
    );
    expect((await call('POST', '/api/auth/signout', { cookie })).body.signedOut).toBe(1);
    expect((await call('GET', '/api/me', { cookie })).status).toBe(401);
    expect((await call('GET', '/api/me', { cookie: other })).status).toBe(200);
    expect(
      (await call('POST', '/api/auth/signout', { cookie: other, body: { everywhere: true } })).body.signedOut,
    ).toBe(2);
    expect((await call('GET', '/api/me', { cookie: third })).status).toBe(401);
  });

  it('answers 401 unauthenticated to anonymous calls on personal routes', async () => {
    for (const [method, path] of [
      ['GET', '/api/me'],
      ['GET', '/api/me/api-keys'],
      ['GET', '/api/me/prompts'],
      ['GET', '/api/me/favorites'],
    ] as const) {
      const res = await call(method, path);
      expect(res.status, path).toBe(401);
      expect(res.body.error.code).toBe('unauthenticated');
    }
  });

  it('slows down and then locks an account after repeated failures, with Retry-After', async () => {
    const { email } = await signUp('locked');
    const statuses: number[] = [];
    let last: Awaited<ReturnType<typeof call>> | undefined;
    for (let i = 0; i < 6; i++) {
      last = await call('POST', '/api/auth/signin', { body: { email, password: `wrong-${i}` } });
      statuses.push(last.status);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    expect(last!.body.error.code).toBe('account_locked');
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
    // Even the right password is refused while locked.
    const right = await call('POST', '/api/auth/signin', {
      body: { email, password: 'a-long-enough-password' },
    });
    expect(right.status).toBe(429);
  }, 30_000);
});

describe('personal API keys', () => {
  it('creates a key shown once, authenticates with it, lists it without the secret, and revokes it', async () => {
    const { cookie } = await signUp('keys');
    const created = await call('POST', '/api/me/api-keys', { cookie, body: { name: 'CI' } });
    expect(created.status).toBe(201);
    const key = created.body.key as string;
    expect(key).toMatch(/^egk_[A-Za-z0-9_-]{32}$/);
    expect(key.startsWith(created.body.apiKey.prefix)).toBe(true);

    const me = await call('GET', '/api/me', { key });
    expect(me.body.via).toBe('api_key');
    const list = await call('GET', '/api/me/api-keys', { key });
    expect(list.body.items).toHaveLength(1);
    expect(JSON.stringify(list.body)).not.toContain(key);
    expect(list.body.items[0].lastUsedAt).not.toBeNull();

    // The key works on mutations too, and needs no CSRF headers.
    expect((await call('POST', '/api/prompts', { key, body: promptBody })).status).toBe(201);

    expect((await call('DELETE', `/api/me/api-keys/${created.body.apiKey.id}`, { cookie })).status).toBe(204);
    const after = await call('GET', '/api/me', { key });
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('invalid_api_key');
    expect(after.headers.get('www-authenticate')).toContain('Bearer');
  });

  it('refuses malformed and unknown bearer tokens even on public routes', async () => {
    expect((await call('GET', '/api/prompts', { key: 'egk_not-a-real-key' })).status).toBe(401);
    expect((await call('GET', '/api/prompts', { headers: { authorization: 'Basic abc' } })).status).toBe(401);
  });
});

describe('user prompts, favorites and ratings', () => {
  it('creates a private prompt with detected variables that only its owner sees', async () => {
    const a = await signUp('owner');
    const b = await signUp('other');
    const created = await call('POST', '/api/prompts', { cookie: a.cookie, body: promptBody });
    expect(created.status).toBe(201);
    const slug = created.body.slug as string;
    expect(slug).toMatch(/^my-private-zanzibar-checklist-[a-z0-9]{6}$/);
    expect(created.body).toMatchObject({ source: 'user', visibility: 'private', viewer: { owner: true } });
    expect(created.body.variables).toEqual([
      { name: 'service', description: 'Value for service', required: true },
      { name: 'risk', description: 'Value for risk', required: false },
    ]);

    // Owner sees it everywhere; others and anonymous callers get 404 / nothing.
    expect((await call('GET', `/api/prompts/${slug}`, { cookie: a.cookie })).status).toBe(200);
    expect(
      (await call('GET', '/api/me/prompts', { cookie: a.cookie })).body.items.map((p: Json) => p.slug),
    ).toEqual([slug]);
    expect((await call('GET', `/api/prompts/${slug}`, { cookie: b.cookie })).status).toBe(404);
    expect((await call('GET', `/api/prompts/${slug}`)).status).toBe(404);
    expect((await call('GET', '/api/prompts?q=zanzibar', { cookie: b.cookie })).body.items).toEqual([]);
    expect(
      (
        await call('POST', `/api/prompts/${slug}/render`, {
          cookie: b.cookie,
          body: { variables: { service: 'x' } },
        })
      ).status,
    ).toBe(404);
    const rendered = await call('POST', `/api/prompts/${slug}/render`, {
      cookie: a.cookie,
      body: { variables: { service: 'billing' } },
    });
    expect(rendered.body.text).toBe('Check billing for obvious problems.');

    // Making it public shows it to everyone, in search and facets.
    const published = await call('PATCH', `/api/prompts/${slug}`, {
      cookie: a.cookie,
      body: { visibility: 'public' },
    });
    expect(published.status).toBe(200);
    expect((await call('GET', `/api/prompts/${slug}`)).status).toBe(200);
    expect((await call('GET', '/api/prompts?q=zanzibar')).body.items.map((p: Json) => p.slug)).toContain(
      slug,
    );
  });

  it('never lets another user change, delete, favorite or rate a private prompt (404, nothing written)', async () => {
    const a = await signUp('victim');
    const b = await signUp('attacker');
    const slug = (await call('POST', '/api/prompts', { cookie: a.cookie, body: promptBody })).body
      .slug as string;
    const attempts = [
      call('PATCH', `/api/prompts/${slug}`, { cookie: b.cookie, body: { title: 'Owned by B now' } }),
      call('DELETE', `/api/prompts/${slug}`, { cookie: b.cookie }),
      call('PUT', `/api/prompts/${slug}/favorite`, { cookie: b.cookie }),
      call('PUT', `/api/prompts/${slug}/rating`, { cookie: b.cookie, body: { stars: 1 } }),
    ];
    for (const res of await Promise.all(attempts)) {
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('not_found');
    }
    const after = await call('GET', `/api/prompts/${slug}`, { cookie: a.cookie });
    expect(after.body).toMatchObject({ title: promptBody.title, rating: { count: 0 } });
    // A's API keys are invisible to B, and B cannot revoke them.
    const keyId = (await call('POST', '/api/me/api-keys', { cookie: a.cookie, body: { name: 'a-key' } })).body
      .apiKey.id;
    expect((await call('GET', '/api/me/api-keys', { cookie: b.cookie })).body.items).toEqual([]);
    expect((await call('DELETE', `/api/me/api-keys/${keyId}`, { cookie: b.cookie })).status).toBe(404);
    expect((await call('GET', '/api/me/api-keys', { cookie: a.cookie })).body.items).toHaveLength(1);
    // A's favorites stay A's.
    await call('PUT', '/api/prompts/review-diff/favorite', { cookie: a.cookie });
    expect((await call('GET', '/api/me/favorites', { cookie: b.cookie })).body.items).toEqual([]);
  });

  it('favorites and rates built-in prompts; one rating per user, changeable', async () => {
    const a = await signUp('rater-a');
    const b = await signUp('rater-b');
    expect((await call('PUT', '/api/prompts/flaky-test/favorite', { cookie: a.cookie })).body).toEqual({
      favorite: true,
    });
    expect((await call('PUT', '/api/prompts/flaky-test/favorite', { cookie: a.cookie })).status).toBe(200);
    expect(
      (await call('GET', '/api/me/favorites', { cookie: a.cookie })).body.items.map((p: Json) => p.slug),
    ).toEqual(['flaky-test']);
    await call('PUT', '/api/prompts/flaky-test/rating', { cookie: a.cookie, body: { stars: 5 } });
    await call('PUT', '/api/prompts/flaky-test/rating', { cookie: b.cookie, body: { stars: 2 } });
    const changed = await call('PUT', '/api/prompts/flaky-test/rating', {
      cookie: a.cookie,
      body: { stars: 4 },
    });
    expect(changed.body).toEqual({ stars: 4, rating: { average: 3, count: 2 } });
    const detail = await call('GET', '/api/prompts/flaky-test', { cookie: a.cookie });
    expect(detail.body.viewer).toEqual({ owner: false, favorite: true, rating: 4 });
    expect(detail.body.rating).toEqual({ average: 3, count: 2 });
    expect((await call('DELETE', '/api/prompts/flaky-test/favorite', { cookie: a.cookie })).body).toEqual({
      favorite: false,
    });
    expect((await call('GET', '/api/me/favorites', { cookie: a.cookie })).body.items).toEqual([]);
    for (const stars of [0, 6, 2.5, '5']) {
      expect(
        (await call('PUT', '/api/prompts/flaky-test/rating', { cookie: a.cookie, body: { stars } })).status,
      ).toBe(400);
    }
  });

  it('rejects templates whose variables do not match, unknown taxonomy and built-in edits', async () => {
    const { cookie } = await signUp('validator');
    const mismatch = await call('POST', '/api/prompts', {
      cookie,
      body: {
        ...promptBody,
        variables: [{ name: 'other', description: 'Not in the template', required: true }],
      },
    });
    expect(mismatch.status).toBe(400);
    expect(mismatch.body.error.details).toEqual({ undeclared: ['service', 'risk'], unused: ['other'] });
    expect(
      (await call('POST', '/api/prompts', { cookie, body: { ...promptBody, category: 'astrology' } })).status,
    ).toBe(400);
    expect(
      (
        await call('POST', '/api/prompts', {
          cookie,
          body: { ...promptBody, template: '{{#open}} never closed' },
        })
      ).status,
    ).toBe(400);
    expect(
      (await call('PATCH', '/api/prompts/review-diff', { cookie, body: { title: 'Hijacked title' } })).status,
    ).toBe(404);
    expect((await call('DELETE', '/api/prompts/review-diff', { cookie })).status).toBe(404);
  });
});

describe('CSRF and admin', () => {
  it('refuses cross-site cookie mutations but allows same-origin ones and API keys', async () => {
    const { cookie } = await signUp('csrf');
    const evil = await call('POST', '/api/prompts', {
      cookie,
      body: promptBody,
      headers: { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
    });
    expect(evil.status).toBe(403);
    expect(evil.body.error.code).toBe('csrf_rejected');
    const noOrigin = await call('POST', '/api/prompts', {
      cookie,
      body: promptBody,
      headers: { 'sec-fetch-site': 'cross-site' },
    });
    expect(noOrigin.status).toBe(403);
    const same = await call('POST', '/api/prompts', {
      cookie,
      body: promptBody,
      headers: { origin: 'http://localhost', 'sec-fetch-site': 'same-origin' },
    });
    expect(same.status).toBe(201);
    expect((await call('GET', '/api/me/prompts', { cookie })).body.total).toBe(1);
  });

  it('lets admins list users and change tiers, and nobody else', async () => {
    const admin = sessionCookie(
      (
        await call('POST', '/api/auth/signin', {
          body: { email: 'first-1@example.com', password: 'a-long-enough-password' },
        })
      ).headers,
    );
    const user = await signUp('plain');
    expect((await call('GET', '/api/admin/users', { cookie: user.cookie })).status).toBe(403);
    const list = await call('GET', '/api/admin/users?limit=500', { cookie: admin });
    expect(list.status).toBe(400);
    const users = await call('GET', '/api/admin/users', { cookie: admin });
    expect(users.body.total).toBeGreaterThan(1);
    const updated = await call('PATCH', `/api/admin/users/${user.user.id}`, {
      cookie: admin,
      body: { tier: 'pro' },
    });
    expect(updated.body).toMatchObject({ id: user.user.id, tier: 'pro', role: 'user' });
    expect(
      (
        await call('PATCH', `/api/admin/users/${user.user.id}`, {
          cookie: user.cookie,
          body: { role: 'admin' },
        })
      ).status,
    ).toBe(403);
  });
});

describe('auth rate limit', () => {
  it('answers 429 with RateLimit headers and Retry-After past the auth limit', async () => {
    const strict = await createTestApp({ CONTENT_DIR: FIXTURE_CONTENT, REDIS_URL: redis.url });
    try {
      const statuses: number[] = [];
      let last: Response | undefined;
      for (let i = 0; i < 11; i++) {
        last = await strict.app.request('/api/auth/signin', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: `nobody${i}@example.com`, password: 'whatever-it-is' }),
        });
        statuses.push(last.status);
      }
      expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
      expect(statuses[10]).toBe(429);
      expect(last!.headers.get('ratelimit-limit')).toBe('10');
      expect(last!.headers.get('ratelimit-remaining')).toBe('0');
      expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(((await last!.json()) as Json).error.code).toBe('rate_limited');
    } finally {
      await strict.close();
    }
  }, 30_000);
});

describe('GET /api/auth/session', () => {
  it('answers 200 with null when signed out, and the user when signed in', async () => {
    const anonymous = await call('GET', '/api/auth/session');
    expect(anonymous.status).toBe(200);
    expect(anonymous.body).toEqual({ user: null, via: null });
    const { cookie, email } = await signUp('session');
    const signedIn = await call('GET', '/api/auth/session', { cookie });
    expect(signedIn.body).toMatchObject({ user: { email }, via: 'session' });
  });
});

describe('prototype-named variables', () => {
  it('renders a user prompt whose variable is called constructor (missing → 400, given → 200)', async () => {
    const { cookie } = await signUp('proto');
    const created = await call('POST', '/api/prompts', {
      cookie,
      body: {
        title: 'Proto check',
        description: 'x',
        template: 'Hello {{constructor}}',
        category: 'debugging',
      },
    });
    const slug = created.body.slug as string;
    const missing = await call('POST', `/api/prompts/${slug}/render`, { cookie, body: {} });
    expect(missing.status).toBe(400);
    expect(missing.body.error.details.missing).toEqual(['constructor']);
    const given = await call('POST', `/api/prompts/${slug}/render`, {
      cookie,
      body: { variables: { constructor: 'x' } },
    });
    expect(given.body).toEqual({ text: 'Hello x' });
  });
});
