'use client';

import * as React from 'react';
import Link from 'next/link';
import { useSearchParams } from 'next/navigation';
import { AlertCircle, Play } from 'lucide-react';
import { Alert, AlertDescription, AlertTitle } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Skeleton } from '@/components/ui/skeleton';
import { CopyButton } from '@/components/prompt/copy-button';
import { RequireSession } from '@/components/session/require-session';
import { ErrorAlert } from '@/components/status';
import { ApiError, getExecution, isAbort, listProviderKeys, toApiError } from '@/lib/api';
import { errorText, formatCost, formatCount, formatMs, keyName, PROVIDER_LABEL } from '@/lib/ai';
import type { Execution, ProviderKey } from '@/lib/types';
import { formatDate } from '@/lib/utils';
import { RunSource, StatusBadge } from './history-page';

export function RunDetailPage() {
  const id = useSearchParams()?.get('id') ?? '';
  return (
    <RequireSession what="this run" fallback={<RunDetailSkeleton />}>
      {() => <RunDetail key={id} id={id} />}
    </RequireSession>
  );
}

type State =
  | { status: 'loading' }
  | { status: 'error'; error: ApiError }
  | { status: 'ready'; run: Execution; keys: ProviderKey[] | null };

function RunDetail({ id }: { id: string }) {
  const [state, setState] = React.useState<State>({ status: 'loading' });
  const [attempt, setAttempt] = React.useState(0);

  React.useEffect(() => {
    if (!id) {
      setState({ status: 'error', error: new ApiError('No run was specified.', 400, 'BAD_REQUEST') });
      return;
    }
    const controller = new AbortController();
    setState({ status: 'loading' });
    Promise.all([
      getExecution(id, controller.signal),
      // Only to name the key; the run shows without it.
      listProviderKeys(controller.signal).then(
        (r) => r.items,
        (err: unknown) => {
          if (isAbort(err)) throw err;
          return null;
        },
      ),
    ])
      .then(([run, keys]) => setState({ status: 'ready', run, keys }))
      .catch((err: unknown) => {
        if (!isAbort(err)) setState({ status: 'error', error: toApiError(err) });
      });
    return () => controller.abort();
  }, [id, attempt]);

  if (state.status === 'loading') return <RunDetailSkeleton />;
  if (state.status === 'error') {
    const notFound = state.error.status === 404 || state.error.status === 400;
    return (
      <ErrorAlert
        title={notFound ? 'Run not found' : 'Couldn’t load this run'}
        error={notFound ? { message: 'There is no run with this id in your history.' } : state.error}
        onRetry={notFound ? undefined : () => setAttempt((n) => n + 1)}
      >
        <Button size="sm" variant="outline" asChild>
          <Link href="/history">Back to your history</Link>
        </Button>
      </ErrorAlert>
    );
  }

  const { run, keys } = state;
  const key = run.keyId ? keys?.find((k) => k.id === run.keyId) : undefined;
  const failure = run.status === 'failed' ? errorText(run.errorCode) : null;
  const rows: [string, React.ReactNode][] = [
    ['Started', formatDate(run.createdAt, true)],
    ['Finished', run.finishedAt ? formatDate(run.finishedAt, true) : '—'],
    ['Provider', PROVIDER_LABEL[run.provider] ?? run.provider],
    [
      'Model',
      <span key="m" className="font-mono text-[13px] break-all">
        {run.model}
      </span>,
    ],
    [
      'Key',
      run.keyId === null ? (
        '—'
      ) : key ? (
        <span key="k" className="font-mono text-[13px]">
          {keyName(key)}
        </span>
      ) : keys ? (
        <span key="k" className="text-muted-foreground">
          Deleted key
        </span>
      ) : (
        '—'
      ),
    ],
    ['Prompt', <RunSource key="p" run={run} />],
    [
      'Options',
      [
        run.options.temperature !== undefined ? `temperature ${run.options.temperature}` : null,
        run.options.maxTokens !== undefined ? `max ${formatCount(run.options.maxTokens)} tokens` : null,
      ]
        .filter(Boolean)
        .join(' · ') || 'Provider defaults',
    ],
    [
      'Tokens',
      run.inputTokens === null && run.outputTokens === null ? (
        '—'
      ) : (
        <span key="t">
          {formatCount(run.inputTokens)} in · {formatCount(run.outputTokens)} out
          {run.tokensEstimated && (
            <Badge variant="outline" className="ml-1.5 font-normal text-muted-foreground">
              estimated
            </Badge>
          )}
        </span>
      ),
    ],
    [
      'Cost',
      <span key="c">
        {formatCost(run.costUsd)}
        {run.priceVersion && (
          <span className="ml-1.5 text-xs text-muted-foreground">prices of {run.priceVersion}</span>
        )}
        {run.costUsd === null && (
          <span className="ml-1.5 text-xs text-muted-foreground">no price known for this model</span>
        )}
      </span>,
    ],
    ['Latency', formatMs(run.latencyMs)],
    ['Time to first token', formatMs(run.ttftMs)],
  ];

  return (
    <div className="grid gap-6">
      <div className="flex flex-wrap items-center gap-3">
        <StatusBadge status={run.status} className="text-sm" />
        <span className="text-sm text-muted-foreground">
          {PROVIDER_LABEL[run.provider] ?? run.provider} · <span className="font-mono">{run.model}</span>
        </span>
        {run.promptSlug && (
          <Button asChild variant="outline" size="sm" className="sm:ml-auto">
            <Link href={`/workbench?prompt=${encodeURIComponent(run.promptSlug)}`}>
              <Play aria-hidden="true" /> Run again in workbench
            </Link>
          </Button>
        )}
      </div>

      {failure || (run.status === 'failed' && run.errorCode) ? (
        <Alert variant="destructive" role="alert">
          <AlertCircle aria-hidden="true" />
          <AlertTitle>{failure?.title ?? 'The run failed'}</AlertTitle>
          <AlertDescription>
            <p>{failure?.help ?? run.errorCode}</p>
          </AlertDescription>
        </Alert>
      ) : null}

      <div className="grid items-start gap-6 lg:grid-cols-[minmax(0,2fr)_minmax(0,3fr)]">
        <section aria-labelledby="run-details-heading" className="rounded-xl border bg-card shadow-xs">
          <h2 id="run-details-heading" className="border-b px-5 py-3.5 font-semibold tracking-tight">
            Details
          </h2>
          <dl className="divide-y text-sm" data-testid="run-details">
            {rows.map(([label, value]) => (
              <div key={label} className="grid grid-cols-[9rem_minmax(0,1fr)] gap-3 px-5 py-2.5">
                <dt className="text-muted-foreground">{label}</dt>
                <dd className="min-w-0 tabular-nums">{value}</dd>
              </div>
            ))}
          </dl>
        </section>

        <section
          aria-labelledby="run-output-heading"
          className="flex min-w-0 flex-col rounded-xl border bg-card shadow-xs"
        >
          <div className="flex items-center justify-between gap-3 border-b px-5 py-2.5">
            <h2 id="run-output-heading" className="font-semibold tracking-tight">
              Output
            </h2>
            {run.output && <CopyButton getText={() => run.output} variant="ghost" size="sm" />}
          </div>
          <div className="p-5">
            {run.output ? (
              <pre
                tabIndex={0}
                className="max-h-[70vh] overflow-auto rounded-lg border bg-code p-4 font-mono text-[13px] leading-6 break-words whitespace-pre-wrap"
                data-testid="run-detail-output"
              >
                {run.output}
              </pre>
            ) : (
              <p className="text-sm text-muted-foreground">
                {run.status === 'running' ? 'Still running…' : 'No output was recorded for this run.'}
              </p>
            )}
            {run.status === 'aborted' && run.output && (
              <p className="mt-3 text-sm text-muted-foreground">
                Stopped before it finished: this is the partial answer.
              </p>
            )}
          </div>
        </section>
      </div>
    </div>
  );
}

export function RunDetailSkeleton() {
  return (
    <div aria-busy="true" aria-label="Loading run" className="grid gap-6">
      <Skeleton className="h-7 w-64" />
      <div className="grid gap-6 lg:grid-cols-[2fr_3fr]">
        <Skeleton className="h-96 rounded-xl" />
        <Skeleton className="h-96 rounded-xl" />
      </div>
    </div>
  );
}
