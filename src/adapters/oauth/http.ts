import { OAuthError } from '../../ports/oauth.js';

export const UPSTREAM_TIMEOUT_MS = 5000;

/**
 * Calls a provider endpoint and parses its JSON. Network errors, timeouts, 5xx and unreadable bodies
 * become `unavailable`; the caller decides what a 4xx means (the body is returned with the status).
 */
export async function fetchJson(
  url: string,
  init: RequestInit,
  what: string,
  timeoutMs = UPSTREAM_TIMEOUT_MS,
): Promise<{ status: number; body: unknown }> {
  let res: Response;
  try {
    res = await fetch(url, { ...init, redirect: 'error', signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    const timedOut = (err as { name?: string }).name === 'TimeoutError';
    throw new OAuthError(
      'unavailable',
      `${what}: ${timedOut ? `no answer in ${timeoutMs} ms` : 'unreachable'}`,
    );
  }
  if (res.status >= 500) {
    await res.body?.cancel();
    throw new OAuthError('unavailable', `${what}: answered ${res.status}`);
  }
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    throw new OAuthError('unavailable', `${what}: answered ${res.status} without JSON`);
  }
  return { status: res.status, body };
}

/** A provider error body (`{error, error_description}`) summarised without echoing anything secret. */
export function oauthErrorCode(body: unknown): string | null {
  if (body && typeof body === 'object' && 'error' in body && typeof body.error === 'string') {
    return body.error.slice(0, 64);
  }
  return null;
}
