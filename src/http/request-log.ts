import type { MiddlewareHandler } from 'hono';
import type { Logger, LogFn } from '../ports/logger.js';
import type { AppEnv } from './env.js';

/**
 * A child logger that is built the first time something logs through it. Most requests log nothing
 * of their own, and creating a pino child costs more than the rest of a small request's logging.
 */
function lazyChild(logger: Logger, bindings: Record<string, unknown>): Logger {
  let child: Logger | undefined;
  const get = () => (child ??= logger.child(bindings));
  const level =
    (name: 'debug' | 'info' | 'warn' | 'error'): LogFn =>
    (...args: unknown[]) =>
      (get()[name] as (...a: unknown[]) => void)(...args);
  return {
    debug: level('debug'),
    info: level('info'),
    warn: level('warn'),
    error: level('error'),
    child: (more) => get().child(more),
  };
}

/** Gives each request a child logger bound to its id and logs one line when it completes. */
export function requestLog(logger: Logger): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now();
    const requestId = c.get('requestId');
    c.set('logger', lazyChild(logger, { requestId }));
    await next();
    const status = c.res.status;
    // The same fields the child would add, without building one for this line.
    const entry = {
      requestId,
      method: c.req.method,
      path: c.req.path,
      status,
      ms: Math.round((performance.now() - started) * 10) / 10,
    };
    if (status >= 500) logger.error(entry, 'request failed');
    else logger.info(entry, 'request');
  };
}
