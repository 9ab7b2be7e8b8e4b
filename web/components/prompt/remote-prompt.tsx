'use client';

import * as React from 'react';
import Link from 'next/link';
import { useSearchParams } from 'next/navigation';
import { AlertCircle, ChevronRight, RotateCcw } from 'lucide-react';
import { Alert, AlertDescription, AlertTitle } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Skeleton } from '@/components/ui/skeleton';
import { DifficultyBadge } from '@/components/difficulty-badge';
import { ApiError, getPrompt, isAbort } from '@/lib/api';
import type { Labels, PromptDetail } from '@/lib/types';
import { labelFromId } from '@/lib/utils';
import { PromptWorkbench } from './workbench';

/**
 * Prompts that exist only in the API (user-created ones) have no pre-rendered page; the library links
 * them to `/library/prompt?slug=…`, which loads them from `GET /api/prompts/:slug`.
 */
export function RemotePrompt({ labels }: { labels: Labels }) {
  const slug = useSearchParams()?.get('slug') ?? '';
  const [state, setState] = React.useState<
    { status: 'loading' } | { status: 'ready'; prompt: PromptDetail } | { status: 'error'; error: ApiError }
  >({ status: 'loading' });
  const [attempt, setAttempt] = React.useState(0);

  React.useEffect(() => {
    if (!slug) {
      setState({ status: 'error', error: new ApiError('No prompt was specified.', 400, 'BAD_REQUEST') });
      return;
    }
    const controller = new AbortController();
    setState({ status: 'loading' });
    getPrompt(slug, controller.signal)
      .then((prompt) => {
        setState({ status: 'ready', prompt });
        document.title = `${prompt.title} · Engify`;
      })
      .catch((err: unknown) => {
        if (isAbort(err)) return;
        setState({
          status: 'error',
          error: err instanceof ApiError ? err : new ApiError('Something went wrong.', 0, 'CLIENT_ERROR'),
        });
      });
    return () => controller.abort();
  }, [slug, attempt]);

  if (state.status === 'loading') return <RemotePromptSkeleton />;
  if (state.status === 'error') {
    const notFound = state.error.status === 404 && state.error.code !== 'HTTP_ERROR';
    return (
      <Alert variant="destructive" role="alert" className="max-w-2xl">
        <AlertCircle aria-hidden="true" />
        <AlertTitle>{notFound ? 'Prompt not found' : 'Couldn’t load this prompt'}</AlertTitle>
        <AlertDescription>
          <p>{state.error.message}</p>
          {state.error.requestId && <p className="font-mono text-xs">Request ID: {state.error.requestId}</p>}
          <div className="mt-2 flex flex-wrap gap-2">
            {!notFound && slug && (
              <Button size="sm" variant="outline" onClick={() => setAttempt((n) => n + 1)}>
                <RotateCcw aria-hidden="true" /> Try again
              </Button>
            )}
            <Button size="sm" variant="outline" asChild>
              <Link href="/library">Back to the library</Link>
            </Button>
          </div>
        </AlertDescription>
      </Alert>
    );
  }

  const { prompt } = state;
  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-6">
        <ol className="flex flex-wrap items-center gap-1.5 text-sm text-muted-foreground">
          <li>
            <Link href="/library" className="rounded-sm hover:text-foreground">
              Library
            </Link>
          </li>
          <li aria-hidden="true">
            <ChevronRight className="size-3.5" />
          </li>
          <li aria-current="page" className="truncate text-foreground">
            {prompt.title}
          </li>
        </ol>
      </nav>
      <header className="mb-8 grid gap-4">
        <div className="flex flex-wrap items-center gap-2">
          <Badge variant="secondary">
            {labels.categories[prompt.category] ?? labelFromId(prompt.category)}
          </Badge>
          <DifficultyBadge level={prompt.difficulty} />
          {prompt.source === 'user' && <Badge variant="outline">Custom</Badge>}
        </div>
        <h1 className="text-3xl font-semibold tracking-tight text-balance sm:text-4xl">{prompt.title}</h1>
        <p className="max-w-3xl text-base text-muted-foreground sm:text-lg">{prompt.description}</p>
        <div className="flex flex-wrap gap-1.5">
          {prompt.patterns.map((id) => (
            <Badge key={id} variant="accent" asChild>
              <Link href={`/patterns/${id}`}>{labels.patterns[id] ?? labelFromId(id)}</Link>
            </Badge>
          ))}
          {prompt.tags.map((t) => (
            <Badge key={t} variant="outline" className="font-mono font-normal text-muted-foreground" asChild>
              <Link href={`/library?tag=${encodeURIComponent(t)}`}>#{t}</Link>
            </Badge>
          ))}
        </div>
      </header>
      <PromptWorkbench template={prompt.template} variables={prompt.variables} />
    </>
  );
}

export function RemotePromptSkeleton() {
  return (
    <div aria-busy="true" aria-label="Loading prompt" className="grid gap-4">
      <Skeleton className="h-4 w-40" />
      <Skeleton className="mt-4 h-10 w-2/3" />
      <Skeleton className="h-5 w-full max-w-2xl" />
      <div className="mt-6 grid gap-6 lg:grid-cols-2">
        <Skeleton className="h-72 rounded-xl" />
        <Skeleton className="h-72 rounded-xl" />
      </div>
    </div>
  );
}
