import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** Stable error codes the API can answer with. Clients may switch on these. */
export type ErrorCode =
  | 'invalid_request'
  | 'invalid_json'
  | 'invalid_cursor'
  | 'missing_variables'
  | 'unknown_variables'
  | 'not_found'
  | 'method_not_allowed'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'not_ready'
  | 'rate_limited'
  | 'unauthenticated'
  | 'invalid_credentials'
  | 'invalid_api_key'
  | 'forbidden'
  | 'csrf_rejected'
  | 'email_taken'
  | 'account_locked'
  | 'oauth_failed'
  | 'conflict'
  | 'base_url_refused'
  | 'no_provider_key'
  | 'quota_exceeded'
  | 'provider_unauthorized'
  | 'provider_rate_limited'
  | 'provider_unavailable'
  | 'provider_bad_response'
  | 'provider_timeout'
  | 'provider_refused'
  | 'internal_error';

/** The one error type features throw; the app turns it into `{error:{code,message,requestId}}`. */
export class AppError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
    /** Extra response headers, e.g. Retry-After or WWW-Authenticate. */
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'AppError';
  }

  static notFound(what: string): AppError {
    return new AppError(404, 'not_found', `${what} was not found`);
  }

  static badRequest(code: ErrorCode, message: string, details?: Record<string, unknown>): AppError {
    return new AppError(400, code, message, details);
  }
}
