'use client';

import * as React from 'react';
import { isAbort, toApiError, type ApiError } from '@/lib/api';
import {
  getDocument,
  isInProgress,
  listCollections,
  listDocuments,
  type KbCollection,
  type KbDocument,
} from '@/lib/kb';

const PAGE_SIZE = 50;
/** How often statuses are refreshed while something is queued or processing. */
const POLL_MS = 1500;

export type DocumentsState =
  | { status: 'loading' }
  | { status: 'error'; error: ApiError }
  | { status: 'ready'; items: KbDocument[]; nextCursor: string | null };

/** Whether the tab is visible (polling pauses while it is hidden). */
export function usePageVisible(): boolean {
  const [visible, setVisible] = React.useState(true);
  React.useEffect(() => {
    const update = () => setVisible(document.visibilityState !== 'hidden');
    update();
    document.addEventListener('visibilitychange', update);
    return () => document.removeEventListener('visibilitychange', update);
  }, []);
  return visible;
}

/** Fresh copies replace the ones shown; documents new to the list go on top. */
function merge(items: KbDocument[], fresh: KbDocument[], gone: ReadonlySet<string>): KbDocument[] {
  const byId = new Map(fresh.map((d) => [d.id, d]));
  const known = new Set(items.map((d) => d.id));
  const added = fresh.filter((d) => !known.has(d.id) && !gone.has(d.id));
  return [...added, ...items.filter((d) => !gone.has(d.id)).map((d) => byId.get(d.id) ?? d)];
}

/**
 * The documents of one collection ('' = all), a page at a time. While any of them is queued or
 * processing, and the tab is visible, the first page is fetched again every 1.5 s so statuses and
 * chunk counts move on their own; documents in progress further down are asked for one by one.
 */
export function useDocuments(collection: string) {
  const [state, setState] = React.useState<DocumentsState>({ status: 'loading' });
  const [attempt, setAttempt] = React.useState(0);
  const [more, setMore] = React.useState<{ pending: boolean; error: ApiError | null }>({
    pending: false,
    error: null,
  });
  // Deleted here: a poll that was already on its way must not bring them back.
  const deleted = React.useRef(new Set<string>());
  const itemsRef = React.useRef<KbDocument[]>([]);
  React.useEffect(() => {
    itemsRef.current = state.status === 'ready' ? state.items : [];
  });

  React.useEffect(() => {
    const controller = new AbortController();
    setState({ status: 'loading' });
    setMore({ pending: false, error: null });
    listDocuments({ collection, limit: PAGE_SIZE }, controller.signal)
      .then((page) =>
        setState({
          status: 'ready',
          items: page.items.filter((d) => !deleted.current.has(d.id)),
          nextCursor: page.nextCursor,
        }),
      )
      .catch((err: unknown) => {
        if (!isAbort(err)) setState({ status: 'error', error: toApiError(err) });
      });
    return () => controller.abort();
  }, [collection, attempt]);

  const busy = state.status === 'ready' && state.items.some(isInProgress);
  const visible = usePageVisible();

  React.useEffect(() => {
    if (!busy || !visible) return;
    const controller = new AbortController();
    let timer: number | undefined;
    const poll = async () => {
      try {
        const page = await listDocuments({ collection, limit: PAGE_SIZE }, controller.signal);
        const seen = new Set(page.items.map((d) => d.id));
        const stragglers = itemsRef.current.filter((d) => isInProgress(d) && !seen.has(d.id)).slice(0, 10);
        const gone = new Set(deleted.current);
        const fresh = [...page.items];
        await Promise.all(
          stragglers.map((d) =>
            getDocument(d.id, controller.signal).then(
              (doc) => void fresh.push(doc),
              (err: unknown) => {
                if (toApiError(err).status === 404) gone.add(d.id);
              },
            ),
          ),
        );
        if (controller.signal.aborted) return;
        setState((s) => (s.status === 'ready' ? { ...s, items: merge(s.items, fresh, gone) } : s));
      } catch {
        // A missed refresh is not worth an error on screen: the next one tries again.
      }
      if (!controller.signal.aborted) timer = window.setTimeout(poll, POLL_MS);
    };
    timer = window.setTimeout(poll, POLL_MS);
    return () => {
      controller.abort();
      window.clearTimeout(timer);
    };
  }, [busy, visible, collection]);

  const loadMore = async () => {
    if (state.status !== 'ready' || !state.nextCursor || more.pending) return;
    setMore({ pending: true, error: null });
    try {
      const page = await listDocuments({ collection, limit: PAGE_SIZE, cursor: state.nextCursor });
      setState((s) => {
        if (s.status !== 'ready') return s;
        const seen = new Set(s.items.map((d) => d.id));
        return {
          status: 'ready',
          items: [...s.items, ...page.items.filter((d) => !seen.has(d.id) && !deleted.current.has(d.id))],
          nextCursor: page.nextCursor,
        };
      });
      setMore({ pending: false, error: null });
    } catch (err) {
      setMore({ pending: false, error: toApiError(err) });
    }
  };

  /** Shows `doc` (just uploaded, or found again as a duplicate): replaced in place, or on top. */
  const upsert = React.useCallback(
    (doc: KbDocument) => {
      if (collection && doc.collection !== collection) return;
      deleted.current.delete(doc.id);
      setState((s) => {
        if (s.status !== 'ready') return s;
        return s.items.some((d) => d.id === doc.id)
          ? { ...s, items: s.items.map((d) => (d.id === doc.id ? doc : d)) }
          : { ...s, items: [doc, ...s.items] };
      });
    },
    [collection],
  );

  const remove = React.useCallback((id: string) => {
    deleted.current.add(id);
    setState((s) => (s.status === 'ready' ? { ...s, items: s.items.filter((d) => d.id !== id) } : s));
  }, []);

  const retry = React.useCallback(() => setAttempt((n) => n + 1), []);

  return { state, retry, loadMore, more, upsert, remove };
}

export type CollectionsState =
  { status: 'loading' } | { status: 'error'; error: ApiError } | { status: 'ready'; items: KbCollection[] };

/** The collections the user can read (theirs and the shared one), with document counts. */
export function useCollections() {
  const [state, setState] = React.useState<CollectionsState>({ status: 'loading' });
  const [attempt, setAttempt] = React.useState(0);

  React.useEffect(() => {
    const controller = new AbortController();
    listCollections(controller.signal)
      .then((items) => setState({ status: 'ready', items }))
      .catch((err: unknown) => {
        if (!isAbort(err)) setState({ status: 'error', error: toApiError(err) });
      });
    return () => controller.abort();
  }, [attempt]);

  /** Fetches again, keeping what is shown until the answer arrives. */
  const reload = React.useCallback(() => setAttempt((n) => n + 1), []);
  return { state, reload };
}
