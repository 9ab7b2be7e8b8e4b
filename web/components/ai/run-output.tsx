'use client';

import * as React from 'react';
import Link from 'next/link';
import {
  AlertCircle,
  CheckCircle2,
  CircleSlash,
  ExternalLink,
  KeyRound,
  Loader2,
  TriangleAlert,
} from 'lucide-react';
import { Alert, AlertDescription, AlertTitle } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { CopyButton } from '@/components/prompt/copy-button';
import type { ApiError } from '@/lib/api';
import { errorText, formatCost, formatCount, formatMs, PROVIDER_LABEL } from '@/lib/ai';
import { cn, humanize, pluralize } from '@/lib/utils';
import {
  isActive,
  useCountdown,
  useTicker,
  type RunPhase,
  type RunView,
  type StreamFailure,
} from './run-state';

export const SETTINGS_KEYS_HREF = '/settings/keys';

/**
 * Seconds left of a rate limit's Retry-After, counting down from when the error arrived. Not for the
 * daily quota: that waits until midnight UTC, which the error states instead.
 */
export function useRetryWait(error: ApiError | null | undefined): number {
  const until = React.useMemo(
    () =>
      error && error.status === 429 && error.code !== 'quota_exceeded' && error.retryAfter
        ? Date.now() + error.retryAfter * 1000
        : null,
    [error],
  );
  return useCountdown(until);
}

/** "45 s", "3 min". */
export function formatWait(seconds: number): string {
  return seconds < 90 ? `${seconds} s` : `${Math.ceil(seconds / 60)} min`;
}

const PHASE: Record<RunPhase, { label: string; variant: 'secondary' | 'outline' | 'accent' }> = {
  idle: { label: 'Ready', variant: 'outline' },
  connecting: { label: 'Starting…', variant: 'accent' },
  streaming: { label: 'Streaming…', variant: 'accent' },
  done: { label: 'Done', variant: 'secondary' },
  failed: { label: 'Failed', variant: 'outline' },
  stopped: { label: 'Stopped', variant: 'outline' },
};

export function PhaseBadge({ phase }: { phase: RunPhase }) {
  const { label, variant } = PHASE[phase];
  return (
    <Badge
      variant={variant}
      className={cn(
        phase === 'failed' && 'border-destructive/40 text-destructive',
        phase === 'done' && 'text-success',
      )}
      data-testid="run-phase"
    >
      {(phase === 'connecting' || phase === 'streaming') && (
        <Loader2 className="animate-spin" aria-hidden="true" />
      )}
      {phase === 'done' && <CheckCircle2 aria-hidden="true" />}
      {phase === 'stopped' && <CircleSlash aria-hidden="true" />}
      {label}
    </Badge>
  );
}

/**
 * The answer of one run as it streams in, then its numbers: tokens (marked when estimated), cost,
 * latency, time to first token and a link to the recorded run. Errors say what happened in words.
 */
