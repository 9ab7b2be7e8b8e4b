'use client';

import * as React from 'react';
import Link from 'next/link';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { ArrowUpRight, Plus, Search, X } from 'lucide-react';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { NativeSelect } from '@/components/ui/native-select';
import { Skeleton } from '@/components/ui/skeleton';
import { Textarea } from '@/components/ui/textarea';
import { FormField } from '@/components/form-field';
import { DifficultyBadge } from '@/components/difficulty-badge';
import { initialValues, PromptWorkbench } from '@/components/prompt/workbench';
import { RequireSession } from '@/components/session/require-session';
import { ErrorAlert } from '@/components/status';
import {
  type ApiError,
  getPrompt,
  isAbort,
  listPrompts,
  streamChat,
  streamPromptRun,
  toApiError,
} from '@/lib/api';
import { MAX_MESSAGE_CHARS, MAX_MESSAGES } from '@/lib/ai';
import { takeCarriedValues } from '@/lib/handoff';
import {
  promptHref,
  type ChatMessage,
  type Labels,
  type PromptDetail,
  type PromptSummary,
} from '@/lib/types';
import { cn, humanize, labelFromId, pluralize } from '@/lib/utils';
import { ModelSettings, useModelSettings } from './model-settings';
import { RunControls } from './run-controls';
import { RunOutput, useRetryWait } from './run-output';
import { isActive, useRun } from './run-state';
import { RunShortcut, useRunShortcuts } from './shortcuts';
import { useProviderKeys } from './use-provider-keys';

type Mode = 'prompt' | 'text';

export function WorkbenchPage({ labels }: { labels: Labels }) {
  return (
    <RequireSession what="the workbench" fallback={<WorkbenchSkeleton />}>
      {() => <Workbench labels={labels} />}
    </RequireSession>
  );
}

interface Turn {
  id: number;
  role: 'user' | 'assistant';
  content: string;
}

type PromptState =
  | { status: 'none' }
  | { status: 'loading'; slug: string }
  | { status: 'error'; slug: string; error: ApiError }
  | { status: 'ready'; slug: string; prompt: PromptDetail };

