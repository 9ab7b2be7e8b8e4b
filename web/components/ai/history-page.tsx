'use client';

import * as React from 'react';
import Link from 'next/link';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import {
  CheckCircle2,
  CircleSlash,
  History,
  Loader2,
  SearchX,
  SquareTerminal,
  X,
  XCircle,
} from 'lucide-react';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { NativeSelect } from '@/components/ui/native-select';
import { Skeleton } from '@/components/ui/skeleton';
import { LoadMore } from '@/components/my/load-more';
import { RequireSession } from '@/components/session/require-session';
import { EmptyState, ErrorAlert } from '@/components/status';
import { isAbort, listExecutions, toApiError, type ApiError } from '@/lib/api';
import { errorPhrase, formatCost, formatCount, formatMs, PROVIDER_LABEL, STATUS_LABEL } from '@/lib/ai';
import {
  EXECUTION_STATUSES,
  PROVIDERS,
  type ExecutionStatus,
  type ExecutionSummary,
  type Provider,
} from '@/lib/types';
import { cn, formatDate } from '@/lib/utils';

const PAGE_SIZE = 25;
const MODEL_DEBOUNCE_MS = 350;

export function HistoryPage() {
  return (
    <RequireSession what="your run history" fallback={<HistorySkeleton />}>
      {() => <HistoryList />}
    </RequireSession>
  );
}

export function StatusBadge({ status, className }: { status: ExecutionStatus; className?: string }) {
  const Icon =
    status === 'succeeded'
      ? CheckCircle2
      : status === 'failed'
        ? XCircle
        : status === 'aborted'
          ? CircleSlash
          : Loader2;
  return (
    <Badge
      variant="outline"
      className={cn(
        status === 'succeeded' && 'border-success/40 text-success',
        status === 'failed' && 'border-destructive/40 text-destructive',
        status === 'aborted' && 'text-muted-foreground',
        status === 'running' && 'border-primary/40 text-primary',
        className,
      )}
      data-status={status}
    >
      <Icon className={cn(status === 'running' && 'animate-spin')} aria-hidden="true" />
      {STATUS_LABEL[status]}
    </Badge>
  );
}

/** What was run: a prompt's slug, or free text (and whether it was one column of a compare). */
export function RunSource({ run }: { run: Pick<ExecutionSummary, 'promptSlug' | 'compareId'> }) {
  return (
    <span className="flex flex-wrap items-center gap-1.5">
      {run.promptSlug ? (
        <Link
          href={`/library/prompt?slug=${encodeURIComponent(run.promptSlug)}`}
          prefetch={false}
          className="rounded-sm font-mono text-xs break-words hover:text-primary hover:underline"
        >
          {run.promptSlug}
        </Link>
      ) : (
        <span className="text-muted-foreground">Free text</span>
      )}
      {run.compareId && (
        <Badge variant="secondary" className="font-normal">
          Compare
        </Badge>
      )}
    </span>
  );
}

interface Filters {
  provider: Provider | '';
  status: ExecutionStatus | '';
  model: string;
}

function readFilters(params: URLSearchParams | null): Filters {
  const provider = params?.get('provider') ?? '';
  const status = params?.get('status') ?? '';
  return {
    provider: (PROVIDERS as readonly string[]).includes(provider) ? (provider as Provider) : '',
    status: (EXECUTION_STATUSES as readonly string[]).includes(status) ? (status as ExecutionStatus) : '',
    model: (params?.get('model') ?? '').slice(0, 200),
  };
}

type ListState =
  | { status: 'loading' }
  | { status: 'error'; error: ApiError }
  | { status: 'ready'; items: ExecutionSummary[]; nextCursor: string | null };

