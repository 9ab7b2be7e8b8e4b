import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GitHubOAuthProvider } from '../../src/adapters/oauth/github.js';
import { GoogleOAuthProvider } from '../../src/adapters/oauth/google.js';
import { DEFAULT_LIMITS, type Limits } from '../../src/http/rate-limit.js';
import { OAuthError } from '../../src/ports/oauth.js';
import { startFakeOAuthProvider, type FakeOAuthProvider } from '../fakes/oauth-provider.js';
import { createTestApp, FIXTURE_CONTENT, type TestApp } from '../helpers/app.js';

// OAuth sign-in end to end: our app (app.request) ↔ a fake GitHub/Google on real loopback HTTP. The
// browser's part is played by hand: start → provider authorize → callback with the flow cookie.

const LIMITS: Limits = {
  ...DEFAULT_LIMITS,
  auth: { anonymous: { points: 1000, durationSec: 60 }, user: null, admin: null },
};

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
type Provider = 'github' | 'google';

let fake: FakeOAuthProvider;
let t: TestApp;
beforeAll(async () => {
  fake = await startFakeOAuthProvider();
  t = await createTestApp({ CONTENT_DIR: FIXTURE_CONTENT, ...fake.env() }, { limits: LIMITS });
});
afterAll(async () => {
  await t?.close();
  await fake?.close();
});
beforeEach(() => {
  fake.failure = 'none';
});

function cookieFrom(res: Response, name: string): string | null {
  for (const line of res.headers.getSetCookie()) {
    const match = new RegExp(`^${name}=([^;]*)`).exec(line);
    if (match) return match[1] ? `${name}=${match[1]}` : null;
  }
  return null;
}

interface Flow {
  start: Response;
  /** The `engify_oauth=…` cookie start set. */
  flowCookie: string;
  /** Our callback URL as the provider redirected to it (path + query). */
  callbackPath: string;
}

/** Start a sign-in and go through the provider's authorize endpoint (no callback yet). */
async function begin(app: TestApp['app'], provider: Provider, next?: string): Promise<Flow> {
  const query = next === undefined ? '' : `?next=${encodeURIComponent(next)}`;
  const start = await app.request(`/api/auth/oauth/${provider}/start${query}`);
  expect(start.status).toBe(302);
  const flowCookie = cookieFrom(start, 'engify_oauth');
  expect(flowCookie).toBeTruthy();
  const authorize = await fetch(start.headers.get('location')!, { redirect: 'manual' });
  expect(authorize.status, await authorize.clone().text()).toBe(302);
  const back = new URL(authorize.headers.get('location')!);
  expect(back.origin).toBe('http://localhost');
  return { start, flowCookie: flowCookie!, callbackPath: `${back.pathname}${back.search}` };
}

function finish(app: TestApp['app'], flow: Flow, cookie: string | null = flow.flowCookie) {
  return app.request(flow.callbackPath, { headers: cookie ? { cookie } : {} });
}

async function signIn(provider: Provider, next?: string, app = t.app) {
  const callback = await finish(app, await begin(app, provider, next));
  expect(callback.status).toBe(302);
  return {
    callback,
    location: callback.headers.get('location')!,
    session: cookieFrom(callback, 'engify_session'),
  };
}

async function me(session: string | null) {
  const res = await t.app.request('/api/me', { headers: session ? { cookie: session } : {} });
  return { status: res.status, body: (await res.json()) as Json };
}

