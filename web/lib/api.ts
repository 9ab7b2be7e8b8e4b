/**
 * Browser-side client for the Engify HTTP API (same origin, under /api). Client-safe: no Node APIs.
 * Errors follow the contract `{ error: { code, message, requestId } }`.
 */
import type { PromptDetail, PromptPage } from './types';

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
    readonly requestId?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

function isAbort(err: unknown): boolean {
  return err instanceof DOMException && err.name === 'AbortError';
}

async function request<T>(path: string, init?: RequestInit): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, { ...init, headers: { accept: 'application/json', ...init?.headers } });
  } catch (err) {
    if (isAbort(err)) throw err;
    throw new ApiError(
      'Could not reach the Engify API. Check your connection and try again.',
      0,
      'NETWORK_ERROR',
    );
  }
  const type = res.headers.get('content-type') ?? '';
  const body: unknown = type.includes('json') ? await res.json().catch(() => undefined) : undefined;
  if (!res.ok) {
    const error = (body as { error?: { code?: unknown; message?: unknown; requestId?: unknown } } | undefined)
      ?.error;
    if (error && typeof error.message === 'string') {
      throw new ApiError(
        error.message,
        res.status,
        typeof error.code === 'string' ? error.code : 'ERROR',
        typeof error.requestId === 'string' ? error.requestId : undefined,
      );
    }
    throw new ApiError(
      res.status === 404
        ? 'The prompt API is not available here (HTTP 404).'
        : `The prompt API returned an unexpected error (HTTP ${res.status}).`,
      res.status,
      'HTTP_ERROR',
    );
  }
  if (body === undefined) {
    throw new ApiError('The prompt API returned a response that is not JSON.', res.status, 'BAD_RESPONSE');
  }
  return body as T;
}

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
  const qs = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') qs.set(key, String(value));
  }
  return request<PromptPage>(`/api/prompts?${qs.toString()}`, { signal }).then((page) => {
    if (!page || !Array.isArray(page.items))
      throw new ApiError('Unexpected response from /api/prompts.', 200, 'BAD_RESPONSE');
    return {
      items: page.items,
      total: typeof page.total === 'number' ? page.total : page.items.length,
      nextCursor: page.nextCursor ?? null,
    };
  });
}

export function getPrompt(slug: string, signal?: AbortSignal): Promise<PromptDetail> {
  return request<PromptDetail>(`/api/prompts/${encodeURIComponent(slug)}`, { signal });
}

export { isAbort };
