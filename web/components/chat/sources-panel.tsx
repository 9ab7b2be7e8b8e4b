'use client';

import * as React from 'react';
import { ChevronRight, FileText } from 'lucide-react';
import { Badge } from '@/components/ui/badge';
import { formatScore, type RagSource } from '@/lib/kb';
import { cn } from '@/lib/utils';
import { sourceElementId } from './citations';

/**
 * The chunks retrieved for one answer, behind a disclosure button: title, heading, the chunk's text
 * and its scores (vector, keyword, and the fused score that ranked it). `active` is the source a
 * citation link asked for: it is highlighted, scrolled into view and focused.
 */
export function SourcesPanel({
  answerId,
  sources,
  cited,
  open,
  onOpenChange,
  active,
  activeRequest,
}: {
  answerId: number;
  sources: RagSource[];
  /** Numbers the answer cites. */
  cited: number[];
  open: boolean;
  onOpenChange: (open: boolean) => void;
  active: number | null;
  /** Changes on every citation click, so clicking the same one again scrolls to it again. */
  activeRequest: number;
}) {
  const panelId = `chat-${answerId}-sources`;

  React.useEffect(() => {
    if (!open || active === null || activeRequest === 0) return;
    const el = document.getElementById(sourceElementId(answerId, active));
    if (!el) return;
    const reduce = window.matchMedia('(prefers-reduced-motion: reduce)').matches;
    el.scrollIntoView({ block: 'nearest', behavior: reduce ? 'auto' : 'smooth' });
    el.focus({ preventScroll: true });
  }, [open, active, activeRequest, answerId]);

  if (sources.length === 0) {
    return (
      <p className="border-t px-4 py-3 text-sm text-muted-foreground sm:px-5" data-testid="chat-no-sources">
        Nothing in the knowledge base matched, so this answer doesn’t draw on your documents.
      </p>
    );
  }

  return (
    <div className="border-t" data-testid="chat-sources">
      <button
        type="button"
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => onOpenChange(!open)}
        className="flex w-full items-center gap-2 px-4 py-3 text-left text-sm font-medium transition-colors hover:bg-muted/50 sm:px-5"
      >
        <ChevronRight
          className={cn('size-4 shrink-0 transition-transform', open && 'rotate-90')}
          aria-hidden="true"
        />
        Sources
        <Badge variant="secondary" className="font-normal">
          {sources.length}
        </Badge>
        {cited.length > 0 && (
          <span className="text-xs font-normal text-muted-foreground">{cited.length} cited</span>
        )}
      </button>
      {open && (
        <ol id={panelId} aria-label="Sources" className="grid gap-3 px-4 pb-4 sm:px-5">
          {sources.map((source) => (
            <SourceItem
              key={`${source.n}-${source.chunkId}`}
              id={sourceElementId(answerId, source.n)}
              source={source}
              cited={cited.includes(source.n)}
              highlighted={active === source.n}
            />
          ))}
        </ol>
      )}
    </div>
  );
}

function SourceItem({
  id,
  source,
  cited,
  highlighted,
}: {
  id: string;
  source: RagSource;
  cited: boolean;
  highlighted: boolean;
}) {
  const scores: [string, number | null, string][] = [
    ['Vector', source.vectorScore, 'Cosine similarity of the question and the chunk'],
    ['Keyword', source.keywordScore, 'BM25 keyword score'],
    ['Fused', source.score, 'The combined score the chunks were ranked by'],
  ];
  return (
    <li
      id={id}
      tabIndex={-1}
      className={cn(
        'grid scroll-mt-24 gap-2 rounded-lg border bg-background p-3 transition-shadow outline-none focus-visible:ring-[3px] focus-visible:ring-ring/40 dark:bg-input/10',
        highlighted && 'border-primary/60 ring-[3px] ring-primary/20',
      )}
      data-testid="chat-source"
      data-highlighted={highlighted || undefined}
    >
      <div className="flex flex-wrap items-start justify-between gap-2">
        <p className="flex min-w-0 items-start gap-2 text-sm">
          <span
            className="inline-flex h-5 min-w-5 shrink-0 items-center justify-center rounded-full bg-primary/10 px-1 text-[11px] font-semibold text-primary"
            aria-label={`Source ${source.n}`}
          >
            {source.n}
          </span>
          <span className="grid min-w-0 gap-0.5">
            <span className="flex items-center gap-1.5 font-medium">
              <FileText className="size-3.5 shrink-0 text-muted-foreground" aria-hidden="true" />
              <span className="break-words" data-testid="chat-source-title">
                {source.title}
              </span>
            </span>
            {source.heading && (
              <span className="text-xs break-words text-muted-foreground" data-testid="chat-source-heading">
                {source.heading}
              </span>
            )}
          </span>
        </p>
        {cited && (
          <Badge variant="accent" className="font-normal">
            Cited
          </Badge>
        )}
      </div>
      <dl className="flex flex-wrap gap-x-4 gap-y-1 text-xs" data-testid="chat-source-scores">
        {scores.map(([label, value, hint]) => (
          <div key={label} className="flex items-baseline gap-1" title={hint}>
            <dt className="text-muted-foreground">{label}</dt>
            <dd className="font-mono tabular-nums">{formatScore(value)}</dd>
          </div>
        ))}
      </dl>
      <blockquote
        tabIndex={0}
        aria-label={`Text of source ${source.n}`}
        className="max-h-48 overflow-auto rounded-md border-l-2 border-primary/30 bg-muted/40 px-3 py-2 text-[13px] leading-relaxed break-words whitespace-pre-wrap"
        data-testid="chat-source-content"
      >
        {source.content}
      </blockquote>
    </li>
  );
}