function Workbench({ labels }: { labels: Labels }) {
  const router = useRouter();
  const pathname = usePathname() ?? '/workbench';
  const slug = useSearchParams()?.get('prompt') ?? '';
  const { state: keys, reload: reloadKeys } = useProviderKeys();
  const model = useModelSettings(keys, 'wb');
  const [mode, setMode] = React.useState<Mode>(slug ? 'prompt' : 'text');
  const [system, setSystem] = React.useState('');
  const [turns, setTurns] = React.useState<Turn[]>([{ id: 0, role: 'user', content: '' }]);
  const nextTurnId = React.useRef(1);
  const [prompt, setPrompt] = React.useState<PromptState>({ status: 'none' });
  const [values, setValues] = React.useState<Record<string, string>>({});
  const [formError, setFormError] = React.useState<string | null>(null);
  const { view, run, stop } = useRun();
  const running = isActive(view);
  const waitSeconds = useRetryWait(view.requestError);
  const outputRef = React.useRef<HTMLDivElement>(null);

  // A ?prompt= link (from a prompt page) opens that prompt, with the values carried from there.
  React.useEffect(() => {
    if (!slug) {
      setPrompt({ status: 'none' });
      return;
    }
    setMode('prompt');
    const controller = new AbortController();
    setPrompt({ status: 'loading', slug });
    getPrompt(slug, controller.signal)
      .then((p) => {
        const carried = takeCarriedValues(p.slug) ?? {};
        const declared = new Set(p.variables.map((v) => v.name));
        setValues({
          ...initialValues(p.variables),
          ...Object.fromEntries(Object.entries(carried).filter(([k]) => declared.has(k))),
        });
        setPrompt({ status: 'ready', slug, prompt: p });
      })
      .catch((err: unknown) => {
        if (!isAbort(err)) setPrompt({ status: 'error', slug, error: toApiError(err) });
      });
    return () => controller.abort();
  }, [slug]);

  const hasKeys = keys.status === 'ready' && keys.keys.length > 0;

  const choosePrompt = (next: string | null) => {
    setFormError(null);
    router.push(next ? `${pathname}?prompt=${encodeURIComponent(next)}` : pathname, { scroll: false });
  };

  const revealOutput = () => {
    const el = outputRef.current;
    if (!el) return;
    const rect = el.getBoundingClientRect();
    // On phones the output sits under the form: bring it up unless most of it is already in view.
    if (rect.top > window.innerHeight * 0.45 || rect.bottom < 0) {
      const reduce = window.matchMedia('(prefers-reduced-motion: reduce)').matches;
      // The window only: scrollIntoView would also scroll the output's own box, and its
      // follow-the-text scrolling cancels a smooth scrollIntoView halfway.
      window.scrollTo({ top: window.scrollY + rect.top - 80, behavior: reduce ? 'auto' : 'smooth' });
    }
  };

  const start = () => {
    if (running || waitSeconds > 0 || keys.status !== 'ready') return;
    setFormError(null);
    const settings = model.checkRun();
    if (!settings) return;
    if (mode === 'text') {
      const messages = buildMessages(system, turns);
      if (typeof messages === 'string') {
        setFormError(messages);
        const empty = turns.find((t) => t.role === 'user' && !t.content.trim()) ?? turns[0];
        if (empty) document.getElementById(`wb-turn-${empty.id}`)?.focus();
        return;
      }
      void run((signal) => streamChat({ messages, ...settings }, signal));
    } else {
      if (prompt.status !== 'ready') {
        setFormError('Choose a prompt from the library first.');
        document.getElementById('wb-prompt-search')?.focus();
        return;
      }
      const missing = prompt.prompt.variables.filter((v) => v.required && !(values[v.name] ?? '').trim());
      if (missing.length > 0) {
        setFormError(`Fill in ${missing.map((v) => humanize(v.name)).join(', ')} first.`);
        document.getElementById(`wb-var-${missing[0]!.name}`)?.focus();
        return;
      }
      const variables = Object.fromEntries(
        prompt.prompt.variables.map((v) => [v.name, values[v.name] ?? '']),
      );
      const s = prompt.prompt.slug;
      void run((signal) => streamPromptRun(s, { variables, ...settings }, signal));
    }
    window.requestAnimationFrame(revealOutput);
  };

  useRunShortcuts(start, stop, running);

  return (
    <div className="grid items-start gap-6 lg:grid-cols-[minmax(0,1fr)_minmax(0,1fr)] lg:gap-8">
      <div className="grid min-w-0 gap-6">
        <ModelSettings
          settings={model}
          keys={keys}
          onRetry={reloadKeys}
          noKeys={{
            title: 'Add a provider key to run prompts',
            text: 'Runs use your own API key for OpenAI, Anthropic, Google Gemini or an OpenAI-compatible server such as Ollama. It is stored encrypted and never shown again.',
          }}
          disabled={running}
        />

        <section aria-labelledby="wb-input-heading" className="grid gap-4">
          <div className="flex flex-wrap items-center justify-between gap-3">
            <h2 id="wb-input-heading" className="font-semibold tracking-tight">
              Input
            </h2>
            <ModeSwitch mode={mode} onChange={setMode} disabled={running} />
          </div>
          {mode === 'text' ? (
            <MessagesEditor
              system={system}
              onSystem={setSystem}
              turns={turns}
              onTurns={setTurns}
              newId={() => nextTurnId.current++}
              disabled={running}
            />
          ) : prompt.status === 'none' ? (
            <PromptPicker onPick={(s) => choosePrompt(s)} />
          ) : prompt.status === 'loading' ? (
            <div aria-busy="true" aria-label="Loading prompt" className="grid gap-3">
              <Skeleton className="h-24 w-full rounded-xl" />
              <Skeleton className="h-64 w-full rounded-xl" />
            </div>
          ) : prompt.status === 'error' ? (
            <ErrorAlert
              title={prompt.error.status === 404 ? 'Prompt not found' : 'Couldn’t load this prompt'}
              error={prompt.error}
            >
              <Button size="sm" variant="outline" onClick={() => choosePrompt(null)}>
                <Search aria-hidden="true" /> Choose another prompt
              </Button>
            </ErrorAlert>
          ) : (
            <div className="grid gap-4">
              <ChosenPrompt
                prompt={prompt.prompt}
                category={labels.categories[prompt.prompt.category] ?? labelFromId(prompt.prompt.category)}
                onChange={() => choosePrompt(null)}
                disabled={running}
              />
              <PromptWorkbench
                key={prompt.prompt.slug}
                template={prompt.prompt.template}
                variables={prompt.prompt.variables}
                idPrefix="wb-var"
                values={values}
                onValuesChange={setValues}
                layout="stacked"
              />
            </div>
          )}
        </section>

        <div className="sticky bottom-0 z-10 -mx-4 border-t bg-background/90 px-4 py-3 backdrop-blur supports-[backdrop-filter]:bg-background/75 sm:mx-0 sm:rounded-xl sm:border sm:px-4 sm:shadow-xs">
          <div className="flex flex-wrap items-center gap-x-4 gap-y-2">
            <RunControls
              running={running}
              onStop={stop}
              onRun={start}
              disabled={!hasKeys}
              waitSeconds={waitSeconds}
              describedBy={formError ? 'wb-form-error' : undefined}
            />
          </div>
          {formError && (
            <p id="wb-form-error" role="alert" className="mt-2 text-sm font-medium text-destructive">
              {formError}
            </p>
          )}
        </div>
      </div>

      <div ref={outputRef} className="min-w-0 lg:sticky lg:top-20">
        <RunOutput
          view={view}
          waitSeconds={waitSeconds}
          onReloadKeys={reloadKeys}
          // Phones: room to scroll the answer up under the header as soon as a run starts.
          className={cn(
            view.phase !== 'idle' && 'max-lg:min-h-[calc(100dvh-6rem)]',
            'lg:max-h-[calc(100dvh-6rem)]',
          )}
          idle={
            <p>
              The answer streams in here. Press <span className="font-medium text-foreground">Run</span> or{' '}
              <RunShortcut />.
            </p>
          }
        />
      </div>
    </div>
  );
}

