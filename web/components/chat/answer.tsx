'use client';

import * as React from 'react';
import Link from 'next/link';
import { AlertCircle, Bot, CircleSlash, ExternalLink, KeyRound, Loader2 } from 'lucide-react';
import { Alert, AlertDescription, AlertTitle } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { CopyButton } from '@/components/prompt/copy-button';
import { PhaseBadge, RequestError, SETTINGS_KEYS_HREF } from '@/components/ai/run-output';
import { isActive, useTicker, type RunView, type StreamFailure } from '@/components/ai/run-state';
import { errorText, formatCost, formatMs, formatTokens, PROVIDER_LABEL } from '@/lib/ai';
import type { RagSource } from '@/lib/kb';
import { AnswerText, citedNumbers, splitCitations } from './citations';
import { SourcesPanel } from './sources-panel';

/**
 * One answer of the conversation: its text as it streams (citation markers as links), what went
 * wrong if anything, its numbers, and the sources retrieved for it.
 */
export function Answer({
  id,
  view,
  sources,
  usedRag,
  waitSeconds,
  onReloadKeys,
}: {
  id: number;
  view: RunView;
  /** Null until the `sources` event (or when retrieval was off). */
  sources: RagSource[] | null;
  usedRag: boolean;
  waitSeconds: number;
  onReloadKeys: () => void;
}) {
  const headingId = `chat-${id}-heading`;
  const active = isActive(view);
  const [open, setOpen] = React.useState(false);
  const [cite, setCite] = React.useState<{ n: number | null; request: number }>({ n: null, request: 0 });
  const now = useTicker(active && view.text === '', 100);
  const waited = view.startedAt !== null ? Math.max(0, now - view.startedAt) : 0;

  const segments = React.useMemo(() => {
    const numbers = new Set((sources ?? []).map((s) => s.n));
    return splitCitations(view.text, (n) => numbers.has(n));
  }, [view.text, sources]);
  const cited = React.useMemo(() => citedNumbers(segments), [segments]);

  const onCite = (n: number) => {
    setOpen(true);
    setCite((c) => ({ n, request: c.request + 1 }));
  };

  const showMetrics = view.phase === 'done' || (view.phase === 'stopped' && view.result !== null);

  return (
    <article
      aria-labelledby={headingId}
      className="min-w-0 rounded-xl border bg-card shadow-xs"
      data-testid="chat-answer"
      data-phase={view.phase}
    >
      <div className="flex flex-wrap items-center justify-between gap-2 border-b px-4 py-2.5 sm:px-5">
        <div className="flex min-w-0 flex-wrap items-center gap-x-2.5 gap-y-1">
          <h3 id={headingId} className="flex items-center gap-1.5 text-sm font-semibold">
            <Bot className="size-4 text-muted-foreground" aria-hidden="true" /> Answer
          </h3>
          <PhaseBadge phase={view.phase} />
          {view.model && (
            <span className="min-w-0 truncate font-mono text-xs text-muted-foreground">
              {view.provider ? `${PROVIDER_LABEL[view.provider]} · ` : ''}
              {view.model}
            </span>
          )}
        </div>
        {view.text && !active && (
          <CopyButton getText={() => view.text} variant="ghost" size="icon" iconOnly className="size-8" />
        )}
      </div>

      <div className="grid gap-3 px-4 py-4 sm:px-5">
        {view.requestError && (
          <RequestError error={view.requestError} waitSeconds={waitSeconds} onReloadKeys={onReloadKeys} />
        )}
        {active && !view.text && (
          <p className="flex items-center gap-2 text-sm text-muted-foreground" data-testid="chat-waiting">
            <Loader2 className="size-4 animate-spin" aria-hidden="true" />
            {view.phase === 'connecting'
              ? usedRag
                ? 'Searching your knowledge base…'
                : 'Sending…'
              : 'Waiting for the first token…'}
            <span className="font-mono text-xs tabular-nums">{(waited / 1000).toFixed(1)} s</span>
          </p>
        )}
        {view.text && (
          <div
            className="text-[15px] leading-7 break-words whitespace-pre-wrap"
            aria-busy={active || undefined}
            data-testid="chat-answer-text"
          >
            <AnswerText segments={segments} sources={sources ?? []} answerId={id} onCite={onCite} />
            {active && (
              <span
                aria-hidden="true"
                className="ml-0.5 inline-block h-4 w-1.5 translate-y-0.5 animate-pulse rounded-sm bg-primary/70"
              />
            )}
          </div>
        )}
        {view.failure && <AnswerFailure failure={view.failure} />}
        {view.phase === 'stopped' && (
          <p className="flex items-center gap-2 text-sm text-muted-foreground" data-testid="chat-stopped">
            <CircleSlash className="size-4 shrink-0" aria-hidden="true" />
            {view.text ? 'Stopped. The partial answer above is kept.' : 'Stopped before any text arrived.'}
          </p>
        )}
      </div>

      {usedRag && sources !== null && (
        <SourcesPanel
          answerId={id}
          sources={sources}
          cited={cited}
          open={open}
          onOpenChange={setOpen}
          active={cite.n}
          activeRequest={cite.request}
        />
      )}

      {(showMetrics || view.executionId) && !active && (
        <div className="flex flex-wrap items-center justify-between gap-x-4 gap-y-1 border-t px-4 py-2.5 text-xs text-muted-foreground sm:px-5">
          {showMetrics && (
            <p className="tabular-nums" data-testid="chat-metrics">
              {view.usage
                ? `${formatTokens(view.usage.inputTokens, view.usage.outputTokens)} tokens${view.usage.estimated ? ' (estimated)' : ''}`
                : 'Tokens —'}{' '}
              · {formatCost(view.result?.costUsd)} · {formatMs(view.result?.latencyMs)}
            </p>
          )}
          {view.executionId && (
            <Link
              href={`/history/run?id=${encodeURIComponent(view.executionId)}`}
              className="inline-flex items-center gap-1 rounded-sm font-medium text-primary underline-offset-4 hover:underline"
            >
              View this run <ExternalLink className="size-3" aria-hidden="true" />
            </Link>
          )}
        </div>
      )}
    </article>
  );
}

/** An `error` event (or a dropped connection) after the answer started, shown in place. */
function AnswerFailure({ failure }: { failure: StreamFailure }) {
  const text = errorText(failure.code);
  return (
    <Alert variant="destructive" role="alert" data-testid="chat-error">
      <AlertCircle aria-hidden="true" />
      <AlertTitle>{text?.title ?? 'The answer failed'}</AlertTitle>
      <AlertDescription>
        {text && failure.code !== 'no_provider_key' && <p>{text.help}</p>}
        <p className="text-xs">{failure.message}</p>
        {failure.partial && <p>The text above is what arrived before the error.</p>}
        {(failure.code === 'no_provider_key' || failure.code === 'provider_unauthorized') && (
          <Button asChild size="sm" variant="outline" className="mt-1">
            <Link href={SETTINGS_KEYS_HREF}>
              <KeyRound aria-hidden="true" />{' '}
              {failure.code === 'no_provider_key' ? 'Add a key' : 'Check your keys'}
              <span className="sr-only"> in Settings → Provider keys</span>
            </Link>
          </Button>
        )}
      </AlertDescription>
    </Alert>
  );
}
