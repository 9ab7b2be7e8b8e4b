'use client';

import * as React from 'react';
import Link from 'next/link';
import { BookOpen, MessageSquarePlus, Send } from 'lucide-react';
import { Button } from '@/components/ui/button';
import { Label } from '@/components/ui/label';
import { NativeSelect } from '@/components/ui/native-select';
import { Skeleton } from '@/components/ui/skeleton';
import { Switch } from '@/components/ui/switch';
import { Textarea } from '@/components/ui/textarea';
import { ModelSettings, PanelLink, SettingsPanel, useModelSettings } from '@/components/ai/model-settings';
import { RunControls } from '@/components/ai/run-controls';
import { useRetryWait } from '@/components/ai/run-output';
import { IDLE_RUN, isActive, useRun, type RunStream, type RunView } from '@/components/ai/run-state';
import { useRunShortcuts } from '@/components/ai/shortcuts';
import { useProviderKeys } from '@/components/ai/use-provider-keys';
import { useCollections, type CollectionsState } from '@/components/kb/use-documents';
import { RequireSession } from '@/components/session/require-session';
import { ErrorAlert } from '@/components/status';
import type { StreamHeartbeat } from '@/lib/api';
import { errorText, MAX_MESSAGE_CHARS, MAX_MESSAGES } from '@/lib/ai';
import { streamRagChat, type ChatEvent, type RagSource } from '@/lib/kb';
import type { ChatMessage } from '@/lib/types';
import { pluralize } from '@/lib/utils';
import { Answer } from './answer';

export function ChatPage() {
  return (
    <RequireSession what="chat" fallback={<ChatSkeleton />}>
      {() => <Chat />}
    </RequireSession>
  );
}

interface Question {
  id: number;
  role: 'user';
  content: string;
}

interface Reply {
  id: number;
  role: 'assistant';
  /** The finished run; the one streaming now is read from `useRun` instead. */
  run: RunView;
  sources: RagSource[] | null;
  usedRag: boolean;
}

type Turn = Question | Reply;

/**
 * The conversation so far as messages, oldest first. A question whose answer brought no text (it was
 * refused or failed at once) is left out with it: the model never answered it.
 */
export function toMessages(turns: Turn[]): ChatMessage[] {
  const messages: ChatMessage[] = [];
  for (let i = 0; i < turns.length; i++) {
    const turn = turns[i]!;
    if (turn.role === 'user') {
      const reply = turns[i + 1];
      if (reply?.role === 'assistant' && !reply.run.text.trim()) {
        i++;
        continue;
      }
      messages.push({ role: 'user', content: turn.content });
    } else if (turn.run.text.trim()) {
      messages.push({ role: 'assistant', content: turn.run.text });
    }
  }
  // The API takes at most MAX_MESSAGES: keep the latest, starting with a question.
  let start = Math.max(0, messages.length - MAX_MESSAGES);
  while (start < messages.length && messages[start]!.role !== 'user') start++;
  return messages.slice(start);
}

/** Passes the run's events through and hands the `sources` event to `onSources`. */
async function* withSources(
  stream: AsyncGenerator<ChatEvent | StreamHeartbeat>,
  onSources: (sources: RagSource[]) => void,
): RunStream {
  for await (const event of stream) {
    if (event.type === 'sources') onSources(Array.isArray(event.sources) ? event.sources : []);
    else yield event;
  }
}

/** Retrieval is on unless the user chose otherwise, when there is something to retrieve from. */
function ragByDefault(collections: CollectionsState): boolean {
  return collections.status === 'ready' && collections.items.some((c) => c.shared || c.documents > 0);
}

