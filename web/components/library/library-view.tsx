'use client';

import * as React from 'react';
import { useSearchParams } from 'next/navigation';
import { AlertCircle, Loader2, RotateCcw, Search, SearchX, X } from 'lucide-react';
import { Alert, AlertDescription, AlertTitle } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/input';
import { Kbd } from '@/components/ui/kbd';
import { Label } from '@/components/ui/label';
import { NativeSelect } from '@/components/ui/native-select';
import { Skeleton } from '@/components/ui/skeleton';
import { PromptCard } from '@/components/prompt-card';
import { FOCUS_SEARCH_KEY } from '@/components/site/header-search';
import { ApiError, isAbort, listPrompts } from '@/lib/api';
import {
  EMPTY_QUERY,
  FILTER_KEYS,
  PAGE_SIZE,
  isFiltered,
  parseQuery,
  serializeQuery,
  type FilterKey,
  type LibraryQuery,
} from '@/lib/library-query';
import type { FacetOption, Labels, LibraryFacets, PromptPage } from '@/lib/types';
import { cn, labelFromId } from '@/lib/utils';

export interface LibraryData {
  /** First page of the full built-in list, rendered at build time. */
  initial: PromptPage;
  facets: LibraryFacets;
  labels: Labels;
}

const BASE_PATH = '/library';
const DEBOUNCE_MS = 250;
/** Largest `limit` we ask the API for when switching the unfiltered list over to API paging. */
const MAX_LIMIT = 100;

/** Recent results by query, so back/forward between searches is instant (and kept briefly). */
const CACHE_TTL_MS = 60_000;
const cache = new Map<string, { at: number; page: PromptPage }>();
function cached(key: string): PromptPage | undefined {
  const hit = cache.get(key);
  if (!hit || Date.now() - hit.at > CACHE_TTL_MS) return undefined;
  return hit.page;
}
function remember(key: string, page: PromptPage) {
  cache.delete(key);
  cache.set(key, { at: Date.now(), page });
  while (cache.size > 30) cache.delete(cache.keys().next().value as string);
}

/** The interactive library: reads its state from the URL query string. Must sit in a <Suspense>. */
export function LibraryFromUrl(props: LibraryData) {
  const searchParams = useSearchParams();
  const query = React.useMemo(() => parseQuery(searchParams), [searchParams]);
  return <LibraryView {...props} query={query} live />;
}

/** Server-rendered stand-in for the URL-driven view: the unfiltered first page, same markup. */
export function LibraryStatic(props: LibraryData) {
  return <LibraryView {...props} query={EMPTY_QUERY} live={false} />;
}

type Status = 'ready' | 'loading' | 'error';

interface Results {
  /** Serialized query these results belong to ('' = the unfiltered list). */
  key: string;
  page: PromptPage;
  /** True while showing the build-time list (no API cursor yet). */
  fromBuild: boolean;
}

interface ViewProps extends LibraryData {
  query: LibraryQuery;
  /** False for the pre-rendered fallback: no fetching, no URL updates. */
  live: boolean;
}