export function RunOutput({
  view,
  title = 'Output',
  headingLevel = 2,
  idle,
  compact = false,
  waitSeconds = 0,
  onReloadKeys,
  className,
  testId = 'run-output',
  actions,
  children,
}: {
  view: RunView;
  /** Extra buttons in the header (next to Copy). */
  actions?: React.ReactNode;
  /** Shown between the header and the answer (a compare column's provider and model). */
  children?: React.ReactNode;
  title?: string;
  headingLevel?: 2 | 3;
  /** Shown before the first run. */
  idle?: React.ReactNode;
  compact?: boolean;
  /** Seconds left on a rate limit (shown in the error). */
  waitSeconds?: number;
  /** Offered when the chosen key no longer exists. */
  onReloadKeys?: () => void;
  className?: string;
  testId?: string;
}) {
  const headingId = React.useId();
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  const active = isActive(view);

  // Follow the end of the answer while it streams, unless the reader scrolled up.
  const preRef = React.useRef<HTMLPreElement>(null);
  const stick = React.useRef(true);
  React.useLayoutEffect(() => {
    const el = preRef.current;
    if (el && active && stick.current) el.scrollTop = el.scrollHeight;
  }, [view.text, active]);
  React.useEffect(() => {
    if (view.phase === 'connecting') stick.current = true;
  }, [view.phase]);

  const showMetrics = hasMetrics(view);

  return (
    <section
      aria-labelledby={headingId}
      className={cn('flex min-w-0 flex-col rounded-xl border bg-card shadow-xs', className)}
      data-testid={testId}
      data-phase={view.phase}
    >
      <div
        className={cn(
          'flex justify-between gap-x-3 gap-y-2 border-b px-4 py-3',
          compact ? 'items-start' : 'flex-wrap items-center sm:px-5',
        )}
      >
        <div
          className={cn('min-w-0', compact ? 'grid gap-1' : 'flex flex-wrap items-center gap-x-2.5 gap-y-1')}
        >
          <div className="flex flex-wrap items-center gap-2">
            <Heading id={headingId} className="font-semibold tracking-tight">
              {title}
            </Heading>
            <PhaseBadge phase={view.phase} />
          </div>
          <ModelLabel view={view} />
        </div>
        {((view.text && !active) || actions) && (
          <div className="flex shrink-0 items-center gap-1">
            {view.text && !active && (
              <CopyButton
                getText={() => view.text}
                variant="ghost"
                size={compact ? 'icon' : 'sm'}
                iconOnly={compact}
                className={compact ? 'size-8' : undefined}
              />
            )}
            {actions}
          </div>
        )}
      </div>
      {children && <div className={cn('border-b', compact ? 'p-4' : 'p-4 sm:p-5')}>{children}</div>}

      <div className={cn('grid flex-1 content-start gap-3', compact ? 'p-4' : 'p-4 sm:p-5')}>
        {view.requestError && (
          <RequestError error={view.requestError} waitSeconds={waitSeconds} onReloadKeys={onReloadKeys} />
        )}
        {view.phase === 'idle' && !view.text && (
          <div className="text-sm text-muted-foreground">{idle ?? 'Run to see the answer here.'}</div>
        )}
        {active && !view.text && <RunWaiting view={view} testId="run-waiting" />}
        {view.text && (
          <pre
            ref={preRef}
            tabIndex={0}
            aria-label={`${title} text`}
            aria-busy={active || undefined}
            onScroll={(e) => {
              const el = e.currentTarget;
              stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 48;
            }}
            className={cn(
              'overflow-auto rounded-lg border bg-code p-4 font-mono text-[13px] leading-6 break-words whitespace-pre-wrap',
              compact ? 'max-h-96 min-h-32' : 'max-h-[60vh] min-h-48',
            )}
            data-testid="run-text"
          >
            {view.text}
            {active && <StreamCursor />}
          </pre>
        )}
        {view.failure && <StreamFailureAlert failure={view.failure} testId="run-error" />}
        {view.phase === 'stopped' && <StoppedNote hasText={view.text !== ''} testId="run-stopped" />}
      </div>

      {(showMetrics || view.executionId) && !active && (
        <div className="border-t px-4 py-3 sm:px-5">
          {showMetrics && <RunMetrics view={view} compact={compact} />}
          {view.executionId && (
            <RunRecordLink executionId={view.executionId} className={cn('text-sm', showMetrics && 'mt-3')} />
          )}
        </div>
      )}
      <p role="status" className="sr-only">
        {announcement(view, title)}
      </p>
    </section>
  );
}

/** A finished run (or one stopped after the server recorded it) has numbers to show. */
export function hasMetrics(view: RunView): boolean {
  return view.phase === 'done' || (view.phase === 'stopped' && view.result !== null);
}

/** "View this run": the run as recorded in the history. */
export function RunRecordLink({ executionId, className }: { executionId: string; className?: string }) {
  return (
    <Link
      href={`/history/run?id=${encodeURIComponent(executionId)}`}
      className={cn(
        'inline-flex items-center gap-1 rounded-sm font-medium text-primary underline-offset-4 hover:underline',
        className,
      )}
    >
      View this run <ExternalLink className="size-[1em]" aria-hidden="true" />
    </Link>
  );
}