describe('OAuth sign-in', () => {
  it('lists the enabled providers', async () => {
    const res = await t.app.request('/api/auth/providers');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ providers: ['github', 'google'] });
  });

  it('redirects to GitHub with state and an S256 PKCE challenge, in a short-lived HttpOnly Lax cookie', async () => {
    const start = await t.app.request('/api/auth/oauth/github/start?next=/library');
    expect(start.status).toBe(302);
    const location = new URL(start.headers.get('location')!);
    expect(`${location.origin}${location.pathname}`).toBe(`${fake.origin}/login/oauth/authorize`);
    expect(Object.fromEntries(location.searchParams)).toMatchObject({
      client_id: fake.clients.github.id,
      redirect_uri: 'http://localhost/api/auth/oauth/github/callback',
      scope: 'read:user user:email',
      code_challenge_method: 'S256',
    });
    expect(location.searchParams.get('state')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(location.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const setCookie = start.headers.getSetCookie().find((c) => c.startsWith('engify_oauth='))!;
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Lax/);
    expect(setCookie).toMatch(/Max-Age=600/);
    // Neither the verifier nor the state secret goes to the provider other than as the challenge.
    const flow = JSON.parse(Buffer.from(setCookie.split(';')[0]!.split('=')[1]!, 'base64url').toString());
    expect(location.toString()).not.toContain(flow.verifier);
  });

  it('signs in with GitHub (creating the first account, an admin) and reuses it the second time', async () => {
    fake.user.github = {
      id: '42',
      login: 'ada',
      name: 'Ada L',
      email: 'Ada@Example.com',
      emailVerified: true,
    };
    const first = await signIn('github', '/library?q=review');
    expect(first.location).toBe('/library?q=review');
    expect(first.session).toBeTruthy();
    expect(first.callback.headers.getSetCookie().some((c) => /^engify_oauth=;.*Max-Age=0/.test(c))).toBe(
      true,
    );
    const a = await me(first.session);
    expect(a.status).toBe(200);
    expect(a.body).toMatchObject({
      user: { email: 'ada@example.com', name: 'Ada L', role: 'admin' },
      via: 'session',
    });

    // The primary email changed at GitHub: the (provider, id) link still finds the same account.
    fake.user.github = { ...fake.user.github, email: 'ada-new@example.com' };
    const second = await signIn('github');
    expect(second.location).toBe('/');
    const b = await me(second.session);
    expect(b.body.user.id).toBe(a.body.user.id);
    expect(second.session).not.toBe(first.session);
  });

  it('signs in with Google and creates a password-less user account', async () => {
    fake.user.google = { id: '1098765', name: 'Grace H', email: 'grace@example.com', emailVerified: true };
    const { session, location } = await signIn('google', '/prompts/flaky-test');
    expect(location).toBe('/prompts/flaky-test');
    const res = await me(session);
    expect(res.body.user).toMatchObject({ email: 'grace@example.com', name: 'Grace H', role: 'user' });
    // No password was set, so password sign-in cannot work for this account.
    const password = await t.app.request('/api/auth/signin', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'grace@example.com', password: 'anything-at-all' }),
    });
    expect(password.status).toBe(401);
    expect((await signIn('google')).session).toBeTruthy();
    expect(fake.tokenCalls.filter((c) => c.provider === 'google').every((c) => c.error === null)).toBe(true);
  });

  it('links a verified provider email to the existing password account', async () => {
    const signup = await t.app.request('/api/auth/signup', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'linus@example.com', password: 'a-long-enough-password' }),
    });
    const existing = ((await signup.json()) as Json).user;
    fake.user.google = { id: '2001', name: 'Linus', email: 'LINUS@example.com', emailVerified: true };
    const viaGoogle = await me((await signIn('google')).session);
    expect(viaGoogle.body.user.id).toBe(existing.id);
    fake.user.github = {
      id: '2002',
      login: 'linus',
      name: 'L',
      email: 'linus@example.com',
      emailVerified: true,
    };
    const viaGithub = await me((await signIn('github')).session);
    expect(viaGithub.body.user.id).toBe(existing.id);
    // The password still works too.
    const password = await t.app.request('/api/auth/signin', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'linus@example.com', password: 'a-long-enough-password' }),
    });
    expect(password.status).toBe(200);
  });

  it('never links (or creates) an account from an unverified email', async () => {
    const signup = await t.app.request('/api/auth/signup', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'victim@example.com', password: 'a-long-enough-password' }),
    });
    expect(signup.status).toBe(201);
    for (const provider of ['github', 'google'] as const) {
      fake.user[provider] = {
        id: provider === 'github' ? '666' : '666666',
        login: 'mallory',
        name: 'Mallory',
        email: 'victim@example.com',
        emailVerified: false, // GitHub: the primary is unverified even though a secondary is verified
      };
      const { location, session } = await signIn(provider);
      expect(location).toBe('/signin?error=oauth_unverified_email');
      expect(session).toBeNull();
      expect(await t.services.accounts.findOAuthUser(provider, fake.user[provider].id)).toBeNull();
    }
    // Nor does an unverified email create a new account.
    fake.user.github = { id: '667', login: 'x', name: 'X', email: 'fresh@example.com', emailVerified: false };
    expect((await signIn('github')).location).toBe('/signin?error=oauth_unverified_email');
    expect(await t.services.accounts.findUserByEmail('fresh@example.com')).toBeNull();
  });

  it('refuses a tampered or missing state without signing in', async () => {
    fake.user.github = {
      id: '3001',
      login: 'st',
      name: 'St',
      email: 'state@example.com',
      emailVerified: true,
    };
    const flow = await begin(t.app, 'github');
    const tampered = flow.callbackPath.replace(/state=[^&]+/, 'state=attacker-chosen-state');
    const res = await t.app.request(tampered, { headers: { cookie: flow.flowCookie } });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/signin?error=oauth_state');
    expect(cookieFrom(res, 'engify_session')).toBeNull();

    const noCookie = await finish(t.app, await begin(t.app, 'github'), null);
    expect(noCookie.headers.get('location')).toBe('/signin?error=oauth_state');
    // A flow started for Google cannot finish at GitHub's callback.
    const google = await begin(t.app, 'google');
    const crossed = await t.app.request(
      `/api/auth/oauth/github/callback?code=x&${google.callbackPath.split('&').find((p) => p.startsWith('state='))}`,
      {
        headers: { cookie: google.flowCookie },
      },
    );
    expect(crossed.headers.get('location')).toBe('/signin?error=oauth_state');
    // Garbage cookie.
    const garbage = await finish(t.app, await begin(t.app, 'github'), 'engify_oauth=not-base64-json');
    expect(garbage.headers.get('location')).toBe('/signin?error=oauth_state');
    expect(await t.services.accounts.findUserByEmail('state@example.com')).toBeNull();
  });

  it('fails when the PKCE verifier does not match the challenge (the provider refuses the code)', async () => {
    fake.user.google = { id: '4001', name: 'P', email: 'pkce@example.com', emailVerified: true };
    const flow = await begin(t.app, 'google');
    const value = JSON.parse(Buffer.from(flow.flowCookie.split('=')[1]!, 'base64url').toString()) as Json;
    value.verifier = 'a'.repeat(64);
    const forged = `engify_oauth=${Buffer.from(JSON.stringify(value)).toString('base64url')}`;
    const res = await finish(t.app, flow, forged);
    expect(res.headers.get('location')).toBe('/signin?error=oauth_failed');
    expect(cookieFrom(res, 'engify_session')).toBeNull();
    expect(fake.tokenCalls.at(-1)).toEqual({ provider: 'google', error: 'invalid_grant' });
  });

  it('does not accept the same code twice', async () => {
    fake.user.github = {
      id: '4501',
      login: 'r',
      name: 'R',
      email: 'replay@example.com',
      emailVerified: true,
    };
    const flow = await begin(t.app, 'github');
    expect((await finish(t.app, flow)).headers.get('location')).toBe('/');
    const replay = await finish(t.app, flow);
    expect(replay.headers.get('location')).toBe('/signin?error=oauth_failed');
    expect(fake.tokenCalls.at(-1)).toEqual({ provider: 'github', error: 'bad_verification_code' });
  });

  it('answers a provider 500 or a user who declined with a redirect, never a 5xx', async () => {
    fake.failure = 'token_500';
    for (const provider of ['github', 'google'] as const) {
      const res = await finish(t.app, await begin(t.app, provider));
      expect(res.status).toBe(302);
      expect(res.headers.get('location')).toBe('/signin?error=oauth_failed');
      expect(cookieFrom(res, 'engify_session')).toBeNull();
    }
    fake.failure = 'none';
    const flow = await begin(t.app, 'github');
    const state = new URL(flow.callbackPath, 'http://x').searchParams.get('state')!;
    const denied = await t.app.request(`/api/auth/oauth/github/callback?error=access_denied&state=${state}`, {
      headers: { cookie: flow.flowCookie },
    });
    expect(denied.headers.get('location')).toBe('/signin?error=oauth_failed');
  });

  it('lands on / for next values that would leave the site', async () => {
    fake.user.github = { id: '5001', login: 'n', name: 'N', email: 'next@example.com', emailVerified: true };
    for (const next of [
      '//evil.com',
      'https://evil.com',
      '/\\evil.com',
      '/\t/evil.com',
      'javascript:alert(1)',
      'evil.com',
    ]) {
      const { location, session } = await signIn('github', next);
      expect(location, next).toBe('/');
      expect(session).toBeTruthy();
    }
    expect((await signIn('github', '/patterns/few-shot#why')).location).toBe('/patterns/few-shot#why');
  });

  it('answers 404 for unknown providers', async () => {
    for (const path of ['/api/auth/oauth/gitlab/start', '/api/auth/oauth/gitlab/callback?code=x&state=y']) {
      const res = await t.app.request(path);
      expect(res.status, path).toBe(404);
      expect(((await res.json()) as Json).error.code).toBe('not_found');
    }
  });

  it('documents the routes in the OpenAPI document', async () => {
    const doc = (await (await t.app.request('/api/openapi.json')).json()) as Json;
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(
        ['/auth/providers', '/auth/oauth/{provider}/start', '/auth/oauth/{provider}/callback'].map((p) =>
          expect.stringContaining(p),
        ),
      ),
    );
  });
});