function LibraryView({ initial, facets, labels, query, live }: ViewProps) {
  const key = serializeQuery(query);
  const filtered = isFiltered(query);
  const searchRef = React.useRef<HTMLInputElement>(null);
  const listRef = React.useRef<HTMLUListElement>(null);

  // ---- URL state -------------------------------------------------------------------------------
  const [text, setText] = React.useState(query.q);
  const committedQ = React.useRef(query.q.trim());

  // Back/forward or a shared link changed q: reflect it in the box (unless it is what we just typed).
  React.useEffect(() => {
    if (query.q.trim() !== committedQ.current) {
      committedQ.current = query.q.trim();
      setText(query.q);
    }
  }, [query.q]);

  const navigate = React.useCallback(
    (next: LibraryQuery, mode: 'push' | 'replace') => {
      if (!live) return;
      committedQ.current = next.q.trim();
      const qs = serializeQuery(next);
      const url = qs ? `${BASE_PATH}?${qs}` : BASE_PATH;
      if (url === `${window.location.pathname}${window.location.search}`) return;
      if (mode === 'push') window.history.pushState(null, '', url);
      else window.history.replaceState(null, '', url);
    },
    [live],
  );

  // Debounced search-as-you-type. The first keystroke of a search adds a history entry; refining it replaces.
  React.useEffect(() => {
    if (text.trim() === query.q.trim()) return;
    const timer = window.setTimeout(
      () => navigate({ ...query, q: text }, query.q.trim() ? 'replace' : 'push'),
      DEBOUNCE_MS,
    );
    return () => window.clearTimeout(timer);
  }, [text, query, navigate]);

  const setFilter = (name: FilterKey, value: string) =>
    navigate({ ...query, q: text, [name]: value }, 'push');
  const clearAll = () => {
    setText('');
    navigate(EMPTY_QUERY, 'push');
    searchRef.current?.focus();
  };

  // Arrived via the header search shortcut: focus the box.
  React.useEffect(() => {
    if (!live) return;
    try {
      if (window.sessionStorage.getItem(FOCUS_SEARCH_KEY)) {
        window.sessionStorage.removeItem(FOCUS_SEARCH_KEY);
        searchRef.current?.focus();
      }
    } catch {
      // Storage unavailable: nothing to do.
    }
  }, [live]);

  // `/` focuses the search box (unless typing somewhere already).
  React.useEffect(() => {
    if (!live) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented) return;
      const target = e.target as HTMLElement | null;
      if (target?.closest('input, textarea, select, [contenteditable=""], [contenteditable="true"]')) return;
      e.preventDefault();
      searchRef.current?.focus();
      searchRef.current?.select();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [live]);

  // ---- Results ---------------------------------------------------------------------------------
  const [results, setResults] = React.useState<Results>({ key: '', page: initial, fromBuild: true });
  const [status, setStatus] = React.useState<Status>('ready');
  const [error, setError] = React.useState<ApiError | null>(null);
  const [attempt, setAttempt] = React.useState(0);
  const retrying = React.useRef(false);
  const retry = () => {
    retrying.current = true;
    setAttempt((n) => n + 1);
  };

  React.useEffect(() => {
    if (!live) return;
    if (!filtered) {
      setResults({ key: '', page: initial, fromBuild: true });
      setStatus('ready');
      setError(null);
      return;
    }
    setError(null);
    const hit = retrying.current ? undefined : cached(key);
    retrying.current = false;
    if (hit) {
      setResults({ key, page: hit, fromBuild: false });
      setStatus('ready');
      return;
    }
    const controller = new AbortController();
    setStatus('loading');
    const current = parseQuery(new URLSearchParams(key));
    listPrompts({ ...current, q: current.q.trim(), limit: PAGE_SIZE }, controller.signal)
      .then((page) => {
        remember(key, page);
        setResults({ key, page, fromBuild: false });
        setStatus('ready');
      })
      .catch((err: unknown) => {
        if (isAbort(err)) return;
        setError(toApiError(err));
        setStatus('error');
      });
    return () => controller.abort();
  }, [key, filtered, initial, live, attempt]);

  // ---- Load more -------------------------------------------------------------------------------
  const [moreStatus, setMoreStatus] = React.useState<Status>('ready');
  const [moreError, setMoreError] = React.useState<ApiError | null>(null);
  const focusIndex = React.useRef<number | null>(null);
  React.useEffect(() => {
    setMoreStatus('ready');
    setMoreError(null);
  }, [key]);

  const shown = results.key === key ? results : null;
  const items = shown?.page.items ?? [];
  const total = shown?.page.total ?? 0;
  const canLoadMore =
    !!shown && (shown.page.nextCursor !== null || (shown.fromBuild && items.length < total));

  const loadMore = async () => {
    if (!shown) return;
    const forKey = key;
    setMoreStatus('loading');
    setMoreError(null);
    try {
      const current = parseQuery(new URLSearchParams(forKey));
      const base = { ...current, q: current.q.trim() };
      let next: PromptPage;
      if (shown.page.nextCursor) {
        const page = await listPrompts({ ...base, limit: PAGE_SIZE, cursor: shown.page.nextCursor });
        const seen = new Set(shown.page.items.map((p) => p.slug));
        next = { ...page, items: [...shown.page.items, ...page.items.filter((p) => !seen.has(p.slug))] };
      } else {
        // The build-time list has no API cursor: fetch the first pages from the API in one go.
        next = await listPrompts({ ...base, limit: Math.min(MAX_LIMIT, items.length + PAGE_SIZE) });
      }
      if (forKey !== serializeQuery(parseQuery(new URLSearchParams(window.location.search)))) return;
      focusIndex.current = items.length;
      if (forKey) remember(forKey, next);
      setResults({ key: forKey, page: next, fromBuild: false });
      setMoreStatus('ready');
    } catch (err) {
      setMoreError(toApiError(err));
      setMoreStatus('error');
    }
  };

  // After "Load more", move focus to the first new result so keyboard users continue from there.
  React.useEffect(() => {
    const index = focusIndex.current;
    if (index === null) return;
    focusIndex.current = null;
    listRef.current?.querySelectorAll<HTMLAnchorElement>('li a[href]')[index]?.focus();
  }, [results]);

  // ---- Render ----------------------------------------------------------------------------------
  const loadingFirstPage = live && filtered && (status === 'loading' || !shown) && status !== 'error';
  const showSkeleton = loadingFirstPage && !(results.key !== '' && results.page.items.length > 0);
  const stale = loadingFirstPage && !showSkeleton;
  const visible = shown ? items : stale ? results.page.items : [];

  let statusText: string;
  if (status === 'error') statusText = 'Could not load results';
  else if (loadingFirstPage) statusText = 'Searching…';
  else if (filtered)
    statusText = `${total} ${total === 1 ? 'result' : 'results'}${query.q.trim() ? ` for “${query.q.trim()}”` : ''}`;
  else statusText = `${total} ${total === 1 ? 'prompt' : 'prompts'}`;

  const activeFilters = FILTER_KEYS.filter((k) => query[k] !== '');

  return (
    <div className="grid gap-6">
      <form
        role="search"
        aria-label="Prompt library"
        action={BASE_PATH}
        method="get"
        onSubmit={(e) => {
          e.preventDefault();
          navigate({ ...query, q: text }, query.q.trim() ? 'replace' : 'push');
        }}
        className="grid gap-4 rounded-xl border bg-card p-4 shadow-xs sm:p-5"
      >
        <div className="relative">
          <label htmlFor="library-search" className="sr-only">
            Search prompts
          </label>
          <Search
            className="pointer-events-none absolute top-1/2 left-3 size-4 -translate-y-1/2 text-muted-foreground"
            aria-hidden="true"
          />
          <Input
            ref={searchRef}
            id="library-search"
            type="search"
            name="q"
            value={text}
            onChange={(e) => setText(e.target.value)}
            placeholder="Search prompts…"
            autoComplete="off"
            spellCheck={false}
            enterKeyHint="search"
            aria-describedby="library-search-hint"
            className="h-11 pr-12 pl-9 text-base md:text-base"
          />
          <span id="library-search-hint" className="sr-only">
            Press slash to focus the search box from anywhere on this page.
          </span>
          {text === '' && (
            <Kbd
              className="absolute top-1/2 right-3 hidden -translate-y-1/2 sm:inline-flex"
              aria-hidden="true"
            >
              /
            </Kbd>
          )}
        </div>
        <div className="grid grid-cols-2 gap-3 lg:grid-cols-4">
          <FilterSelect
            name="role"
            label="Role"
            allLabel="All roles"
            value={query.role}
            options={facets.roles}
            onChange={setFilter}
          />
          <FilterSelect
            name="category"
            label="Category"
            allLabel="All categories"
            value={query.category}
            options={facets.categories}
            onChange={setFilter}
          />
          <FilterSelect
            name="pattern"
            label="Pattern"
            allLabel="All patterns"
            value={query.pattern}
            options={[...facets.patterns].sort((a, b) => a.label.localeCompare(b.label, 'en'))}
            onChange={setFilter}
          />
          <FilterSelect
            name="difficulty"
            label="Difficulty"
            allLabel="Any difficulty"
            value={query.difficulty}
            options={facets.difficulties}
            onChange={setFilter}
          />
        </div>
        {query.tag && <input type="hidden" name="tag" value={query.tag} />}
      </form>

      <div className="flex min-h-8 flex-wrap items-center justify-between gap-3">
        <p
          className="flex items-center gap-2 text-sm text-muted-foreground"
          role="status"
          aria-live="polite"
          aria-atomic="true"
        >
          {loadingFirstPage && <Loader2 className="size-4 animate-spin" aria-hidden="true" />}
          <span className="font-medium text-foreground" data-testid="result-count">
            {statusText}
          </span>
          {!loadingFirstPage && status !== 'error' && items.length > 0 && items.length < total && (
            <span>
              · showing {items.length} of {total}
            </span>
          )}
        </p>
        {(activeFilters.length > 0 || query.q.trim() !== '') && (
          <div className="flex flex-wrap items-center gap-2">
            {activeFilters.map((k) => (
              <span
                key={k}
                className="inline-flex h-7 items-center gap-1 rounded-full border bg-accent/60 pr-1 pl-3 text-xs font-medium text-accent-foreground"
              >
                <span className="text-accent-foreground/70 capitalize">{k}:</span>{' '}
                {filterLabel(k, query[k], facets, labels)}
                <button
                  type="button"
                  onClick={() => setFilter(k, '')}
                  className="inline-flex size-5 items-center justify-center rounded-full hover:bg-background/70 focus-visible:outline-2 focus-visible:outline-ring"
                  aria-label={`Remove ${k} filter`}
                >
                  <X className="size-3.5" aria-hidden="true" />
                </button>
              </span>
            ))}
            <Button variant="ghost" size="sm" onClick={clearAll}>
              Clear all
            </Button>
          </div>
        )}
      </div>

      <section aria-labelledby="results-heading">
        <h2 id="results-heading" className="sr-only">
          Results
        </h2>
        {status === 'error' && error ? (
          <Alert variant="destructive" role="alert">
            <AlertCircle aria-hidden="true" />
            <AlertTitle>Couldn’t load prompts</AlertTitle>
            <AlertDescription>
              <p>{error.message}</p>
              {error.requestId && <p className="font-mono text-xs">Request ID: {error.requestId}</p>}
              <div className="mt-2 flex flex-wrap gap-2">
                <Button size="sm" variant="outline" onClick={retry}>
                  <RotateCcw aria-hidden="true" /> Try again
                </Button>
                <Button size="sm" variant="ghost" onClick={clearAll}>
                  Show all prompts
                </Button>
              </div>
            </AlertDescription>
          </Alert>
        ) : showSkeleton ? (
          <ul
            className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3"
            aria-busy="true"
            aria-label="Loading results"
          >
            {Array.from({ length: 6 }, (_, i) => (
              <li key={i} className="flex flex-col gap-3 rounded-xl border bg-card p-5">
                <div className="flex gap-2">
                  <Skeleton className="h-5 w-20" />
                  <Skeleton className="h-5 w-24" />
                </div>
                <Skeleton className="h-5 w-3/4" />
                <Skeleton className="h-4 w-full" />
                <Skeleton className="h-4 w-5/6" />
                <Skeleton className="mt-3 h-3 w-1/2" />
              </li>
            ))}
          </ul>
        ) : visible.length === 0 ? (
          <div className="flex flex-col items-center gap-3 rounded-xl border border-dashed px-6 py-16 text-center">
            <div className="flex size-12 items-center justify-center rounded-full bg-muted">
              <SearchX className="size-6 text-muted-foreground" aria-hidden="true" />
            </div>
            <h3 className="text-lg font-semibold">No prompts match</h3>
            <p className="max-w-sm text-sm text-muted-foreground">
              {filtered
                ? 'Try fewer words, a different spelling, or remove a filter.'
                : 'The library is empty for now. Check back soon.'}
            </p>
            {filtered && (
              <Button variant="outline" onClick={clearAll}>
                Clear search and filters
              </Button>
            )}
          </div>
        ) : (
          <>
            <ul
              ref={listRef}
              className={cn(
                'grid gap-4 sm:grid-cols-2 lg:grid-cols-3',
                stale && 'opacity-60 transition-opacity',
              )}
              aria-busy={stale || undefined}
            >
              {visible.map((p) => (
                <li key={`${p.source}:${p.slug}`}>
                  <PromptCard prompt={p} labels={labels} />
                </li>
              ))}
            </ul>
            {canLoadMore && !stale && (
              <div className="mt-8 flex flex-col items-center gap-3">
                {moreStatus === 'error' && moreError && (
                  <p role="alert" className="flex items-center gap-2 text-sm text-destructive">
                    <AlertCircle className="size-4" aria-hidden="true" />
                    {moreError.message}
                  </p>
                )}
                <Button
                  variant="outline"
                  onClick={loadMore}
                  disabled={!live || moreStatus === 'loading'}
                  className="min-w-40"
                >
                  {moreStatus === 'loading' ? (
                    <>
                      <Loader2 className="animate-spin" aria-hidden="true" /> Loading…
                    </>
                  ) : moreStatus === 'error' ? (
                    'Try again'
                  ) : (
                    'Load more'
                  )}
                </Button>
              </div>
            )}
          </>
        )}
      </section>
    </div>
  );
}