/** "OpenAI · gpt-4o-mini": what the run went to, once the stream said. */
export function ModelLabel({ view }: { view: RunView }) {
  if (!view.model) return null;
  return (
    <span className="min-w-0 truncate font-mono text-xs text-muted-foreground">
      {view.provider ? `${PROVIDER_LABEL[view.provider]} · ` : ''}
      {view.model}
    </span>
  );
}

/** Before the first token: what the run waits for, and for how long so far. */
export function RunWaiting({
  view,
  connecting = 'Sending…',
  testId,
}: {
  view: RunView;
  /** What happens before the stream starts. */
  connecting?: string;
  testId: string;
}) {
  const now = useTicker(true, 100);
  const waited = view.startedAt !== null ? Math.max(0, now - view.startedAt) : 0;
  return (
    <p className="flex items-center gap-2 text-sm text-muted-foreground" data-testid={testId}>
      <Loader2 className="size-4 animate-spin" aria-hidden="true" />
      {view.phase === 'connecting' ? connecting : 'Waiting for the first token…'}
      <span className="font-mono text-xs tabular-nums">{(waited / 1000).toFixed(1)} s</span>
    </p>
  );
}

/** The blinking block after the text while it streams. */
export function StreamCursor() {
  return (
    <span
      aria-hidden="true"
      className="ml-0.5 inline-block h-4 w-1.5 translate-y-0.5 animate-pulse rounded-sm bg-primary/70"
    />
  );
}

export function StoppedNote({ hasText, testId }: { hasText: boolean; testId: string }) {
  return (
    <p className="flex items-center gap-2 text-sm text-muted-foreground" data-testid={testId}>
      <CircleSlash className="size-4 shrink-0" aria-hidden="true" />
      {hasText ? 'Stopped. The partial answer above is kept.' : 'Stopped before any text arrived.'}
    </p>
  );
}

function announcement(view: RunView, title: string): string {
  switch (view.phase) {
    case 'connecting':
      return `${title}: running…`;
    case 'done':
      return `${title}: answer complete${view.usage ? `, ${pluralize(view.usage.outputTokens, 'token')}` : ''}.`;
    case 'stopped':
      return `${title}: stopped.`;
    case 'failed':
      return `${title}: failed. ${errorText(view.failure?.code ?? view.requestError?.code)?.title ?? ''}`;
    default:
      return '';
  }
}

export function RunMetrics({ view, compact = false }: { view: RunView; compact?: boolean }) {
  const items: [string, React.ReactNode][] = [
    [
      'Tokens',
      view.usage ? (
        <>
          {formatCount(view.usage.inputTokens)} in · {formatCount(view.usage.outputTokens)} out
          {view.usage.estimated && (
            <Badge
              variant="outline"
              className="ml-1.5 font-normal text-muted-foreground"
              title="The provider reported no usage; Engify counted the tokens itself."
            >
              estimated
            </Badge>
          )}
        </>
      ) : (
        '—'
      ),
    ],
    ['Cost', formatCost(view.result?.costUsd)],
    ['Latency', formatMs(view.result?.latencyMs)],
    ['First token', formatMs(view.result?.ttftMs)],
  ];
  return (
    <dl
      className={cn('grid gap-x-6 gap-y-2 text-sm', compact ? 'grid-cols-2' : 'grid-cols-2 sm:grid-cols-4')}
      data-testid="run-metrics"
    >
      {items.map(([label, value]) => (
        <div key={label} className="grid gap-0.5">
          <dt className="text-xs text-muted-foreground">{label}</dt>
          <dd className="font-medium tabular-nums">{value}</dd>
        </div>
      ))}
    </dl>
  );
}

