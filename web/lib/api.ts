/**
 * Browser-side client for the Engify HTTP API (same origin, under /api). Client-safe: no Node APIs.
 * Errors follow the contract `{ error: { code, message, requestId, details? } }`.
 *
 * Requests are same-origin with `credentials: 'same-origin'`, so the HttpOnly session cookie rides
 * along; the web app never sees it and asks `GET /api/me` who is signed in.
 */
import type { ApiKey, Me, PromptDetail, PromptInput, PromptPage, Rating, Tier, User } from './types';

export interface FieldError {
  field: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
    readonly requestId?: string,
    readonly details?: Record<string, unknown>,
    /** Seconds from the Retry-After header (429s). */
    readonly retryAfter?: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** `details.fields` of a 400, keyed by field name without the `body.` prefix (`variables.0.name`). */
  get fields(): Record<string, string> {
    const list = this.details?.fields;
    const out: Record<string, string> = {};
    if (!Array.isArray(list)) return out;
    for (const item of list as unknown[]) {
      const f = item as Partial<FieldError> | null;
      if (!f || typeof f.field !== 'string' || typeof f.message !== 'string') continue;
      const name = f.field.replace(/^body\.?/, '');
      out[name] ??= f.message;
    }
    return out;
  }
}

/** Dispatched on `window` when the API answers 401 `unauthenticated`: the session is gone. */
export const UNAUTHENTICATED_EVENT = 'engify:unauthenticated';

function isAbort(err: unknown): boolean {
  return err instanceof DOMException && err.name === 'AbortError';
}

/** Any thrown value as an ApiError (for state that only holds ApiErrors). */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  return new ApiError(err instanceof Error ? err.message : 'Something went wrong.', 0, 'CLIENT_ERROR');
}

function retryAfterSeconds(res: Response): number | undefined {
  const raw = res.headers.get('retry-after');
  if (!raw) return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds)) return Math.max(1, Math.ceil(seconds));
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : Math.max(1, Math.ceil((at - Date.now()) / 1000));
}

interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Sent as JSON with `Content-Type: application/json`. */
  body?: unknown;
  signal?: AbortSignal;
}

async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const { method = 'GET', body: payload, signal } = options;
  const headers: Record<string, string> = { accept: 'application/json' };
  if (payload !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      signal,
      ...(payload !== undefined ? { body: JSON.stringify(payload) } : {}),
    });
  } catch (err) {
    if (isAbort(err)) throw err;
    throw new ApiError(
      'Could not reach the Engify API. Check your connection and try again.',
      0,
      'NETWORK_ERROR',
    );
  }
  if (res.status === 204) return undefined as T;
  const type = res.headers.get('content-type') ?? '';
  const body: unknown = type.includes('json') ? await res.json().catch(() => undefined) : undefined;
  if (!res.ok) {
    const error = (
      body as
        { error?: { code?: unknown; message?: unknown; requestId?: unknown; details?: unknown } } | undefined
    )?.error;
    if (res.status === 401 && error?.code === 'unauthenticated' && typeof window !== 'undefined') {
      window.dispatchEvent(new Event(UNAUTHENTICATED_EVENT));
    }
    if (error && typeof error.message === 'string') {
      throw new ApiError(
        error.message,
        res.status,
        typeof error.code === 'string' ? error.code : 'ERROR',
        typeof error.requestId === 'string' ? error.requestId : undefined,
        error.details && typeof error.details === 'object'
          ? (error.details as Record<string, unknown>)
          : undefined,
        retryAfterSeconds(res),
      );
    }
    throw new ApiError(
      res.status === 404
        ? 'The Engify API is not available here (HTTP 404).'
        : `The Engify API returned an unexpected error (HTTP ${res.status}).`,
      res.status,
      'HTTP_ERROR',
      undefined,
      undefined,
      retryAfterSeconds(res),
    );
  }
  if (body === undefined) {
    throw new ApiError('The Engify API returned a response that is not JSON.', res.status, 'BAD_RESPONSE');
  }
  return body as T;
}

function query(params: Record<string, string | number | null | undefined>): string {
  const qs = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') qs.set(key, String(value));
  }
  const s = qs.toString();
  return s ? `?${s}` : '';
}

function asPage(page: PromptPage, path: string): PromptPage {
  if (!page || !Array.isArray(page.items))
    throw new ApiError(`Unexpected response from ${path}.`, 200, 'BAD_RESPONSE');
  return {
    items: page.items,
    total: typeof page.total === 'number' ? page.total : page.items.length,
    nextCursor: page.nextCursor ?? null,
  };
}

