/**
 * Browser-side client for the Engify HTTP API (same origin, under /api). Client-safe: no Node APIs.
 * Errors follow the contract `{ error: { code, message, requestId, details? } }`.
 *
 * Requests are same-origin with `credentials: 'same-origin'`, so the HttpOnly session cookie rides
 * along; the web app never sees it and asks `GET /api/auth/session` who is signed in.
 */
import { readSseStream } from './sse';
import type {
  ApiKey,
  ChatMessage,
  CompareEvent,
  Execution,
  ExecutionPage,
  ExecutionStatus,
  KeyTestResult,
  Me,
  PromptDetail,
  PromptInput,
  PromptPage,
  Provider,
  ProviderKey,
  ProviderKeyInput,
  Rating,
  RunEvent,
  RunOptions,
  RunTarget,
  Settings,
  Tier,
  User,
} from './types';

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

/** The parts of an answer the error needs: a fetch `Response`, or an XHR's status and headers. */
export interface ResponseHead {
  status: number;
  headers: { get(name: string): string | null };
}

function retryAfterSeconds(res: ResponseHead): number | undefined {
  const raw = res.headers.get('retry-after');
  if (!raw) return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds)) return Math.max(1, Math.ceil(seconds));
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : Math.max(1, Math.ceil((at - Date.now()) / 1000));
}