function Chat() {
  const { state: keys, reload: reloadKeys } = useProviderKeys();
  const { state: collections, reload: reloadCollections } = useCollections();
  const model = useModelSettings(keys, 'chat');
  const [ragChoice, setRagChoice] = React.useState<boolean | null>(null);
  const [collection, setCollection] = React.useState('');
  const [turns, setTurns] = React.useState<Turn[]>([]);
  const [liveId, setLiveId] = React.useState<number | null>(null);
  const [draft, setDraft] = React.useState('');
  const [formError, setFormError] = React.useState<string | null>(null);
  const nextId = React.useRef(1);
  const { view, run, stop } = useRun();
  const running = isActive(view);
  const waitSeconds = useRetryWait(liveId !== null ? view.requestError : null);
  const useRag = ragChoice ?? ragByDefault(collections);
  const messageRef = React.useRef<HTMLTextAreaElement>(null);

  // A collection that is gone (deleted in another tab) falls back to all of them.
  React.useEffect(() => {
    if (collections.status === 'ready' && collection && !collections.items.some((c) => c.name === collection))
      setCollection('');
  }, [collections, collection]);

  useFollowAnswer(liveId !== null && running, view.text);

  const hasKeys = keys.status === 'ready' && keys.keys.length > 0;

  /** Turns with the answer that is streaming (or just finished) frozen in. */
  const settled = (): Turn[] =>
    turns.map((t) => (t.role === 'assistant' && t.id === liveId ? { ...t, run: view } : t));

  const send = () => {
    if (running || waitSeconds > 0 || keys.status !== 'ready') return;
    setFormError(null);
    const text = draft.trim();
    if (!text) {
      setFormError('Write a message to send.');
      messageRef.current?.focus();
      return;
    }
    if (draft.length > MAX_MESSAGE_CHARS) {
      setFormError(`A message can be at most ${MAX_MESSAGE_CHARS.toLocaleString('en-US')} characters.`);
      messageRef.current?.focus();
      return;
    }
    const settings = model.checkRun();
    if (!settings) return;
    const history = settled();
    const question: Question = { id: nextId.current++, role: 'user', content: draft };
    const reply: Reply = {
      id: nextId.current++,
      role: 'assistant',
      run: IDLE_RUN,
      sources: null,
      usedRag: useRag,
    };
    const messages = toMessages([...history, question]);
    setTurns([...history, question, reply]);
    setLiveId(reply.id);
    setDraft('');
    const input = {
      messages,
      ...settings,
      useRag,
      ...(useRag && collection ? { collection } : {}),
    };
    const onSources = (sources: RagSource[]) =>
      setTurns((ts) => ts.map((t) => (t.id === reply.id && t.role === 'assistant' ? { ...t, sources } : t)));
    void run((signal) => withSources(streamRagChat(input, signal), onSources));
    window.requestAnimationFrame(() =>
      document.getElementById(`chat-turn-${question.id}`)?.scrollIntoView({ block: 'start' }),
    );
  };

  const reset = () => {
    stop();
    setTurns([]);
    setLiveId(null);
    setFormError(null);
    messageRef.current?.focus();
  };

  useRunShortcuts(send, stop, running);

  return (
    <div className="grid items-start gap-6 lg:grid-cols-[minmax(0,1fr)_20rem] lg:gap-8">
      <aside aria-label="Chat settings" className="grid min-w-0 gap-6 lg:sticky lg:top-20 lg:order-last">
        <KnowledgeCard
          collections={collections}
          onRetry={reloadCollections}
          useRag={useRag}
          onUseRag={setRagChoice}
          collection={collection}
          onCollection={setCollection}
          disabled={running}
        />
        <ModelSettings
          settings={model}
          keys={keys}
          onRetry={reloadKeys}
          noKeys={{
            title: 'Add a provider key to chat',
            text: 'Chat uses your own API key for OpenAI, Anthropic, Google Gemini or an OpenAI-compatible server.',
          }}
          disabled={running}
          stacked
        />
      </aside>

      <section aria-labelledby="chat-conversation-heading" className="grid min-w-0 gap-4">
        <div className="flex flex-wrap items-center justify-between gap-3">
          <h2 id="chat-conversation-heading" className="font-semibold tracking-tight">
            Conversation
          </h2>
          {turns.length > 0 && (
            <Button variant="outline" size="sm" onClick={reset}>
              <MessageSquarePlus aria-hidden="true" /> New conversation
            </Button>
          )}
        </div>

        {turns.length === 0 ? (
          <div className="rounded-xl border border-dashed px-6 py-10 text-center text-sm text-muted-foreground">
            <p className="font-medium text-foreground">Ask anything</p>
            <p className="mx-auto mt-1 max-w-md">
              {useRag
                ? 'Answers draw on your knowledge base and cite the passages they use as numbered links; open Sources under an answer to check them.'
                : 'The knowledge base is off: answers come from the model alone.'}
            </p>
          </div>
        ) : (
          <ol className="grid gap-4" aria-label="Messages">
            {turns.map((turn) =>
              turn.role === 'user' ? (
                <li key={turn.id} id={`chat-turn-${turn.id}`} className="flex scroll-mt-24 justify-end">
                  <div
                    className="max-w-[85%] rounded-xl rounded-br-sm bg-primary/10 px-4 py-2.5 text-[15px] leading-7 break-words whitespace-pre-wrap"
                    data-testid="chat-question"
                  >
                    <span className="sr-only">You: </span>
                    {turn.content}
                  </div>
                </li>
              ) : (
                <li key={turn.id} id={`chat-turn-${turn.id}`} className="scroll-mt-24">
                  <Answer
                    id={turn.id}
                    view={turn.id === liveId ? view : turn.run}
                    sources={turn.sources}
                    usedRag={turn.usedRag}
                    waitSeconds={turn.id === liveId ? waitSeconds : 0}
                    onReloadKeys={reloadKeys}
                  />
                </li>
              ),
            )}
          </ol>
        )}

        <form
          onSubmit={(e) => {
            e.preventDefault();
            send();
          }}
          className="sticky bottom-0 z-10 -mx-4 grid gap-3 border-t bg-background/90 px-4 py-3 backdrop-blur supports-[backdrop-filter]:bg-background/75 sm:mx-0 sm:rounded-xl sm:border sm:px-4 sm:shadow-xs"
        >
          <Label htmlFor="chat-message" className="sr-only">
            Message
          </Label>
          <Textarea
            id="chat-message"
            ref={messageRef}
            value={draft}
            rows={2}
            aria-invalid={draft.length > MAX_MESSAGE_CHARS || undefined}
            aria-describedby={formError ? 'chat-form-error' : undefined}
            placeholder={useRag ? 'Ask about your documents…' : 'Ask something…'}
            onChange={(e) => setDraft(e.target.value)}
            className="max-h-64 min-h-16 font-sans text-[15px] md:text-sm"
          />
          <div className="flex flex-wrap items-center gap-x-4 gap-y-2">
            <RunControls
              running={running}
              onStop={stop}
              disabled={!hasKeys}
              waitSeconds={waitSeconds}
              label="Send"
              icon={Send}
              hint="sends from anywhere on the page"
            />
          </div>
          {formError && (
            <p id="chat-form-error" role="alert" className="text-sm font-medium text-destructive">
              {formError}
            </p>
          )}
        </form>
        <p role="status" className="sr-only">
          {liveId !== null ? announcement(view) : ''}
        </p>
      </section>
    </div>
  );
}