describe('OAuth configuration', () => {
  it('enables only configured providers; disabled ones answer 404', async () => {
    const onlyGithub = await createTestApp(
      {
        CONTENT_DIR: FIXTURE_CONTENT,
        ...fake.env({ GOOGLE_CLIENT_ID: '', GOOGLE_CLIENT_SECRET: '' }),
      },
      { limits: LIMITS },
    );
    const none = await createTestApp({ CONTENT_DIR: FIXTURE_CONTENT });
    try {
      expect(await (await onlyGithub.app.request('/api/auth/providers')).json()).toEqual({
        providers: ['github'],
      });
      expect((await onlyGithub.app.request('/api/auth/oauth/google/start')).status).toBe(404);
      expect((await onlyGithub.app.request('/api/auth/oauth/google/callback?code=a&state=b')).status).toBe(
        404,
      );
      expect(await (await none.app.request('/api/auth/providers')).json()).toEqual({ providers: [] });
      expect((await none.app.request('/api/auth/oauth/github/start')).status).toBe(404);
    } finally {
      await onlyGithub.close();
      await none.close();
    }
  });

  it('fails the sign-in (not the server) when our client secret is wrong', async () => {
    const wrong = await createTestApp(
      {
        CONTENT_DIR: FIXTURE_CONTENT,
        ...fake.env({ GITHUB_CLIENT_SECRET: 'wrong', GOOGLE_CLIENT_SECRET: 'wrong' }),
      },
      { limits: LIMITS },
    );
    try {
      for (const provider of ['github', 'google'] as const) {
        const { location, session } = await signIn(provider, undefined, wrong.app);
        expect(location).toBe('/signin?error=oauth_failed');
        expect(session).toBeNull();
      }
      expect(fake.tokenCalls.slice(-2)).toEqual([
        { provider: 'github', error: 'incorrect_client_credentials' },
        { provider: 'google', error: 'invalid_client' },
      ]);
    } finally {
      await wrong.close();
    }
  });

  it('uses PUBLIC_URL for the redirect URI when set', async () => {
    const pub = await createTestApp(
      { CONTENT_DIR: FIXTURE_CONTENT, PUBLIC_URL: 'https://engify.example.com/', ...fake.env() },
      { limits: LIMITS },
    );
    try {
      const start = await pub.app.request('/api/auth/oauth/google/start');
      expect(new URL(start.headers.get('location')!).searchParams.get('redirect_uri')).toBe(
        'https://engify.example.com/api/auth/oauth/google/callback',
      );
    } finally {
      await pub.close();
    }
  });
});

