import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { AuthService, Principal } from '../features/auth/service.js';
import { AppError } from '../lib/errors.js';
import type { AppEnv } from './env.js';

export interface CookieOptions {
  /** Production: `Secure` and the `__Host-` prefix (only ever set over HTTPS, for this exact host). */
  secure: boolean;
}

export const sessionCookieName = (options: CookieOptions) =>
  options.secure ? '__Host-engify_session' : 'engify_session';

export function setSessionCookie(c: Context, options: CookieOptions, token: string, expiresAt: Date): void {
  setCookie(c, sessionCookieName(options), token, {
    httpOnly: true,
    sameSite: 'Lax',
    secure: options.secure,
    path: '/',
    expires: expiresAt,
  });
}

export function clearSessionCookie(c: Context, options: CookieOptions): void {
  deleteCookie(c, sessionCookieName(options), { path: '/', secure: options.secure });
}

/**
 * Resolves the caller from `Authorization: Bearer egk_…` or the session cookie. A bearer token that is
 * not a valid key is refused outright (401) rather than silently treated as anonymous; an expired or
 * unknown cookie is cleared and the request continues anonymously.
 */
export function authenticate(auth: AuthService, cookies: CookieOptions): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    c.set('principal', null);
    const header = c.req.header('authorization');
    if (header !== undefined) {
      const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
      const principal = match ? await auth.authenticateApiKey(match[1]!) : null;
      if (!principal) {
        throw new AppError(401, 'invalid_api_key', 'The API key is invalid or has been revoked', undefined, {
          'WWW-Authenticate': 'Bearer realm="engify"',
        });
      }
      c.set('principal', principal);
      return next();
    }
    const token = getCookie(c, sessionCookieName(cookies));
    if (token) {
      const principal = token.length <= 200 ? await auth.authenticateSession(token) : null;
      if (principal) c.set('principal', principal);
      else clearSessionCookie(c, cookies);
    }
    return next();
  };
}

export function requireUser(c: Context<AppEnv>): Principal {
  const principal = c.get('principal');
  if (!principal) throw new AppError(401, 'unauthenticated', 'Sign in or send an API key to use this route');
  return principal;
}

export function requireAdmin(c: Context<AppEnv>): Principal {
  const principal = requireUser(c);
  if (principal.user.role !== 'admin') throw new AppError(403, 'forbidden', 'Only admins can do this');
  return principal;
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * CSRF protection for cookie-authenticated mutations. Browsers send Origin on every cross-origin
 * POST/PUT/PATCH/DELETE: it must be this app's own origin or one in the CORS allowlist. Without
 * Origin, a Sec-Fetch-Site of cross-site or same-site is refused. Requests with an Authorization header carry no ambient credentials and pass; so do
 * non-browser clients that send neither header (they cannot be tricked into sending a cookie).
 */
export function csrfProtection(allowedOrigins: (c: Context) => string[]): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (!UNSAFE.has(c.req.method) || c.req.header('authorization') !== undefined) return next();
    const origin = c.req.header('origin');
    const site = c.req.header('sec-fetch-site');
    const rejected =
      origin !== undefined
        ? !allowedOrigins(c).includes(origin)
        : site === 'cross-site' || site === 'same-site';
    if (rejected) {
      throw new AppError(
        403,
        'csrf_rejected',
        'Cross-site request refused; send it from the Engify app or use an API key',
      );
    }
    return next();
  };
}