function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  return new ApiError(err instanceof Error ? err.message : 'Something went wrong.', 0, 'CLIENT_ERROR');
}

function filterLabel(key: FilterKey, value: string, facets: LibraryFacets, labels: Labels): string {
  switch (key) {
    case 'role':
      return labels.roles[value] ?? labelFromId(value);
    case 'category':
      return labels.categories[value] ?? labelFromId(value);
    case 'pattern':
      return labels.patterns[value] ?? labelFromId(value);
    case 'difficulty':
      return facets.difficulties.find((d) => d.id === value)?.label ?? labelFromId(value);
    case 'tag':
      return value;
  }
}

function FilterSelect({
  name,
  label,
  allLabel,
  value,
  options,
  onChange,
}: {
  name: FilterKey;
  label: string;
  allLabel: string;
  value: string;
  options: FacetOption[];
  onChange: (name: FilterKey, value: string) => void;
}) {
  const id = `filter-${name}`;
  // A value from the URL we don't know (e.g. only used by custom prompts) is still shown and selectable.
  const known = value === '' || options.some((o) => o.id === value);
  return (
    <div className="grid min-w-0 gap-1.5">
      <Label htmlFor={id} className="text-xs text-muted-foreground">
        {label}
      </Label>
      <NativeSelect id={id} name={name} value={value} onChange={(e) => onChange(name, e.target.value)}>
        <option value="">{allLabel}</option>
        {!known && <option value={value}>{labelFromId(value)}</option>}
        {options.map((o) => (
          <option key={o.id} value={o.id}>
            {o.label}
          </option>
        ))}
      </NativeSelect>
    </div>
  );
}
