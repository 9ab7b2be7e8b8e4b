'use client';

import * as React from 'react';
import Link from 'next/link';
import { useSearchParams } from 'next/navigation';
import { Skeleton } from '@/components/ui/skeleton';
import { Button } from '@/components/ui/button';
import { RequireSession } from '@/components/session/require-session';
import { ErrorAlert } from '@/components/status';
import { ApiError, getPrompt, isAbort, toApiError } from '@/lib/api';
import type { EditorOptions, PromptDetail } from '@/lib/types';
import { PromptEditor } from './prompt-editor';

export function NewPromptPage({ options }: { options: EditorOptions }) {
  return (
    <RequireSession what="the prompt editor" fallback={<EditorSkeleton />}>
      {() => <PromptEditor options={options} />}
    </RequireSession>
  );
}

/** `/my/prompts/edit?slug=…`: loads the prompt (with the session cookie) and checks you own it. */
export function EditPromptPage({ options }: { options: EditorOptions }) {
  const slug = useSearchParams()?.get('slug') ?? '';
  return (
    <RequireSession what="the prompt editor" fallback={<EditorSkeleton />}>
      {() => <EditLoader key={slug} slug={slug} options={options} />}
    </RequireSession>
  );
}

function EditLoader({ slug, options }: { slug: string; options: EditorOptions }) {
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
        if (prompt.source !== 'user' || !prompt.viewer?.owner) {
          setState({
            status: 'error',
            error: new ApiError('You can only edit prompts you created.', 403, 'NOT_OWNER'),
          });
          return;
        }
        setState({ status: 'ready', prompt });
        document.title = `Edit ${prompt.title} · Engify`;
      })
      .catch((err: unknown) => {
        if (!isAbort(err)) setState({ status: 'error', error: toApiError(err) });
      });
    return () => controller.abort();
  }, [slug, attempt]);

  if (state.status === 'loading') return <EditorSkeleton />;
  if (state.status === 'error') {
    const final = state.error.status === 404 || state.error.status === 403 || state.error.status === 400;
    return (
      <ErrorAlert
        title={state.error.status === 404 ? 'Prompt not found' : 'Can’t edit this prompt'}
        error={state.error}
        onRetry={final ? undefined : () => setAttempt((n) => n + 1)}
        className="max-w-2xl"
      >
        <Button size="sm" variant="outline" asChild>
          <Link href="/my/prompts">Back to your prompts</Link>
        </Button>
      </ErrorAlert>
    );
  }
  return <PromptEditor options={options} initial={state.prompt} />;
}

export function EditorSkeleton() {
  return (
    <div aria-busy="true" aria-label="Loading the editor" className="grid gap-6">
      <Skeleton className="h-80 w-full rounded-xl" />
      <div className="grid gap-6 lg:grid-cols-2">
        <Skeleton className="h-72 rounded-xl" />
        <Skeleton className="h-72 rounded-xl" />
      </div>
    </div>
  );
}
