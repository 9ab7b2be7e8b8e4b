import { OpenAPIHono } from '@hono/zod-openapi';
import { Hono, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { requestId } from 'hono/request-id';
import { patternRoutes } from './features/patterns/routes.js';
import { PatternService } from './features/patterns/service.js';
import { promptRoutes } from './features/prompts/routes.js';
import { PromptService } from './features/prompts/service.js';
import { systemRoutes } from './features/system/routes.js';
import { requireJsonBody } from './http/content-type.js';
import type { AppEnv } from './http/env.js';
import { onError, onNotFound, validationError } from './http/errors.js';
import { requestLog } from './http/request-log.js';
import { API_CSP, baseSecurityHeaders } from './http/security-headers.js';
import { AppError } from './lib/errors.js';
import type { Services } from './services.js';

export interface AppOptions {
  /** Serves everything outside /api (the static web app, or a dev proxy). Omitted in Lambda. */
  web?: MiddlewareHandler<AppEnv>;
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
    c.header('Content-Security-Policy', c.req.path.endsWith('/docs') ? DOCS_CSP : API_CSP);
    if (!c.res.headers.has('Cache-Control')) c.header('Cache-Control', 'no-store');
  });
  api.use(
    bodyLimit({
      maxSize: services.config.bodyLimitBytes,
      onError: () => {
        throw new AppError(
          413,
          'payload_too_large',
          `Request body is over ${services.config.bodyLimitBytes} bytes`,
        );
      },
    }),
  );
  api.use(requireJsonBody);

  systemRoutes(api, services.system, services.catalog);
  promptRoutes(api, new PromptService(services.catalog));
  patternRoutes(api, new PatternService(services.catalog));

  api.notFound(onNotFound);
  app.route('/api', api);
  if (options.web) app.use('*', options.web);
  return app;
}
