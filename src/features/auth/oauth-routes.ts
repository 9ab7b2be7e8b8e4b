import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { setSessionCookie, type CookieOptions } from '../../http/auth.js';
import type { AppEnv } from '../../http/env.js';
import { OAUTH_PROVIDERS } from '../../ports/oauth.js';
import { ErrorResponse } from '../shared-schema.js';
import { oauthFailureReason, type OAuthFlow, type OAuthService } from './oauth.js';

const FLOW_TTL_SEC = 10 * 60;

const Provider = z
  .string()
  .max(40)
  .openapi({ param: { name: 'provider', in: 'path' }, example: 'github' });
const redirect = (description: string) => ({
  description,
  headers: z.object({ Location: z.string() }),
});
const notFound = {
  description: 'Unknown or disabled provider',
  content: { 'application/json': { schema: ErrorResponse } },
};

const providers = createRoute({
  method: 'get',
  path: '/auth/providers',
  tags: ['Auth'],
  summary: 'OAuth sign-in providers enabled on this server',
  responses: {
    200: {
      description: 'Enabled providers (empty when none are configured)',
      content: {
        'application/json': {
          schema: z.object({ providers: z.array(z.enum(OAUTH_PROVIDERS as ['github', 'google'])) }),
        },
      },
    },
  },
});
const start = createRoute({
  method: 'get',
  path: '/auth/oauth/{provider}/start',
  tags: ['Auth'],
  summary: 'Start signing in with GitHub or Google (browser navigation)',
  description:
    'Redirects to the provider (authorization code flow with PKCE S256 and `state`) and sets a 10-minute HttpOnly cookie for the callback. `next` is where to land afterwards: a same-origin path only; anything else becomes `/`.',
  request: {
    params: z.object({ provider: Provider }),
    query: z.object({ next: z.string().optional().openapi({ example: '/library' }) }),
  },
  responses: { 302: redirect('To the provider'), 404: notFound },
});
const callback = createRoute({
  method: 'get',
  path: '/auth/oauth/{provider}/callback',
  tags: ['Auth'],
  summary: 'Where the provider sends the browser back',
  description:
    'Checks `state` against the cookie set by start, exchanges the code (with the PKCE verifier), signs in (linking by verified email or creating the account) and redirects to `next` with the session cookie. On failure it redirects to `/signin?error=` `oauth_state` (state missing, expired or mismatched), `oauth_unverified_email` or `oauth_failed` (refused or failed at the provider), without signing in.',
  request: {
    params: z.object({ provider: Provider }),
    query: z.object({
      code: z.string().max(2000).optional(),
      state: z.string().max(500).optional(),
      error: z.string().max(500).optional(),
    }),
  },
  responses: { 302: redirect('Signed in (to `next`) or failed (to `/signin?error=…`)'), 404: notFound },
});

const FlowCookie = z.object({
  provider: z.enum(OAUTH_PROVIDERS as ['github', 'google']),
  state: z.string().min(1).max(200),
  verifier: z.string().min(43).max(128),
  next: z.string().max(2000),
});

function readFlow(value: string | undefined): OAuthFlow | null {
  if (!value || value.length > 3000) return null;
  try {
    const parsed = FlowCookie.safeParse(JSON.parse(Buffer.from(value, 'base64url').toString('utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/**
 * OAuth sign-in routes. `publicUrl` (when set) is the origin the redirect URI is built on; otherwise
 * the request's own origin.
 */
export function oauthRoutes(
  app: OpenAPIHono<AppEnv>,
  oauth: OAuthService,
  cookies: CookieOptions,
  clientIp: (c: Context<AppEnv>) => string,
  publicUrl?: string,
): void {
  const flowCookie = cookies.secure ? '__Host-engify_oauth' : 'engify_oauth';
  const redirectUri = (c: Context<AppEnv>, provider: string) =>
    `${publicUrl ?? new URL(c.req.url).origin}/api/auth/oauth/${provider}/callback`;

  app.openapi(providers, (c) => c.json({ providers: oauth.enabled() }, 200));

  app.openapi(start, (c) => {
    const { provider } = c.req.valid('param');
    const { url, flow } = oauth.start(provider, c.req.valid('query').next, redirectUri(c, provider));
    setCookie(c, flowCookie, Buffer.from(JSON.stringify(flow)).toString('base64url'), {
      httpOnly: true,
      sameSite: 'Lax', // sent on the provider's top-level redirect back to us
      secure: cookies.secure,
      path: '/',
      maxAge: FLOW_TTL_SEC,
    });
    return c.redirect(url, 302);
  });

  app.openapi(callback, async (c) => {
    const { provider } = c.req.valid('param');
    oauth.provider(provider); // 404 before touching the cookie
    const flow = readFlow(getCookie(c, flowCookie));
    deleteCookie(c, flowCookie, { path: '/', secure: cookies.secure });
    try {
      const result = await oauth.complete(provider, flow, c.req.valid('query'), redirectUri(c, provider), {
        userAgent: c.req.header('user-agent')?.slice(0, 300) ?? null,
        ip: clientIp(c),
      });
      setSessionCookie(c, cookies, result.token, result.expiresAt);
      c.get('logger')?.info({ provider, outcome: result.outcome, userId: result.user.id }, 'oauth sign-in');
      return c.redirect(result.next, 302);
    } catch (err) {
      const reason = oauthFailureReason(err);
      if (!reason) throw err;
      c.get('logger')?.warn({ provider, reason, detail: (err as Error).message }, 'oauth sign-in failed');
      return c.redirect(`/signin?error=${reason}`, 302);
    }
  });
}
