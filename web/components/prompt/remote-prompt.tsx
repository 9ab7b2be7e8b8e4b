'use client';

import * as React from 'react';
import Link from 'next/link';
import { useRouter, useSearchParams } from 'next/navigation';
import { AlertCircle, ChevronRight, Pencil, RotateCcw, Trash2 } from 'lucide-react';
import { Alert, AlertDescription, AlertTitle } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Skeleton } from '@/components/ui/skeleton';
import { DifficultyBadge } from '@/components/difficulty-badge';
import { DeletePromptDialog } from '@/components/my/delete-prompt-dialog';
import { useCurrentPath, useSession } from '@/components/session/session-provider';
import { VisibilityBadge } from '@/components/visibility-badge';
import { ApiError, getPrompt, isAbort } from '@/lib/api';
import type { Labels, PromptDetail } from '@/lib/types';
import { labelFromId, signInHref } from '@/lib/utils';
import { PromptActions } from './prompt-actions';
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
  const [deleting, setDeleting] = React.useState(false);
  const router = useRouter();
  const current = useCurrentPath();
  const { state: session } = useSession();

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
          {notFound && session.status === 'signed-out' && (
            <p>If this is one of your private prompts, sign in to see it.</p>
          )}
          <div className="mt-2 flex flex-wrap gap-2">
            {notFound && session.status === 'signed-out' && (
              <Button size="sm" asChild>
                <Link href={signInHref(current)}>Sign in</Link>
              </Button>
            )}
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
  const owner = prompt.viewer?.owner === true;
  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-6">
        <ol className="flex flex-wrap items-center gap-1.5 text-sm text-muted-foreground">
          <li>
            {owner ? (
              <Link href="/my/prompts" className="rounded-sm hover:text-foreground">
                My prompts
              </Link>
            ) : (
              <Link href="/library" className="rounded-sm hover:text-foreground">
                Library
              </Link>
            )}
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
          {prompt.source === 'user' && prompt.visibility && (
            <VisibilityBadge visibility={prompt.visibility} />
          )}
        </div>
        <div className="flex flex-wrap items-start justify-between gap-4">
          <h1 className="text-3xl font-semibold tracking-tight text-balance sm:text-4xl">{prompt.title}</h1>
          {owner && (
            <div className="flex shrink-0 gap-2">
              <Button variant="outline" size="sm" asChild>
                <Link href={`/my/prompts/edit?slug=${encodeURIComponent(prompt.slug)}`}>
                  <Pencil aria-hidden="true" /> Edit
                </Link>
              </Button>
              <Button variant="outline" size="sm" onClick={() => setDeleting(true)}>
                <Trash2 aria-hidden="true" /> Delete
              </Button>
            </div>
          )}
        </div>
        <p className="max-w-3xl text-base text-muted-foreground sm:text-lg">{prompt.description}</p>
        <PromptActions
          key={prompt.slug}
          slug={prompt.slug}
          initial={{ rating: prompt.rating ?? { average: null, count: 0 }, viewer: prompt.viewer }}
        />
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
      <PromptWorkbench template={prompt.template} variables={prompt.variables} runSlug={prompt.slug} />
      {owner && (
        <DeletePromptDialog
          prompt={deleting ? prompt : null}
          onOpenChange={setDeleting}
          onDeleted={() => router.push('/my/prompts')}
        />
      )}
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
