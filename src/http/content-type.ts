import type { MiddlewareHandler } from 'hono';
import { AppError } from '../lib/errors.js';

const JSON_TYPE = /^application\/([\w.-]+\+)?json$/i;

/** Requests with a body must send JSON; anything else is 415 rather than silently ignored. */
export const requireJsonBody: MiddlewareHandler = async (c, next) => {
  const method = c.req.method;
  if (method === 'POST' || method === 'PUT' || method === 'PATCH') {
    const length = c.req.header('content-length');
    const hasBody =
      (length !== undefined && length !== '0') || c.req.header('transfer-encoding') !== undefined;
    const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim();
    if (hasBody && !JSON_TYPE.test(type)) {
      throw new AppError(
        415,
        'unsupported_media_type',
        `Send the request body as JSON (Content-Type: application/json), not "${type || 'none'}"`,
      );
    }
  }
  await next();
};

/** The upload route takes multipart/form-data only. */
export const requireMultipartBody: MiddlewareHandler = async (c, next) => {
  const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'multipart/form-data') {
    throw new AppError(
      415,
      'unsupported_media_type',
      `Upload the document as multipart/form-data with a "file" field, not "${type || 'none'}"`,
    );
  }
  await next();
};
