import { OpenAPIHono } from '@hono/zod-openapi';
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { requestId } from 'hono/request-id';
import { adminRoutes } from './features/admin/routes.js';
import { aiRoutes } from './features/ai/routes.js';
import { kbRoutes } from './features/kb/routes.js';
import { openAiCompatRoutes, openAiErrorFormat } from './features/openai-compat/routes.js';
import { providerKeyRoutes } from './features/provider-keys/routes.js';
import { oauthRoutes } from './features/auth/oauth-routes.js';
import { authRoutes } from './features/auth/routes.js';
import { patternRoutes } from './features/patterns/routes.js';
import { PatternService } from './features/patterns/service.js';
import { promptRoutes } from './features/prompts/routes.js';
import { PromptService } from './features/prompts/service.js';
import { UserPromptService } from './features/prompts/user-prompts.js';
import { systemRoutes } from './features/system/routes.js';
import { authenticate, csrfProtection } from './http/auth.js';
import { requireJsonBody, requireMultipartBody } from './http/content-type.js';
import type { AppEnv } from './http/env.js';
import { onError, onNotFound, validationError } from './http/errors.js';
import { clientIp, DEFAULT_LIMITS, rateLimit, type Identity, type Limits } from './http/rate-limit.js';
import { jsonBodyLimit } from './http/node-request.js';
import { requestLog } from './http/request-log.js';
import { API_CSP, baseSecurityHeaders } from './http/security-headers.js';
import { AppError } from './lib/errors.js';
import type { Services } from './services.js';

export interface AppOptions {
  /** Serves everything outside /api (the static web app, or a dev proxy). Omitted in Lambda. */
  web?: MiddlewareHandler<AppEnv>;
  /** Rate limits per route group and tier; defaults to DEFAULT_LIMITS. */
  limits?: Limits;
}

