'use client';

import * as React from 'react';
import { Bot } from 'lucide-react';
import { CopyButton } from '@/components/prompt/copy-button';
import {
  hasMetrics,
  ModelLabel,
  PhaseBadge,
  RequestError,
  RunRecordLink,
  RunWaiting,
  StoppedNote,
  StreamCursor,
  StreamFailureAlert,
} from '@/components/ai/run-output';
import { isActive, type RunView } from '@/components/ai/run-state';
import { formatCost, formatMs, formatTokens } from '@/lib/ai';
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

  const segments = React.useMemo(() => {
    const numbers = new Set((sources ?? []).map((s) => s.n));
    return splitCitations(view.text, (n) => numbers.has(n));
  }, [view.text, sources]);
  const cited = React.useMemo(() => citedNumbers(segments), [segments]);

  const onCite = (n: number) => {
    setOpen(true);
    setCite((c) => ({ n, request: c.request + 1 }));
  };

  const showMetrics = hasMetrics(view);

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
          <ModelLabel view={view} />
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
          <RunWaiting
            view={view}
            connecting={usedRag ? 'Searching your knowledge base…' : 'Sending…'}
            testId="chat-waiting"
          />
        )}
        {view.text && (
          <div
            className="text-[15px] leading-7 break-words whitespace-pre-wrap"
            aria-busy={active || undefined}
            data-testid="chat-answer-text"
          >
            <AnswerText segments={segments} sources={sources ?? []} answerId={id} onCite={onCite} />
            {active && <StreamCursor />}
          </div>
        )}
        {view.failure && (
          <StreamFailureAlert
            failure={view.failure}
            title="The answer failed"
            partial="The text above is what arrived before the error."
            testId="chat-error"
          />
        )}
        {view.phase === 'stopped' && <StoppedNote hasText={view.text !== ''} testId="chat-stopped" />}
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
          {view.executionId && <RunRecordLink executionId={view.executionId} />}
        </div>
      )}
    </article>
  );
}
