'use client';

import * as React from 'react';
import { isAbort, toApiError, type ApiError, type MyListParams } from '@/lib/api';
import type { PromptPage, PromptSummary } from '@/lib/types';

const PAGE_SIZE = 20;

export type ListState =
  | { status: 'loading' }
  | { status: 'error'; error: ApiError }
  | { status: 'ready'; items: PromptSummary[]; total: number; nextCursor: string | null };

/** A signed-in list (`/api/me/prompts`, `/api/me/favorites`) with "Load more" and local removal. */
export function usePromptList(
  fetchPage: (params: MyListParams, signal?: AbortSignal) => Promise<PromptPage>,
) {
  const [state, setState] = React.useState<ListState>({ status: 'loading' });
  const [attempt, setAttempt] = React.useState(0);
  const [more, setMore] = React.useState<{ pending: boolean; error: ApiError | null }>({
    pending: false,
    error: null,
  });

  React.useEffect(() => {
    const controller = new AbortController();
    setState({ status: 'loading' });
    fetchPage({ limit: PAGE_SIZE }, controller.signal)
      .then((page) => setState({ status: 'ready', ...page }))
      .catch((err: unknown) => {
        if (!isAbort(err)) setState({ status: 'error', error: toApiError(err) });
      });
    return () => controller.abort();
  }, [fetchPage, attempt]);

  const retry = React.useCallback(() => setAttempt((n) => n + 1), []);

  const loadMore = async () => {
    if (state.status !== 'ready' || !state.nextCursor) return;
    setMore({ pending: true, error: null });
    try {
      const page = await fetchPage({ limit: PAGE_SIZE, cursor: state.nextCursor });
      setState((s) => {
        if (s.status !== 'ready') return s;
        const seen = new Set(s.items.map((p) => p.slug));
        return {
          status: 'ready',
          items: [...s.items, ...page.items.filter((p) => !seen.has(p.slug))],
          total: page.total,
          nextCursor: page.nextCursor,
        };
      });
      setMore({ pending: false, error: null });
    } catch (err) {
      setMore({ pending: false, error: toApiError(err) });
    }
  };

  const remove = (slug: string) =>
    setState((s) =>
      s.status === 'ready'
        ? { ...s, items: s.items.filter((p) => p.slug !== slug), total: Math.max(0, s.total - 1) }
        : s,
    );

  return { state, retry, loadMore, more, remove };
}
