'use client';

import * as React from 'react';
import Link from 'next/link';
import { FilePlus2, Pencil, Star, Trash2 } from 'lucide-react';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Skeleton } from '@/components/ui/skeleton';
import { DifficultyBadge } from '@/components/difficulty-badge';
import { RequireSession } from '@/components/session/require-session';
import { EmptyState, ErrorAlert } from '@/components/status';
import { VisibilityBadge } from '@/components/visibility-badge';
import { listMyPrompts } from '@/lib/api';
import { promptHref, type Labels, type PromptSummary } from '@/lib/types';
import { labelFromId, pluralize } from '@/lib/utils';
import { DeletePromptDialog } from './delete-prompt-dialog';
import { LoadMore } from './load-more';
import { usePromptList } from './use-prompt-list';

export function MyPromptsPage({ labels }: { labels: Labels }) {
  return (
    <RequireSession what="your prompts" fallback={<ListSkeleton />}>
      {() => <MyPrompts labels={labels} />}
    </RequireSession>
  );
}

function MyPrompts({ labels }: { labels: Labels }) {
  const { state, retry, loadMore, more, remove } = usePromptList(listMyPrompts);
  const [deleting, setDeleting] = React.useState<PromptSummary | null>(null);
  const [announce, setAnnounce] = React.useState('');
  const headingRef = React.useRef<HTMLHeadingElement>(null);

  if (state.status === 'loading') return <ListSkeleton />;
  if (state.status === 'error')
    return <ErrorAlert title="Couldn’t load your prompts" error={state.error} onRetry={retry} />;

  return (
    <section aria-labelledby="my-prompts-list">
      <h2 id="my-prompts-list" ref={headingRef} tabIndex={-1} className="sr-only">
        Your prompts
      </h2>
      <p role="status" className="sr-only">
        {announce}
      </p>
      {state.items.length === 0 ? (
        <EmptyState
          icon={FilePlus2}
          title="You haven’t written a prompt yet"
          actions={
            <Button asChild>
              <Link href="/my/prompts/new">Write your first prompt</Link>
            </Button>
          }
        >
          Turn something you ask an AI assistant often into a template with blanks to fill in.
        </EmptyState>
      ) : (
        <>
          <p className="mb-4 text-sm text-muted-foreground" data-testid="my-prompts-count">
            {pluralize(state.total, 'prompt')}
          </p>
          <ul className="grid gap-3">
            {state.items.map((p) => (
              <li
                key={p.slug}
                className="flex flex-col gap-4 rounded-xl border bg-card p-4 shadow-xs sm:flex-row sm:items-start sm:justify-between sm:p-5"
              >
                <div className="grid min-w-0 gap-2">
                  <div className="flex flex-wrap items-center gap-1.5">
                    <VisibilityBadge visibility={p.visibility ?? 'private'} />
                    <Badge variant="secondary">
                      {labels.categories[p.category] ?? labelFromId(p.category)}
                    </Badge>
                    <DifficultyBadge level={p.difficulty} />
                  </div>
                  <h3 className="leading-snug font-semibold tracking-tight">
                    <Link href={promptHref(p)} prefetch={false} className="rounded-sm hover:text-primary">
                      {p.title}
                    </Link>
                  </h3>
                  <p className="line-clamp-2 text-sm text-muted-foreground">{p.description}</p>
                  {p.rating && p.rating.count > 0 && p.rating.average !== null && (
                    <p className="flex items-center gap-1.5 text-xs text-muted-foreground">
                      <Star className="size-3.5 fill-amber-400 text-amber-400" aria-hidden="true" />
                      {p.rating.average.toFixed(1)} out of 5 · {pluralize(p.rating.count, 'rating')}
                    </p>
                  )}
                </div>
                <div className="flex shrink-0 gap-2">
                  <Button variant="outline" size="sm" asChild>
                    <Link href={`/my/prompts/edit?slug=${encodeURIComponent(p.slug)}`} prefetch={false}>
                      <Pencil aria-hidden="true" /> Edit<span className="sr-only"> “{p.title}”</span>
                    </Link>
                  </Button>
                  <Button variant="outline" size="sm" onClick={() => setDeleting(p)}>
                    <Trash2 aria-hidden="true" /> Delete<span className="sr-only"> “{p.title}”</span>
                  </Button>
                </div>
              </li>
            ))}
          </ul>
          {state.nextCursor && <LoadMore pending={more.pending} error={more.error} onClick={loadMore} />}
        </>
      )}
      <DeletePromptDialog
        prompt={deleting}
        onOpenChange={(open) => !open && setDeleting(null)}
        onDeleted={(slug) => {
          remove(slug);
          setAnnounce(`Deleted “${deleting?.title ?? slug}”.`);
          setDeleting(null);
        }}
        focusAfterDelete={() => headingRef.current}
      />
    </section>
  );
}

export function ListSkeleton() {
  return (
    <div aria-busy="true" aria-label="Loading" className="grid gap-3">
      {Array.from({ length: 3 }, (_, i) => (
        <div key={i} className="grid gap-3 rounded-xl border bg-card p-5">
          <div className="flex gap-2">
            <Skeleton className="h-5 w-16" />
            <Skeleton className="h-5 w-24" />
          </div>
          <Skeleton className="h-5 w-2/3" />
          <Skeleton className="h-4 w-full" />
        </div>
      ))}
    </div>
  );
}
