import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { clearSessionCookie, requireUser, setSessionCookie, type CookieOptions } from '../../http/auth.js';
import type { AppEnv } from '../../http/env.js';
import { errorContent, jsonBody, jsonContent, signedIn } from '../shared-schema.js';
import {
  ApiKey,
  CreateApiKeyRequest,
  CreatedApiKey,
  MeResponse,
  SignInRequest,
  SignOutRequest,
  SignUpRequest,
  UserResponse,
} from './schema.js';
import type { AuthService } from './service.js';

const signUp = createRoute({
  method: 'post',
  path: '/auth/signup',
  tags: ['Auth'],
  summary: 'Create an account and sign in',
  description: 'The first account on a fresh install becomes an admin. Sets the session cookie.',
  request: jsonBody(SignUpRequest),
  responses: {
    201: jsonContent(UserResponse, 'Signed up'),
    400: errorContent('Invalid input'),
    409: errorContent('Email taken'),
  },
});
const signIn = createRoute({
  method: 'post',
  path: '/auth/signin',
  tags: ['Auth'],
  summary: 'Sign in with email and password',
  description:
    'Sets the session cookie. Repeated failures slow down and then lock the account and the IP for a while (429 `account_locked`).',
  request: jsonBody(SignInRequest),
  responses: {
    200: jsonContent(UserResponse, 'Signed in'),
    401: errorContent('Wrong email or password'),
    429: errorContent('Locked'),
  },
});
const signOut = createRoute({
  method: 'post',
  path: '/auth/signout',
  tags: ['Auth'],
  summary: 'Sign out (this session, or every session with `everywhere`)',
  security: signedIn,
  request: { body: { required: false, content: { 'application/json': { schema: SignOutRequest } } } },
  responses: {
    200: jsonContent(z.object({ signedOut: z.number().int() }), 'Signed out'),
    401: errorContent('Not signed in'),
  },
});
const session = createRoute({
  method: 'get',
  path: '/auth/session',
  tags: ['Auth'],
  summary: 'Who is signed in, or null (never 401: for pages that render either way)',
  responses: {
    200: jsonContent(
      z.object({ user: UserResponse.shape.user.nullable(), via: z.enum(['session', 'api_key']).nullable() }),
      'The caller',
    ),
  },
});
const me = createRoute({
  method: 'get',
  path: '/me',
  tags: ['Account'],
  summary: 'The signed-in user',
  security: signedIn,
  responses: { 200: jsonContent(MeResponse, 'You'), 401: errorContent('Not signed in') },
});
const listKeys = createRoute({
  method: 'get',
  path: '/me/api-keys',
  tags: ['Account'],
  summary: 'Your personal API keys (never the keys themselves)',
  security: signedIn,
  responses: {
    200: jsonContent(z.object({ items: z.array(ApiKey) }), 'Keys'),
    401: errorContent('Not signed in'),
  },
});
const createKey = createRoute({
  method: 'post',
  path: '/me/api-keys',
  tags: ['Account'],
  summary: 'Create a personal API key (`egk_…`, shown once)',
  description: 'Use it as `Authorization: Bearer egk_…` on any route a session can use.',
  security: signedIn,
  request: jsonBody(CreateApiKeyRequest),
  responses: {
    201: jsonContent(CreatedApiKey, 'Created'),
    400: errorContent('Invalid input'),
    401: errorContent('Not signed in'),
  },
});
const revokeKey = createRoute({
  method: 'delete',
  path: '/me/api-keys/{id}',
  tags: ['Account'],
  summary: 'Revoke a personal API key',
  security: signedIn,
  request: { params: z.object({ id: z.string().min(1).max(64) }) },
  responses: {
    204: { description: 'Revoked' },
    401: errorContent('Not signed in'),
    404: errorContent('No such key'),
  },
});

function requestMeta(c: Context<AppEnv>, ip: string) {
  return { userAgent: c.req.header('user-agent')?.slice(0, 300) ?? null, ip };
}

export function authRoutes(
  app: OpenAPIHono<AppEnv>,
  auth: AuthService,
  cookies: CookieOptions,
  clientIp: (c: Context<AppEnv>) => string,
): void {
  app.openapi(signUp, async (c) => {
    const input = c.req.valid('json');
    const result = await auth.signUp(
      { ...input, email: input.email.toLowerCase() },
      requestMeta(c, clientIp(c)),
    );
    setSessionCookie(c, cookies, result.token, result.expiresAt);
    return c.json({ user: result.user }, 201);
  });
  app.openapi(signIn, async (c) => {
    const input = c.req.valid('json');
    const result = await auth.signIn(
      { ...input, email: input.email.toLowerCase() },
      requestMeta(c, clientIp(c)),
    );
    setSessionCookie(c, cookies, result.token, result.expiresAt);
    return c.json({ user: result.user }, 200);
  });
  app.openapi(signOut, async (c) => {
    const principal = requireUser(c);
    const { everywhere } = (c.req.valid('json') as { everywhere?: boolean } | undefined) ?? {};
    const signedOut = await auth.signOut(principal, everywhere ?? false);
    clearSessionCookie(c, cookies);
    return c.json({ signedOut }, 200);
  });
  app.openapi(session, (c) => {
    const principal = c.get('principal');
    return c.json({ user: principal?.user ?? null, via: principal?.via ?? null }, 200);
  });
  app.openapi(me, (c) => {
    const principal = requireUser(c);
    return c.json({ user: principal.user, via: principal.via }, 200);
  });
  app.openapi(listKeys, async (c) => {
    const keys = await auth.listApiKeys(requireUser(c).user.id);
    return c.json({ items: keys.map(({ userId: _u, revokedAt: _r, ...key }) => key) }, 200);
  });
  app.openapi(createKey, async (c) => {
    const { key, apiKey } = await auth.createApiKey(requireUser(c).user.id, c.req.valid('json').name);
    const { userId: _u, revokedAt: _r, ...shown } = apiKey;
    return c.json({ key, apiKey: shown }, 201);
  });
  app.openapi(revokeKey, async (c) => {
    await auth.revokeApiKey(requireUser(c).user.id, c.req.valid('param').id);
    return c.body(null, 204);
  });
}
