'use client';

import * as React from 'react';
import { CheckCircle2, Clock, FileText, Info, Loader2, Lock, Trash2, X, XCircle } from 'lucide-react';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Progress } from '@/components/ui/progress';
import { formatBytes, type KbDocument, type KbDocumentStatus } from '@/lib/kb';
import { cn, formatDate, pluralize } from '@/lib/utils';

const STATUS: Record<
  KbDocumentStatus,
  { label: string; icon: React.ComponentType<{ className?: string }>; className: string }
> = {
  queued: { label: 'Queued', icon: Clock, className: 'text-muted-foreground' },
  processing: { label: 'Processing', icon: Loader2, className: 'border-primary/40 text-primary' },
  ready: { label: 'Ready', icon: CheckCircle2, className: 'border-success/40 text-success' },
  failed: { label: 'Failed', icon: XCircle, className: 'border-destructive/40 text-destructive' },
};

export function DocumentStatusBadge({ status }: { status: KbDocumentStatus }) {
  const { label, icon: Icon, className } = STATUS[status];
  return (
    <Badge variant="outline" className={className} data-testid="kb-status" data-status={status}>
      <Icon className={cn(status === 'processing' && 'animate-spin')} aria-hidden="true" />
      {label}
    </Badge>
  );
}

/** What the status means for this document: chunk progress, chunk count, or why it failed. */
function StatusDetail({ doc }: { doc: KbDocument }) {
  switch (doc.status) {
    case 'queued':
      return <p className="text-xs text-muted-foreground">Waiting to be read…</p>;
    case 'processing': {
      const total = doc.chunksTotal;
      const text = total > 0 ? `${doc.chunksDone}/${total} chunks` : 'Reading the file…';
      return (
        <div className="flex max-w-md items-center gap-3">
          <Progress
            value={total > 0 ? doc.chunksDone / total : 0}
            aria-label={`Processing ${doc.title}`}
            valueText={total > 0 ? `${doc.chunksDone} of ${total} chunks embedded` : 'Reading the file'}
          />
          <span className="shrink-0 text-xs text-muted-foreground tabular-nums" data-testid="kb-chunks">
            {text}
          </span>
        </div>
      );
    }
    case 'ready':
      return (
        <p className="text-xs text-muted-foreground" data-testid="kb-chunks">
          {pluralize(doc.chunksTotal, 'chunk')}, searchable in chat
        </p>
      );
    case 'failed':
      return (
        <p className="text-xs text-destructive" data-testid="kb-failure">
          <span className="font-medium">Couldn’t be processed:</span> {doc.error ?? 'no reason was given.'}
        </p>
      );
  }
}

export function DocumentList({
  items,
  highlightId,
  highlightNote,
  onDismissHighlight,
  onDelete,
}: {
  items: KbDocument[];
  /** A row to draw attention to (the existing copy of a duplicate upload). */
  highlightId: string | null;
  highlightNote: string | null;
  onDismissHighlight: () => void;
  onDelete: (doc: KbDocument) => void;
}) {
  return (
    <ul className="grid gap-3" aria-label="Documents">
      {items.map((doc) => (
        <DocumentRow
          key={doc.id}
          doc={doc}
          highlighted={doc.id === highlightId}
          note={doc.id === highlightId ? highlightNote : null}
          onDismiss={onDismissHighlight}
          onDelete={() => onDelete(doc)}
        />
      ))}
    </ul>
  );
}

function DocumentRow({
  doc,
  highlighted,
  note,
  onDismiss,
  onDelete,
}: {
  doc: KbDocument;
  highlighted: boolean;
  note: string | null;
  onDismiss: () => void;
  onDelete: () => void;
}) {
  const ref = React.useRef<HTMLLIElement>(null);
  React.useEffect(() => {
    if (!highlighted) return;
    const reduce = window.matchMedia('(prefers-reduced-motion: reduce)').matches;
    ref.current?.scrollIntoView({ block: 'nearest', behavior: reduce ? 'auto' : 'smooth' });
  }, [highlighted]);

  return (
    <li
      ref={ref}
      className={cn(
        'grid gap-3 rounded-xl border bg-card p-4 shadow-xs transition-shadow sm:grid-cols-[minmax(0,1fr)_auto] sm:items-start sm:p-5',
        highlighted && 'border-primary/60 ring-[3px] ring-primary/20',
      )}
      data-testid="kb-document"
      data-status={doc.status}
      data-highlighted={highlighted || undefined}
    >
      <div className="grid min-w-0 gap-2">
        <div className="flex flex-wrap items-center gap-1.5">
          <DocumentStatusBadge status={doc.status} />
          <Badge variant="secondary" className="font-normal">
            {doc.collection}
          </Badge>
          {doc.shared && (
            <Badge variant="outline" className="font-normal text-muted-foreground">
              <Lock aria-hidden="true" /> Shared, read-only
            </Badge>
          )}
        </div>
        <h3 className="flex min-w-0 items-center gap-2 leading-snug font-semibold tracking-tight">
          <FileText className="size-4 shrink-0 text-muted-foreground" aria-hidden="true" />
          <span className="truncate" data-testid="kb-title">
            {doc.title}
          </span>
        </h3>
        <p className="flex flex-wrap gap-x-3 gap-y-1 text-xs text-muted-foreground">
          {doc.filename !== doc.title && <span className="font-mono break-all">{doc.filename}</span>}
          <span>{formatBytes(doc.sizeBytes)}</span>
          <span>Added {formatDate(doc.createdAt, true)}</span>
        </p>
        <StatusDetail doc={doc} />
        {note && (
          <p
            className="flex items-start gap-2 rounded-lg border border-primary/30 bg-primary/5 px-3 py-2 text-sm"
            data-testid="kb-duplicate-note"
          >
            <Info className="mt-0.5 size-4 shrink-0 text-primary" aria-hidden="true" />
            <span className="min-w-0 flex-1">{note}</span>
            <button
              type="button"
              onClick={onDismiss}
              className="-m-1 shrink-0 rounded-sm p-1 text-muted-foreground hover:text-foreground"
              aria-label="Dismiss note"
            >
              <X className="size-4" aria-hidden="true" />
            </button>
          </p>
        )}
      </div>
      {!doc.shared && (
        <div className="flex gap-2 sm:justify-end">
          <Button variant="outline" size="sm" onClick={onDelete} aria-label={`Delete ${doc.title}`}>
            <Trash2 aria-hidden="true" /> Delete
          </Button>
        </div>
      )}
    </li>
  );
}