const DOCS_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** Builds the HTTP application from already-constructed services. Does no I/O itself. */
export function createApp(services: Services, options: AppOptions = {}): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use(requestId({ headerName: 'X-Request-Id' }));
  app.use(requestLog(services.logger));
  app.use(baseSecurityHeaders());
  app.onError(onError);
  app.notFound(onNotFound);

  const api = new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) throw validationError(result.error, result.target);
    },
  });
  api.use(async (c, next) => {
    await next();
    // On the response's own headers: c.header() after the handler would copy the whole response.
    const headers = c.res.headers;
    headers.set('Content-Security-Policy', c.req.path.endsWith('/docs') ? DOCS_CSP : API_CSP);
    if (!headers.has('Cache-Control')) headers.set('Cache-Control', 'no-store');
  });
  // The OpenAI-compatible surface answers in OpenAI's error shape, whichever middleware refused.
  api.use('/v1/*', openAiErrorFormat);
  // Uploads are multipart and may be larger than JSON bodies; everything else is JSON.
  const isUpload = (c: Context) => c.req.method === 'POST' && c.req.path === '/api/kb/documents';
  const limitBody = (maxSize: number) =>
    bodyLimit({
      maxSize,
      onError: () => {
        throw new AppError(413, 'payload_too_large', `Request body is over ${maxSize} bytes`);
      },
    });
  // JSON bodies are read straight from the socket on Node (see node-request.ts).
  const jsonLimit = jsonBodyLimit(services.config.bodyLimitBytes);
  // Room for the multipart framing around a file of the largest allowed size.
  const uploadLimit = limitBody(services.config.kb.maxUploadBytes + 64 * 1024);
  api.use((c, next) => (isUpload(c) ? uploadLimit(c, next) : jsonLimit(c, next)));
  api.use((c, next) => (isUpload(c) ? requireMultipartBody(c, next) : requireJsonBody(c, next)));

  const { config } = services;
  const cookies = { secure: config.env === 'production' };
  const ip = (c: Context) => clientIp(c, { trustProxy: config.trustProxy });
  const allowedOrigins = (c: Context) => [
    new URL(c.req.url).origin,
    ...(config.publicUrl ? [new URL(config.publicUrl).origin] : []),
    ...config.corsOrigins,
  ];
  const corsHeaders = cors({
    origin: (origin) => (config.corsOrigins.includes(origin) ? origin : null),
    credentials: true,
    allowHeaders: ['Content-Type', 'Authorization', 'X-Request-Id'],
    allowMethods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    exposeHeaders: [
      'X-Request-Id',
      'RateLimit-Limit',
      'RateLimit-Remaining',
      'RateLimit-Reset',
      'Retry-After',
    ],
    maxAge: 600,
  });
  // CORS headers only mean something to a browser on one of the configured origins (and to preflights);
  // other requests skip the middleware, which would otherwise build and copy the response to add
  // headers that no client reads. API responses are `no-store`, so no cache keys on Origin either.
  api.use((c, next) => {
    const origin = c.req.header('origin');
    return c.req.method === 'OPTIONS' || (origin !== undefined && config.corsOrigins.includes(origin))
      ? corsHeaders(c, next)
      : next();
  });
  api.use(authenticate(services.auth, cookies));
  api.use(csrfProtection(allowedOrigins));

  // Rate limits: `auth` per IP on sign-in/up; `api` per user (or IP when anonymous) everywhere else.
  const limits = options.limits ?? DEFAULT_LIMITS;
  const identify = (c: Context<AppEnv>): Identity => {
    const principal = c.get('principal');
    if (!principal) return { tier: 'anonymous', subject: `ip:${ip(c)}` };
    return { tier: principal.user.role === 'admin' ? 'admin' : 'user', subject: `user:${principal.user.id}` };
  };
  const authLimit = rateLimit<AppEnv>(services.limiter, 'auth', limits, (c) => ({
    tier: 'anonymous',
    subject: `ip:${ip(c)}`,
  }));
  const apiLimit = rateLimit<AppEnv>(services.limiter, 'api', limits, identify);
  // Model calls: their own, hourly budget (100/hour per user), counted instead of the `api` group.
  const aiLimit = rateLimit<AppEnv>(services.limiter, 'ai', limits, identify);
  // Knowledge-base search and embedding call no model provider: they count as ordinary API calls.
  const isAiRoute = (path: string) =>
    /^\/api\/(ai\/|v1\/chat\/|prompts\/[^/]+\/run$)/.test(path) && !/^\/api\/ai\/(rag|embed)$/.test(path);
  api.use('/auth/signup', authLimit);
  api.use('/auth/signin', authLimit);
  api.use('/auth/oauth/:provider/callback', authLimit);
  api.use(async (c, next) => {
    if (c.req.path.endsWith('/health') || c.req.path.includes('/auth/sign')) return next();
    if (isAiRoute(c.req.path)) return aiLimit(c, next);
    return apiLimit(c, next);
  });

  systemRoutes(api, services.system, services.catalog);
  authRoutes(api, services.auth, cookies, ip);
  oauthRoutes(api, services.oauth, cookies, ip, config.publicUrl);
  promptRoutes(api, new PromptService(services.catalog), new UserPromptService(services.catalog));
  patternRoutes(api, new PatternService(services.catalog));
  adminRoutes(api, services.accounts);
  providerKeyRoutes(api, services.providerKeys);
  aiRoutes(api, services.ai, new PromptService(services.catalog), services.executions, services.kb, {
    heartbeatMs: config.ai.heartbeatMs,
  });
  kbRoutes(api, services.kb, services.queue, { maxUploadBytes: config.kb.maxUploadBytes });
  openAiCompatRoutes(api, services.ai, services.providerKeys, { heartbeatMs: config.ai.heartbeatMs });
  api.openAPIRegistry.registerComponent('securitySchemes', 'session', {
    type: 'apiKey',
    in: 'cookie',
    name: cookies.secure ? '__Host-engify_session' : 'engify_session',
  });
  api.openAPIRegistry.registerComponent('securitySchemes', 'apiKey', {
    type: 'http',
    scheme: 'bearer',
    description: 'Personal API key: `Authorization: Bearer egk_…`',
  });

  api.notFound(onNotFound);
  app.route('/api', api);
  if (options.web) app.use('*', options.web);
  return app;
}