function HistoryList() {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname() ?? '/history';
  const filters = React.useMemo(() => readFilters(params), [params]);
  const [model, setModel] = React.useState(filters.model);
  const [state, setState] = React.useState<ListState>({ status: 'loading' });
  const [attempt, setAttempt] = React.useState(0);
  const [more, setMore] = React.useState<{ pending: boolean; error: ApiError | null }>({
    pending: false,
    error: null,
  });

  const setFilters = React.useCallback(
    (next: Filters) => {
      const qs = new URLSearchParams();
      if (next.provider) qs.set('provider', next.provider);
      if (next.status) qs.set('status', next.status);
      if (next.model.trim()) qs.set('model', next.model.trim());
      const s = qs.toString();
      router.replace(s ? `${pathname}?${s}` : pathname, { scroll: false });
    },
    [router, pathname],
  );

  // The model filter follows typing, a moment later.
  React.useEffect(() => {
    if (model.trim() === filters.model) return;
    const timer = window.setTimeout(() => setFilters({ ...filters, model }), MODEL_DEBOUNCE_MS);
    return () => window.clearTimeout(timer);
  }, [model, filters, setFilters]);
  React.useEffect(() => setModel((m) => (m.trim() === filters.model ? m : filters.model)), [filters.model]);

  React.useEffect(() => {
    const controller = new AbortController();
    setState({ status: 'loading' });
    setMore({ pending: false, error: null });
    listExecutions({ ...filters, limit: PAGE_SIZE }, controller.signal)
      .then((page) => setState({ status: 'ready', ...page }))
      .catch((err: unknown) => {
        if (!isAbort(err)) setState({ status: 'error', error: toApiError(err) });
      });
    return () => controller.abort();
  }, [filters, attempt]);

  const loadMore = async () => {
    if (state.status !== 'ready' || !state.nextCursor) return;
    setMore({ pending: true, error: null });
    try {
      const page = await listExecutions({ ...filters, limit: PAGE_SIZE, cursor: state.nextCursor });
      setState((s) => {
        if (s.status !== 'ready') return s;
        const seen = new Set(s.items.map((x) => x.id));
        return {
          status: 'ready',
          items: [...s.items, ...page.items.filter((x) => !seen.has(x.id))],
          nextCursor: page.nextCursor,
        };
      });
      setMore({ pending: false, error: null });
    } catch (err) {
      setMore({ pending: false, error: toApiError(err) });
    }
  };

  const filtered = Boolean(filters.provider || filters.status || filters.model);

  return (
    <div className="grid gap-5">
      <form
        role="search"
        aria-label="Filter runs"
        onSubmit={(e) => {
          e.preventDefault();
          setFilters({ ...filters, model });
        }}
        className="grid grid-cols-2 gap-3 sm:grid-cols-[repeat(3,minmax(0,12rem))_auto] sm:items-end"
      >
        <div className="grid gap-1.5">
          <Label htmlFor="history-provider">Provider</Label>
          <NativeSelect
            id="history-provider"
            value={filters.provider}
            onChange={(e) => setFilters({ ...filters, model, provider: e.target.value as Provider | '' })}
          >
            <option value="">All providers</option>
            {PROVIDERS.map((p) => (
              <option key={p} value={p}>
                {PROVIDER_LABEL[p]}
              </option>
            ))}
          </NativeSelect>
        </div>
        <div className="grid gap-1.5">
          <Label htmlFor="history-status">Status</Label>
          <NativeSelect
            id="history-status"
            value={filters.status}
            onChange={(e) =>
              setFilters({ ...filters, model, status: e.target.value as ExecutionStatus | '' })
            }
          >
            <option value="">All statuses</option>
            {EXECUTION_STATUSES.map((s) => (
              <option key={s} value={s}>
                {STATUS_LABEL[s]}
              </option>
            ))}
          </NativeSelect>
        </div>
        <div className="col-span-2 grid gap-1.5 sm:col-span-1">
          <Label htmlFor="history-model">Model</Label>
          <Input
            id="history-model"
            type="search"
            value={model}
            maxLength={200}
            spellCheck={false}
            autoComplete="off"
            placeholder="Exact model id"
            onChange={(e) => setModel(e.target.value)}
            className="font-mono md:text-[13px]"
          />
        </div>
        {filtered && (
          <Button
            type="button"
            variant="ghost"
            onClick={() => {
              setModel('');
              setFilters({ provider: '', status: '', model: '' });
            }}
            className="col-span-2 justify-self-start sm:col-span-1"
          >
            <X aria-hidden="true" /> Clear filters
          </Button>
        )}
      </form>

      {state.status === 'loading' ? (
        <HistorySkeleton />
      ) : state.status === 'error' ? (
        <ErrorAlert
          title="Couldn’t load your runs"
          error={state.error}
          onRetry={() => setAttempt((n) => n + 1)}
        />
      ) : state.items.length === 0 ? (
        filtered ? (
          <EmptyState
            icon={SearchX}
            title="No runs match these filters"
            actions={
              <Button
                variant="outline"
                onClick={() => {
                  setModel('');
                  setFilters({ provider: '', status: '', model: '' });
                }}
              >
                Clear filters
              </Button>
            }
          >
            The model filter matches exact ids, such as gpt-4o-mini.
          </EmptyState>
        ) : (
          <EmptyState
            icon={History}
            title="No runs yet"
            actions={
              <Button asChild>
                <Link href="/workbench">
                  <SquareTerminal aria-hidden="true" /> Open the workbench
                </Link>
              </Button>
            }
          >
            Every prompt you run in the workbench, compare or through the API shows up here with its tokens,
            cost and speed.
          </EmptyState>
        )
      ) : (
        <>
          <HistoryTable items={state.items} />
          <HistoryCards items={state.items} />
          {state.nextCursor && <LoadMore pending={more.pending} error={more.error} onClick={loadMore} />}
        </>
      )}
    </div>
  );
}

function Tokens({ run }: { run: ExecutionSummary }) {
  if (run.inputTokens === null && run.outputTokens === null) return <>—</>;
  return (
    <>
      {formatCount(run.inputTokens)} / {formatCount(run.outputTokens)}
      {run.tokensEstimated && (
        <abbr
          title="Estimated: the provider reported no usage"
          className="ml-1 text-xs text-muted-foreground no-underline"
        >
          est.
        </abbr>
      )}
    </>
  );
}