/** The messages to send, or what is wrong with them. */
function buildMessages(system: string, turns: Turn[]): ChatMessage[] | string {
  const filled = turns.filter((t) => t.content.trim());
  if (!filled.some((t) => t.role === 'user')) return 'Write a message to send.';
  const messages: ChatMessage[] = [
    ...(system.trim() ? [{ role: 'system' as const, content: system }] : []),
    ...filled.map((t) => ({ role: t.role, content: t.content })),
  ];
  if (messages.length > MAX_MESSAGES) return `Send at most ${MAX_MESSAGES} messages.`;
  const long = messages.findIndex((m) => m.content.length > MAX_MESSAGE_CHARS);
  if (long !== -1) {
    return `Each message can be at most ${MAX_MESSAGE_CHARS.toLocaleString('en-US')} characters.`;
  }
  return messages;
}

function ModeSwitch({
  mode,
  onChange,
  disabled,
}: {
  mode: Mode;
  onChange: (mode: Mode) => void;
  disabled: boolean;
}) {
  return (
    <fieldset className="min-w-0" disabled={disabled}>
      <legend className="sr-only">What to run</legend>
      <div className="inline-flex rounded-lg border bg-muted/50 p-0.5">
        {(
          [
            ['text', 'Free text'],
            ['prompt', 'Library prompt'],
          ] as const
        ).map(([value, label]) => (
          <label
            key={value}
            className={cn(
              'cursor-pointer rounded-md px-3 py-1.5 text-sm font-medium text-muted-foreground transition-colors hover:text-foreground has-[input:disabled]:cursor-not-allowed has-[input:focus-visible]:outline-2 has-[input:focus-visible]:outline-offset-2 has-[input:focus-visible]:outline-ring',
              mode === value && 'bg-background text-foreground shadow-xs dark:bg-input/40',
            )}
          >
            <input
              type="radio"
              name="wb-mode"
              value={value}
              checked={mode === value}
              onChange={() => onChange(value)}
              className="sr-only"
            />
            {label}
          </label>
        ))}
      </div>
    </fieldset>
  );
}

