import type { MiddlewareHandler } from 'hono';
import type { Logger } from '../ports/logger.js';
import type { AppEnv } from './env.js';

/** Gives each request a child logger bound to its id and logs one line when it completes. */
export function requestLog(logger: Logger): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now();
    const log = logger.child({ requestId: c.get('requestId') });
    c.set('logger', log);
    await next();
    const status = c.res.status;
    const entry = {
      method: c.req.method,
      path: c.req.path,
      status,
      ms: Math.round((performance.now() - started) * 10) / 10,
    };
    if (status >= 500) log.error(entry, 'request failed');
    else log.info(entry, 'request');
  };
}