/** Phones: one card per run instead of a wide table. */
function HistoryCards({ items }: { items: ExecutionSummary[] }) {
  return (
    <ul className="grid gap-3 lg:hidden" aria-label="Runs">
      {items.map((run) => (
        <li
          key={run.id}
          className="grid gap-3 rounded-xl border bg-card p-4 shadow-xs"
          data-testid="history-card"
        >
          <div className="flex flex-wrap items-center justify-between gap-2">
            <Link
              href={`/history/run?id=${encodeURIComponent(run.id)}`}
              prefetch={false}
              className="rounded-sm text-sm font-medium text-primary underline-offset-4 hover:underline"
            >
              {formatDate(run.createdAt, true)}
            </Link>
            <StatusBadge status={run.status} />
          </div>
          <div className="grid gap-1 text-sm">
            <RunSource run={run} />
            <span className="text-xs text-muted-foreground">
              {PROVIDER_LABEL[run.provider] ?? run.provider} ·{' '}
              <span className="font-mono break-words text-foreground">{run.model}</span>
            </span>
            {run.status === 'failed' && run.errorCode && (
              <span className="text-xs text-destructive">{errorPhrase(run.errorCode)}</span>
            )}
          </div>
          <dl className="grid grid-cols-4 gap-2 border-t pt-3 text-xs">
            {(
              [
                ['Tokens', <Tokens key="t" run={run} />],
                ['Cost', formatCost(run.costUsd)],
                ['Latency', formatMs(run.latencyMs)],
                ['TTFT', formatMs(run.ttftMs)],
              ] as const
            ).map(([label, value]) => (
              <div key={label} className="grid gap-0.5">
                <dt className="text-muted-foreground">{label}</dt>
                <dd className="font-medium tabular-nums">{value}</dd>
              </div>
            ))}
          </dl>
        </li>
      ))}
    </ul>
  );
}

function HistoryTable({ items }: { items: ExecutionSummary[] }) {
  const th = 'px-3 py-2.5 font-medium whitespace-nowrap first:pl-4 last:pr-4';
  const td = 'px-3 py-3 first:pl-4 last:pr-4';
  return (
    <div className="hidden overflow-x-auto rounded-xl border bg-card shadow-xs lg:block">
      <table className="w-full min-w-[56rem] text-sm" data-testid="history-table">
        <caption className="sr-only">Your runs, newest first</caption>
        <thead className="border-b bg-muted/40 text-left text-xs text-muted-foreground">
          <tr>
            <th scope="col" className={th}>
              Time
            </th>
            <th scope="col" className={th}>
              Prompt
            </th>
            <th scope="col" className={th}>
              Provider / model
            </th>
            <th scope="col" className={th}>
              Status
            </th>
            <th scope="col" className={cn(th, 'text-right')}>
              Tokens in / out
            </th>
            <th scope="col" className={cn(th, 'text-right')}>
              Cost
            </th>
            <th scope="col" className={cn(th, 'text-right')}>
              Latency
            </th>
            <th scope="col" className={cn(th, 'text-right')}>
              <abbr title="Time to first token" className="no-underline">
                TTFT
              </abbr>
            </th>
          </tr>
        </thead>
        <tbody className="divide-y">
          {items.map((run) => (
            <tr
              key={run.id}
              className="align-top transition-colors hover:bg-muted/30"
              data-testid="history-row"
            >
              <th scope="row" className={cn(td, 'text-left font-normal whitespace-nowrap')}>
                <Link
                  href={`/history/run?id=${encodeURIComponent(run.id)}`}
                  prefetch={false}
                  className="rounded-sm font-medium text-primary underline-offset-4 hover:underline"
                >
                  {formatDate(run.createdAt, true)}
                </Link>
              </th>
              <td className={cn(td, 'max-w-[14rem]')}>
                <RunSource run={run} />
              </td>
              <td className={td}>
                <span className="block text-xs text-muted-foreground">
                  {PROVIDER_LABEL[run.provider] ?? run.provider}
                </span>
                <span className="block font-mono text-xs break-words">{run.model}</span>
              </td>
              <td className={td}>
                <StatusBadge status={run.status} />
                {run.status === 'failed' && run.errorCode && (
                  <span className="mt-1 block max-w-[12rem] text-xs text-muted-foreground">
                    {errorPhrase(run.errorCode)}
                  </span>
                )}
              </td>
              <td className={cn(td, 'text-right whitespace-nowrap tabular-nums')}>
                <Tokens run={run} />
              </td>
              <td className={cn(td, 'text-right whitespace-nowrap tabular-nums')}>
                {formatCost(run.costUsd)}
              </td>
              <td className={cn(td, 'text-right whitespace-nowrap tabular-nums')}>
                {formatMs(run.latencyMs)}
              </td>
              <td className={cn(td, 'text-right whitespace-nowrap tabular-nums')}>{formatMs(run.ttftMs)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function HistorySkeleton() {
  return (
    <div aria-busy="true" aria-label="Loading runs" className="grid gap-2 rounded-xl border bg-card p-4">
      {Array.from({ length: 5 }, (_, i) => (
        <Skeleton key={i} className="h-10 w-full" />
      ))}
    </div>
  );
}
