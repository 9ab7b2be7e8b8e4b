import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ZodError } from 'zod';
import { AppError, type ErrorCode } from '../lib/errors.js';
import type { AppEnv } from './env.js';

export function errorBody(
  c: Context<AppEnv>,
  code: ErrorCode,
  message: string,
  details?: Record<string, unknown>,
) {
  return { error: { code, message, requestId: c.get('requestId') ?? '', ...(details ? { details } : {}) } };
}

function respond(c: Context<AppEnv>, err: AppError): Response {
  return c.json(errorBody(c, err.code, err.message, err.details), err.status, err.headers);
}

/** Summarises zod issues as "field: problem" so a client sees every field it got wrong. */
export function validationError(error: ZodError, target: string): AppError {
  const fields = error.issues.map((issue) => ({
    field: [target === 'json' ? 'body' : target, ...issue.path.map(String)].join('.'),
    message: issue.message,
  }));
  const message = fields.map((f) => `${f.field}: ${f.message}`).join('; ');
  return AppError.badRequest('invalid_request', `Invalid request: ${message}`, { fields });
}

const statusCodes: Partial<Record<number, ErrorCode>> = {
  400: 'invalid_request',
  404: 'not_found',
  405: 'method_not_allowed',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
};

export const onError: ErrorHandler<AppEnv> = (err, c) => {
  if (err instanceof AppError) return respond(c, err);
  if (err instanceof HTTPException && err.status < 500) {
    const malformed = /malformed json/i.test(err.message);
    const code: ErrorCode = malformed ? 'invalid_json' : (statusCodes[err.status] ?? 'invalid_request');
    return respond(c, new AppError(err.status as ContentfulStatusCode, code, err.message || 'Bad request'));
  }
  c.get('logger')?.error({ err }, 'unhandled error');
  return c.json(errorBody(c, 'internal_error', 'Something went wrong on our side'), 500);
};

export const onNotFound: NotFoundHandler<AppEnv> = (c) =>
  c.json(errorBody(c, 'not_found', `No route for ${c.req.method} ${c.req.path}`), 404);