/** An `error` event (or a dropped connection) after the run started, shown in place. */
export function StreamFailureAlert({
  failure,
  title = 'The run failed',
  partial = 'The output above is what arrived before the error.',
  testId,
}: {
  failure: StreamFailure;
  /** When the error code has no wording of its own. */
  title?: string;
  /** Said when some text arrived first. */
  partial?: string;
  testId: string;
}) {
  const text = errorText(failure.code);
  return (
    <Alert variant="destructive" role="alert" data-testid={testId}>
      <AlertCircle aria-hidden="true" />
      <AlertTitle>{text?.title ?? title}</AlertTitle>
      <AlertDescription>
        {failure.code === 'no_provider_key' ? (
          <p>{/[.!?]$/.test(failure.message) ? failure.message : `${failure.message}.`}</p>
        ) : (
          <>
            {text && <p>{text.help}</p>}
            <p className="text-xs">{failure.message}</p>
          </>
        )}
        {failure.partial && <p>{partial}</p>}
        {(failure.code === 'no_provider_key' || failure.code === 'provider_unauthorized') && (
          <KeysLink label={failure.code === 'no_provider_key' ? 'Add a key' : 'Check your keys'} />
        )}
      </AlertDescription>
    </Alert>
  );
}

function KeysLink({ label }: { label: string }) {
  return (
    <Button asChild size="sm" variant="outline" className="mt-1">
      <Link href={SETTINGS_KEYS_HREF}>
        <KeyRound aria-hidden="true" /> {label}
        <span className="sr-only"> in Settings → Provider keys</span>
      </Link>
    </Button>
  );
}

/** A run the API refused before streaming (JSON 4xx), explained with what to do next. */
export function RequestError({
  error,
  waitSeconds = 0,
  onReloadKeys,
}: {
  error: ApiError;
  waitSeconds?: number;
  onReloadKeys?: () => void;
}) {
  const text = errorText(error.code);
  const fields = Object.entries(error.fields);
  const missing = Array.isArray(error.details?.missing) ? (error.details.missing as unknown[]) : [];
  const resetAt = typeof error.details?.resetAt === 'string' ? new Date(error.details.resetAt) : null;
  const keyGone = error.status === 404 && /provider key/i.test(error.message);
  let title = text?.title ?? (error.status === 424 ? 'The provider failed' : 'Couldn’t start the run');
  if (keyGone) title = 'That key no longer exists';
  return (
    <Alert variant={error.status === 429 ? 'warning' : 'destructive'} role="alert" data-testid="run-error">
      {error.status === 429 ? <TriangleAlert aria-hidden="true" /> : <AlertCircle aria-hidden="true" />}
      <AlertTitle>{title}</AlertTitle>
      <AlertDescription>
        {keyGone ? <p>It was deleted, perhaps in another tab. Pick another key.</p> : <p>{error.message}</p>}
        {text && error.code !== 'missing_variables' && error.code !== 'no_provider_key' && (
          <p className="text-xs">{text.help}</p>
        )}
        {missing.length > 0 && <p>Fill in: {missing.map((m) => humanize(String(m))).join(', ')}.</p>}
        {fields.length > 0 && (
          <ul className="list-disc pl-4 text-xs">
            {fields.map(([field, message]) => (
              <li key={field}>
                <span className="font-mono">{field}</span>: {message}
              </li>
            ))}
          </ul>
        )}
        {error.code === 'quota_exceeded' && resetAt && !Number.isNaN(resetAt.getTime()) && (
          <p>
            It resets at {resetAt.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })}.
          </p>
        )}
        {error.status === 429 && error.code !== 'quota_exceeded' && (
          <p className="font-medium" data-testid="retry-wait">
            {waitSeconds > 0 ? `You can run again in ${formatWait(waitSeconds)}.` : 'You can run again now.'}
          </p>
        )}
        {error.requestId && error.status >= 500 && (
          <p className="font-mono text-xs">Request ID: {error.requestId}</p>
        )}
        {(error.code === 'no_provider_key' || keyGone) && (
          <div className="flex flex-wrap gap-2">
            {error.code === 'no_provider_key' && <KeysLink label="Add a key" />}
            {keyGone && onReloadKeys && (
              <Button size="sm" variant="outline" className="mt-1" onClick={onReloadKeys}>
                Reload keys
              </Button>
            )}
          </div>
        )}
      </AlertDescription>
    </Alert>
  );
}