/** The ApiError for a non-2xx response (`body` is its parsed JSON, if any). */
export function errorFromResponse(res: ResponseHead, body: unknown): ApiError {
  const error = (
    body as
      { error?: { code?: unknown; message?: unknown; requestId?: unknown; details?: unknown } } | undefined
  )?.error;
  if (res.status === 401 && error?.code === 'unauthenticated' && typeof window !== 'undefined') {
    window.dispatchEvent(new Event(UNAUTHENTICATED_EVENT));
  }
  if (error && typeof error.message === 'string') {
    return new ApiError(
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
  return new ApiError(
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

export const NETWORK_ERROR = 'Could not reach the Engify API. Check your connection and try again.';

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Sent as JSON with `Content-Type: application/json`. */
  body?: unknown;
  signal?: AbortSignal;
}

/**
 * A JSON call to the API: the parsed body, or an ApiError (a network failure, a non-2xx answer, a
 * body that is not JSON). 204 gives undefined; an abort rethrows the AbortError.
 */
export async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
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
    throw new ApiError(NETWORK_ERROR, 0, 'NETWORK_ERROR');
  }
  if (res.status === 204) return undefined as T;
  const type = res.headers.get('content-type') ?? '';
  const body: unknown = type.includes('json') ? await res.json().catch(() => undefined) : undefined;
  if (!res.ok) throw errorFromResponse(res, body);
  if (body === undefined) {
    throw new ApiError('The Engify API returned a response that is not JSON.', res.status, 'BAD_RESPONSE');
  }
  return body as T;
}

/** `?a=1&b=x` from the params that have a value ('' when none has). */
export function query(params: Record<string, string | number | null | undefined>): string {
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

/** A cursor-paged list as the API sends it, checked: `nextCursor` null on the last page. */
export function cursorPage<T>(
  page: { items: T[]; nextCursor?: string | null } | undefined,
  path: string,
): { items: T[]; nextCursor: string | null } {
  if (!page || !Array.isArray(page.items))
    throw new ApiError(`Unexpected response from ${path}.`, 200, 'BAD_RESPONSE');
  return { items: page.items, nextCursor: page.nextCursor ?? null };
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

/** Who is signed in: `user` is null when nobody is (200 either way, so signed-out pages log nothing). */
export function getSession(signal?: AbortSignal): Promise<{ user: User | null; via: Me['via'] | null }> {
  return request('/api/auth/session', { signal });
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

// ---- Provider keys and settings ----------------------------------------------------------------

const keyPath = (id: string) => `/api/me/provider-keys/${encodeURIComponent(id)}`;

export function listProviderKeys(signal?: AbortSignal): Promise<{ items: ProviderKey[] }> {
  return request('/api/me/provider-keys', { signal });
}

export function createProviderKey(input: ProviderKeyInput): Promise<ProviderKey> {
  return request('/api/me/provider-keys', { method: 'POST', body: input });
}

export function deleteProviderKey(id: string): Promise<void> {
  return request(keyPath(id), { method: 'DELETE' });
}

/** A cheap authenticated call to the provider; a bad key is `{ ok: false, code }`, not an error. */
export function testProviderKey(id: string): Promise<KeyTestResult> {
  return request(`${keyPath(id)}/test`, { method: 'POST' });
}

export function getSettings(signal?: AbortSignal): Promise<Settings> {
  return request('/api/me/settings', { signal });
}

export function updateSettings(settings: Settings): Promise<Settings> {
  return request('/api/me/settings', { method: 'PUT', body: settings });
}

// ---- Runs (streamed) and history ---------------------------------------------------------------

export interface ChatRunInput extends RunTarget {
  messages: ChatMessage[];
  options?: RunOptions;
}

export interface PromptRunInput extends RunTarget {
  variables: Record<string, string>;
  options?: RunOptions;
}

export interface CompareInput {
  messages: ChatMessage[];
  targets: (RunTarget & { provider: Provider })[];
  options?: RunOptions;
}

/** A comment line (`: heartbeat`): the connection is alive while the model thinks. */
export interface StreamHeartbeat {
  type: 'heartbeat';
}

/**
 * POSTs `payload` and yields the response's Server-Sent Events as `{ type, ...data }`. Failures
 * before the stream starts (no key, quota, validation) throw an ApiError from the first `next()`,
 * exactly as `request` would; a connection lost mid-stream throws one with code `STREAM_INTERRUPTED`.
 * Abort `signal` to stop: the server aborts the upstream provider call when the connection closes.
 */
async function* postStream<E extends { type: string }>(
  path: string,
  payload: unknown,
  signal: AbortSignal,
): AsyncGenerator<E | StreamHeartbeat> {
  let res: Response;
  try {
    res = await fetch(path, {
      method: 'POST',
      headers: { accept: 'text/event-stream', 'content-type': 'application/json' },
      credentials: 'same-origin',
      signal,
      body: JSON.stringify(payload),
    });
  } catch (err) {
    if (isAbort(err)) throw err;
    throw new ApiError(NETWORK_ERROR, 0, 'NETWORK_ERROR');
  }
  const type = res.headers.get('content-type') ?? '';
  if (!res.ok) {
    const body: unknown = type.includes('json') ? await res.json().catch(() => undefined) : undefined;
    throw errorFromResponse(res, body);
  }
  if (!type.includes('text/event-stream') || !res.body) {
    throw new ApiError('The Engify API did not answer with an event stream.', res.status, 'BAD_RESPONSE');
  }
  try {
    for await (const item of readSseStream(res.body)) {
      if (item.kind === 'comment') {
        yield { type: 'heartbeat' };
        continue;
      }
      let data: unknown;
      try {
        data = JSON.parse(item.message.data);
      } catch {
        continue; // Not ours to interpret; the stream goes on.
      }
      if (data && typeof data === 'object' && !Array.isArray(data)) {
        yield { ...(data as Record<string, unknown>), type: item.message.event } as unknown as E;
      }
    }
  } catch (err) {
    if (isAbort(err) || signal.aborted) throw new DOMException('The run was stopped.', 'AbortError');
    throw new ApiError('The connection dropped before the answer finished.', 0, 'STREAM_INTERRUPTED');
  }
}

/** `POST /api/ai/stream`: a free-text chat, streamed. */
export function streamChat(input: ChatRunInput, signal: AbortSignal) {
  return postStream<RunEvent>('/api/ai/stream', input, signal);
}

/** `POST /api/prompts/:slug/run` with `stream: true`: a library prompt with your variables, streamed. */
export function streamPromptRun(slug: string, input: PromptRunInput, signal: AbortSignal) {
  return postStream<RunEvent>(`${slugPath(slug)}/run`, { ...input, stream: true }, signal);
}

/** `POST /api/ai/compare`: one chat on 2–4 targets over one stream; run events carry `column`. */
export function streamCompare(input: CompareInput, signal: AbortSignal) {
  return postStream<CompareEvent>('/api/ai/compare', input, signal);
}

export interface ExecutionListParams {
  provider?: Provider | '';
  model?: string;
  status?: ExecutionStatus | '';
  limit?: number;
  cursor?: string | null;
}

export function listExecutions(params: ExecutionListParams, signal?: AbortSignal): Promise<ExecutionPage> {
  return request<ExecutionPage>(`/api/me/executions${query({ ...params })}`, { signal }).then((page) =>
    cursorPage(page, '/api/me/executions'),
  );
}

export function getExecution(id: string, signal?: AbortSignal): Promise<Execution> {
  return request(`/api/me/executions/${encodeURIComponent(id)}`, { signal });
}

export { isAbort };