function MessagesEditor({
  system,
  onSystem,
  turns,
  onTurns,
  newId,
  disabled,
}: {
  system: string;
  onSystem: (s: string) => void;
  turns: Turn[];
  onTurns: (t: Turn[]) => void;
  newId: () => number;
  disabled: boolean;
}) {
  const update = (id: number, patch: Partial<Turn>) =>
    onTurns(turns.map((t) => (t.id === id ? { ...t, ...patch } : t)));
  const add = () => {
    const last = turns.at(-1);
    const turn: Turn = { id: newId(), role: last?.role === 'user' ? 'assistant' : 'user', content: '' };
    onTurns([...turns, turn]);
    window.requestAnimationFrame(() => document.getElementById(`wb-turn-${turn.id}`)?.focus());
  };
  const remove = (id: number) => {
    const index = turns.findIndex((t) => t.id === id);
    const rest = turns.filter((t) => t.id !== id);
    onTurns(rest);
    const focus = rest[Math.max(0, index - 1)];
    window.requestAnimationFrame(() =>
      document.getElementById(focus ? `wb-turn-${focus.id}` : 'wb-system')?.focus(),
    );
  };
  return (
    <div className="grid gap-4 rounded-xl border bg-card p-5 shadow-xs">
      <FormField
        id="wb-system"
        label="System prompt"
        optional
        hint="Instructions the model follows for the whole conversation: a role, a tone, rules."
      >
        {(a11y) => (
          <Textarea
            {...a11y}
            value={system}
            rows={3}
            disabled={disabled}
            placeholder="You are a senior engineer who answers concisely."
            onChange={(e) => onSystem(e.target.value)}
            className="min-h-20"
          />
        )}
      </FormField>
      <ol className="grid gap-4" aria-label="Messages">
        {turns.map((turn, i) => {
          const id = `wb-turn-${turn.id}`;
          const over = turn.content.length > MAX_MESSAGE_CHARS;
          return (
            <li key={turn.id} className="grid gap-2">
              <div className="flex items-center justify-between gap-2">
                <div className="flex items-center gap-2">
                  <Label htmlFor={id}>{turns.length === 1 ? 'Message' : `Message ${i + 1}`}</Label>
                  <NativeSelect
                    aria-label={`Role of message ${i + 1}`}
                    value={turn.role}
                    disabled={disabled}
                    onChange={(e) => update(turn.id, { role: e.target.value as Turn['role'] })}
                    className="w-32 [&_select]:h-7 [&_select]:text-xs"
                  >
                    <option value="user">User</option>
                    <option value="assistant">Assistant</option>
                  </NativeSelect>
                </div>
                {turns.length > 1 && (
                  <Button
                    variant="ghost"
                    size="sm"
                    onClick={() => remove(turn.id)}
                    disabled={disabled}
                    aria-label={`Remove message ${i + 1}`}
                    title="Remove this message"
                  >
                    <X aria-hidden="true" />
                  </Button>
                )}
              </div>
              <Textarea
                id={id}
                value={turn.content}
                rows={turn.role === 'user' && i === 0 ? 6 : 3}
                disabled={disabled}
                aria-invalid={over || undefined}
                aria-describedby={over ? `${id}-count` : undefined}
                placeholder={
                  turn.role === 'user'
                    ? 'Ask something, or paste code, a log or a draft to work on.'
                    : 'An earlier answer of the model, to continue from.'
                }
                onChange={(e) => update(turn.id, { content: e.target.value })}
                className="max-h-[32rem]"
              />
              {turn.content.length > MAX_MESSAGE_CHARS * 0.9 && (
                <p
                  id={`${id}-count`}
                  className={cn(
                    'text-xs tabular-nums',
                    over ? 'font-medium text-destructive' : 'text-muted-foreground',
                  )}
                >
                  {turn.content.length.toLocaleString('en-US')} / {MAX_MESSAGE_CHARS.toLocaleString('en-US')}{' '}
                  characters
                </p>
              )}
            </li>
          );
        })}
      </ol>
      {turns.length < MAX_MESSAGES - 1 && (
        <div>
          <Button variant="outline" size="sm" onClick={add} disabled={disabled}>
            <Plus aria-hidden="true" /> Add message
          </Button>
        </div>
      )}
    </div>
  );
}

const SEARCH_DEBOUNCE_MS = 250;