function announcement(view: RunView): string {
  switch (view.phase) {
    case 'connecting':
      return 'Answering…';
    case 'done':
      return 'Answer complete.';
    case 'stopped':
      return 'Stopped.';
    case 'failed':
      return `The answer failed. ${errorText(view.failure?.code ?? view.requestError?.code)?.title ?? ''}`;
    default:
      return '';
  }
}

/**
 * Keeps the end of the streaming answer in view while the reader is at the bottom of the page;
 * scrolling up stops that until the next answer.
 */
function useFollowAnswer(active: boolean, text: string) {
  const atBottom = React.useRef(true);
  React.useEffect(() => {
    const onScroll = () => {
      const el = document.documentElement;
      atBottom.current = window.innerHeight + window.scrollY >= el.scrollHeight - 96;
    };
    window.addEventListener('scroll', onScroll, { passive: true });
    return () => window.removeEventListener('scroll', onScroll);
  }, []);
  React.useLayoutEffect(() => {
    if (!active || !text || !atBottom.current) return;
    window.scrollTo({ top: document.documentElement.scrollHeight });
  }, [active, text]);
}

function KnowledgeCard({
  collections,
  onRetry,
  useRag,
  onUseRag,
  collection,
  onCollection,
  disabled,
}: {
  collections: CollectionsState;
  onRetry: () => void;
  useRag: boolean;
  onUseRag: (on: boolean) => void;
  collection: string;
  onCollection: (name: string) => void;
  disabled: boolean;
}) {
  const items = collections.status === 'ready' ? collections.items : [];
  const documents = items.reduce((sum, c) => sum + c.documents, 0);
  return (
    <SettingsPanel
      id="chat-kb-heading"
      title="Knowledge base"
      link={
        <PanelLink href="/kb" icon={BookOpen}>
          Documents
        </PanelLink>
      }
      className="gap-4"
    >
      <div className="flex items-start justify-between gap-3">
        <div className="grid gap-1">
          <Label htmlFor="chat-use-kb">Use knowledge base</Label>
          <p id="chat-use-kb-hint" className="text-xs leading-relaxed text-muted-foreground">
            Retrieve passages for each question; the answer cites them.
          </p>
        </div>
        <Switch
          id="chat-use-kb"
          checked={useRag}
          onCheckedChange={onUseRag}
          disabled={disabled}
          aria-describedby="chat-use-kb-hint"
        />
      </div>
      {collections.status === 'loading' ? (
        <Skeleton className="h-14" />
      ) : collections.status === 'error' ? (
        <ErrorAlert title="Couldn’t load your collections" error={collections.error} onRetry={onRetry} />
      ) : (
        <div className="grid gap-2">
          <Label htmlFor="chat-collection">Collection</Label>
          <NativeSelect
            id="chat-collection"
            value={collection}
            disabled={disabled || !useRag}
            onChange={(e) => onCollection(e.target.value)}
          >
            <option value="">All collections</option>
            {items.map((c) => (
              <option key={c.name} value={c.name}>
                {c.name}
                {c.shared ? ' (shared)' : ''} — {pluralize(c.documents, 'document')}
              </option>
            ))}
          </NativeSelect>
          <p className="text-xs leading-relaxed text-muted-foreground">
            {documents === 0 ? (
              <>
                Nothing to search yet.{' '}
                <Link href="/kb" className="font-medium text-primary underline-offset-4 hover:underline">
                  Add documents
                </Link>
                .
              </>
            ) : (
              `${pluralize(documents, 'document')} you can search.`
            )}
          </p>
        </div>
      )}
    </SettingsPanel>
  );
}

export function ChatSkeleton() {
  return (
    <div aria-busy="true" aria-label="Loading" className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_20rem]">
      <Skeleton className="h-96 rounded-xl" />
      <div className="grid content-start gap-6">
        <Skeleton className="h-48 rounded-xl" />
        <Skeleton className="h-72 rounded-xl" />
      </div>
    </div>
  );
}
