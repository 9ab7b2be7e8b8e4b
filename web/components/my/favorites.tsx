'use client';

import Link from 'next/link';
import { Heart } from 'lucide-react';
import { Button } from '@/components/ui/button';
import { Skeleton } from '@/components/ui/skeleton';
import { PromptCard } from '@/components/prompt-card';
import { RequireSession } from '@/components/session/require-session';
import { EmptyState, ErrorAlert } from '@/components/status';
import { listFavorites } from '@/lib/api';
import type { Labels } from '@/lib/types';
import { pluralize } from '@/lib/utils';
import { LoadMore } from './load-more';
import { usePromptList } from './use-prompt-list';

export function FavoritesPage({ labels }: { labels: Labels }) {
  return (
    <RequireSession what="your favorites" fallback={<CardsSkeleton />}>
      {() => <Favorites labels={labels} />}
    </RequireSession>
  );
}

function Favorites({ labels }: { labels: Labels }) {
  const { state, retry, loadMore, more } = usePromptList(listFavorites);
  if (state.status === 'loading') return <CardsSkeleton />;
  if (state.status === 'error')
    return <ErrorAlert title="Couldn’t load your favorites" error={state.error} onRetry={retry} />;
  if (state.items.length === 0) {
    return (
      <EmptyState
        icon={Heart}
        title="No favorites yet"
        actions={
          <Button asChild>
            <Link href="/library">Browse the library</Link>
          </Button>
        }
      >
        Press “Favorite” on any prompt to keep it here.
      </EmptyState>
    );
  }
  return (
    <section aria-labelledby="favorites-list">
      <h2 id="favorites-list" className="sr-only">
        Your favorites
      </h2>
      <p className="mb-4 text-sm text-muted-foreground" data-testid="favorites-count">
        {pluralize(state.total, 'favorite')}
      </p>
      <ul className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
        {state.items.map((p) => (
          <li key={`${p.source}:${p.slug}`}>
            <PromptCard prompt={p} labels={labels} />
          </li>
        ))}
      </ul>
      {state.nextCursor && <LoadMore pending={more.pending} error={more.error} onClick={loadMore} />}
    </section>
  );
}

export function CardsSkeleton() {
  return (
    <ul className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3" aria-busy="true" aria-label="Loading">
      {Array.from({ length: 3 }, (_, i) => (
        <li key={i} className="flex flex-col gap-3 rounded-xl border bg-card p-5">
          <Skeleton className="h-5 w-24" />
          <Skeleton className="h-5 w-3/4" />
          <Skeleton className="h-4 w-full" />
          <Skeleton className="h-4 w-5/6" />
        </li>
      ))}
    </ul>
  );
}