describe('OAuth adapters', () => {
  it('time out a provider that never answers (unavailable, not a hang)', async () => {
    fake.failure = 'token_hang';
    const github = new GitHubOAuthProvider({
      clientId: fake.clients.github.id,
      clientSecret: fake.clients.github.secret,
      oauthUrl: fake.origin,
      apiUrl: fake.origin,
      timeoutMs: 200,
    });
    const google = new GoogleOAuthProvider({
      clientId: fake.clients.google.id,
      clientSecret: fake.clients.google.secret,
      oauthUrl: fake.origin,
      tokenUrl: `${fake.origin}/token`,
      userinfoUrl: `${fake.origin}/v1/userinfo`,
      timeoutMs: 200,
    });
    for (const provider of [github, google]) {
      const err = await provider
        .exchange('code', 'v'.repeat(43), 'http://localhost/cb')
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OAuthError);
      expect(err).toMatchObject({ kind: 'unavailable' });
      expect((err as Error).message).toMatch(/no answer in 200 ms/);
    }
  });

  it('report an unreachable provider as unavailable', async () => {
    const google = new GoogleOAuthProvider({
      clientId: 'x',
      clientSecret: 'y',
      oauthUrl: 'http://127.0.0.1:9',
      tokenUrl: 'http://127.0.0.1:9/token',
      userinfoUrl: 'http://127.0.0.1:9/v1/userinfo',
    });
    await expect(google.exchange('c', 'v'.repeat(43), 'http://localhost/cb')).rejects.toMatchObject({
      kind: 'unavailable',
    });
  });
});