/** Search the library (built-in, public and your own prompts) and pick one to run. */
function PromptPicker({ onPick }: { onPick: (slug: string) => void }) {
  const [q, setQ] = React.useState('');
  const [query, setQuery] = React.useState('');
  const [attempt, setAttempt] = React.useState(0);
  const [state, setState] = React.useState<
    | { status: 'loading' }
    | { status: 'ready'; items: PromptSummary[]; total: number }
    | { status: 'error'; error: ApiError }
  >({ status: 'loading' });
  const listRef = React.useRef<HTMLUListElement>(null);

  React.useEffect(() => {
    const timer = window.setTimeout(() => setQuery(q.trim()), SEARCH_DEBOUNCE_MS);
    return () => window.clearTimeout(timer);
  }, [q]);

  React.useEffect(() => {
    const controller = new AbortController();
    setState((s) => (s.status === 'ready' ? s : { status: 'loading' }));
    listPrompts({ q: query, limit: 8 }, controller.signal)
      .then((page) => setState({ status: 'ready', items: page.items, total: page.total }))
      .catch((err: unknown) => {
        if (!isAbort(err)) setState({ status: 'error', error: toApiError(err) });
      });
    return () => controller.abort();
  }, [query, attempt]);

  const buttons = () => Array.from(listRef.current?.querySelectorAll<HTMLButtonElement>('button') ?? []);
  const onListKey = (e: React.KeyboardEvent) => {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    const all = buttons();
    const index = all.indexOf(document.activeElement as HTMLButtonElement);
    e.preventDefault();
    if (e.key === 'ArrowUp' && index <= 0) document.getElementById('wb-prompt-search')?.focus();
    else all[Math.min(all.length - 1, index + (e.key === 'ArrowDown' ? 1 : -1))]?.focus();
  };

  return (
    <div className="grid gap-4 rounded-xl border bg-card p-5 shadow-xs">
      <div role="search" className="grid gap-2">
        <Label htmlFor="wb-prompt-search">Search the library</Label>
        <div className="relative">
          <Search
            className="pointer-events-none absolute top-1/2 left-3 size-4 -translate-y-1/2 text-muted-foreground"
            aria-hidden="true"
          />
          <Input
            id="wb-prompt-search"
            type="search"
            value={q}
            autoComplete="off"
            placeholder="code review, incident, test plan…"
            aria-controls="wb-prompt-results"
            onChange={(e) => setQ(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'ArrowDown') {
                e.preventDefault();
                buttons()[0]?.focus();
              }
            }}
            className="pl-9"
          />
        </div>
      </div>
      <div aria-live="polite" className="sr-only">
        {state.status === 'ready' ? `${pluralize(state.total, 'prompt')} found` : ''}
      </div>
      {state.status === 'loading' ? (
        <div aria-busy="true" aria-label="Loading prompts" className="grid gap-2">
          {Array.from({ length: 4 }, (_, i) => (
            <Skeleton key={i} className="h-16 w-full" />
          ))}
        </div>
      ) : state.status === 'error' ? (
        <ErrorAlert
          title="Couldn’t search the library"
          error={state.error}
          onRetry={() => setAttempt((n) => n + 1)}
        />
      ) : state.items.length === 0 ? (
        <p className="rounded-lg border border-dashed px-4 py-6 text-center text-sm text-muted-foreground">
          No prompts match “{query}”. Try other words, or switch to free text.
        </p>
      ) : (
        <ul
          id="wb-prompt-results"
          ref={listRef}
          aria-label="Prompts"
          className="grid gap-2"
          onKeyDown={onListKey}
        >
          {state.items.map((p) => (
            <li key={p.slug}>
              <button
                type="button"
                onClick={() => onPick(p.slug)}
                className="grid w-full gap-1 rounded-lg border px-4 py-3 text-left transition-colors hover:border-primary/40 hover:bg-muted/50"
              >
                <span className="font-medium">{p.title}</span>
                <span className="line-clamp-2 text-sm text-muted-foreground">{p.description}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function ChosenPrompt({
  prompt,
  category,
  onChange,
  disabled,
}: {
  prompt: PromptDetail;
  category: string;
  onChange: () => void;
  disabled: boolean;
}) {
  return (
    <div className="grid gap-2 rounded-xl border bg-card p-5 shadow-xs" data-testid="chosen-prompt">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <div className="flex flex-wrap items-center gap-1.5">
          <Badge variant="secondary">{category}</Badge>
          <DifficultyBadge level={prompt.difficulty} />
        </div>
        <Button variant="outline" size="sm" onClick={onChange} disabled={disabled}>
          <Search aria-hidden="true" /> Change prompt
        </Button>
      </div>
      <h3 className="leading-snug font-semibold tracking-tight">
        <Link href={promptHref(prompt)} className="rounded-sm hover:text-primary">
          {prompt.title}
          <ArrowUpRight className="ml-0.5 inline size-3.5 align-baseline" aria-hidden="true" />
        </Link>
      </h3>
      <p className="text-sm text-muted-foreground">{prompt.description}</p>
    </div>
  );
}

export function WorkbenchSkeleton() {
  return (
    <div aria-busy="true" aria-label="Loading" className="grid gap-6 lg:grid-cols-2">
      <div className="grid gap-6">
        <Skeleton className="h-64 rounded-xl" />
        <Skeleton className="h-72 rounded-xl" />
      </div>
      <Skeleton className="h-96 rounded-xl" />
    </div>
  );
}