const slugPath = (slug: string) => `/api/prompts/${encodeURIComponent(slug)}`;

// ---- Library -----------------------------------------------------------------------------------

export interface PromptListParams {
  q?: string;
  role?: string;
  category?: string;
  pattern?: string;
  tag?: string;
  difficulty?: string;
  limit?: number;
  cursor?: string | null;
}

export function listPrompts(params: PromptListParams, signal?: AbortSignal): Promise<PromptPage> {
  return request<PromptPage>(`/api/prompts${query({ ...params })}`, { signal }).then((page) =>
    asPage(page, '/api/prompts'),
  );
}

export function getPrompt(slug: string, signal?: AbortSignal): Promise<PromptDetail> {
  return request<PromptDetail>(slugPath(slug), { signal });
}

// ---- Auth and account --------------------------------------------------------------------------

export function signUp(input: { email: string; password: string; name?: string }): Promise<{ user: User }> {
  return request('/api/auth/signup', { method: 'POST', body: input });
}

export function signIn(input: { email: string; password: string }): Promise<{ user: User }> {
  return request('/api/auth/signin', { method: 'POST', body: input });
}

export function signOut(everywhere = false): Promise<{ signedOut: number }> {
  return request('/api/auth/signout', { method: 'POST', body: { everywhere } });
}

export type OAuthProvider = 'github' | 'google';

/** OAuth providers enabled on this server (empty when none are configured). */
export function listOAuthProviders(signal?: AbortSignal): Promise<{ providers: OAuthProvider[] }> {
  return request('/api/auth/providers', { signal });
}

/** A top-level navigation target (not fetch): redirects to the provider and back to `next`. */
export function oauthStartUrl(provider: OAuthProvider, next: string): string {
  return `/api/auth/oauth/${provider}/start?next=${encodeURIComponent(next)}`;
}

export function getMe(signal?: AbortSignal): Promise<Me> {
  return request<Me>('/api/me', { signal });
}

export function listApiKeys(signal?: AbortSignal): Promise<{ items: ApiKey[] }> {
  return request('/api/me/api-keys', { signal });
}

export function createApiKey(name: string): Promise<{ key: string; apiKey: ApiKey }> {
  return request('/api/me/api-keys', { method: 'POST', body: { name } });
}

export function revokeApiKey(id: string): Promise<void> {
  return request(`/api/me/api-keys/${encodeURIComponent(id)}`, { method: 'DELETE' });
}

// ---- Your prompts, favorites, ratings ----------------------------------------------------------

export interface MyListParams {
  q?: string;
  limit?: number;
  cursor?: string | null;
}

export function listMyPrompts(params: MyListParams = {}, signal?: AbortSignal): Promise<PromptPage> {
  return request<PromptPage>(`/api/me/prompts${query({ ...params })}`, { signal }).then((page) =>
    asPage(page, '/api/me/prompts'),
  );
}

export function listFavorites(params: MyListParams = {}, signal?: AbortSignal): Promise<PromptPage> {
  return request<PromptPage>(`/api/me/favorites${query({ ...params })}`, { signal }).then((page) =>
    asPage(page, '/api/me/favorites'),
  );
}

export function createPrompt(input: PromptInput): Promise<PromptDetail> {
  return request('/api/prompts', { method: 'POST', body: input });
}

export function updatePrompt(slug: string, patch: Partial<PromptInput>): Promise<PromptDetail> {
  return request(slugPath(slug), { method: 'PATCH', body: patch });
}

export function deletePrompt(slug: string): Promise<void> {
  return request(slugPath(slug), { method: 'DELETE' });
}

export function setFavorite(slug: string, favorite: boolean): Promise<{ favorite: boolean }> {
  return request(`${slugPath(slug)}/favorite`, { method: favorite ? 'PUT' : 'DELETE' });
}

export function ratePrompt(slug: string, stars: number): Promise<{ stars: number; rating: Rating }> {
  return request(`${slugPath(slug)}/rating`, { method: 'PUT', body: { stars } });
}

// ---- Admin -------------------------------------------------------------------------------------

export function listUsers(
  params: { limit?: number; offset?: number },
  signal?: AbortSignal,
): Promise<{ items: User[]; total: number }> {
  return request(`/api/admin/users${query({ ...params })}`, { signal });
}

export function updateUser(id: string, patch: { tier?: Tier; role?: User['role'] }): Promise<User> {
  return request(`/api/admin/users/${encodeURIComponent(id)}`, { method: 'PATCH', body: patch });
}

export { isAbort };
