'use client';

import * as React from 'react';
import { Plus, X } from 'lucide-react';
import { Button } from '@/components/ui/button';
import { Skeleton } from '@/components/ui/skeleton';
import { Textarea } from '@/components/ui/textarea';
import { FormField } from '@/components/form-field';
import { RequireSession } from '@/components/session/require-session';
import { isAbort, streamCompare, toApiError, type ApiError } from '@/lib/api';
import { MAX_MESSAGE_CHARS, MODEL_SUGGESTIONS } from '@/lib/ai';
import type { ChatMessage, CompareEvent, Provider, ProviderKey } from '@/lib/types';
import { cn } from '@/lib/utils';
import { KeysLoadError, NoKeysAlert, ProviderKeysLink, useRunOptions } from './model-settings';
import { RunControls } from './run-controls';
import { OptionsFields, TargetFields, toRunTarget, type TargetValue } from './run-fields';
import { RequestError, RunOutput, useRetryWait } from './run-output';
import {
  IDLE_RUN,
  isActive,
  runReducer,
  useRecordedAfterStop,
  type RunAction,
  type RunView,
} from './run-state';
import { useRunShortcuts } from './shortcuts';
import { initialProvider, keyedProviders, useProviderKeys } from './use-provider-keys';

const MIN_COLUMNS = 2;
const MAX_COLUMNS = 4;

export function ComparePage() {
  return (
    <RequireSession what="compare" fallback={<CompareSkeleton />}>
      {() => <Compare />}
    </RequireSession>
  );
}

interface Column {
  id: number;
  target: TargetValue;
}

interface CompareState {
  running: boolean;
  compareId: string | null;
  /** The API refused the whole compare before streaming (quota, rate limit, validation). */
  requestError: ApiError | null;
  columns: RunView[];
}

type CompareAction =
  | { type: 'begin'; columns: number; at: number }
  | { type: 'event'; event: CompareEvent }
  | { type: 'error'; error: ApiError }
  | { type: 'stopped' }
  | { type: 'ended' }
  | { type: 'reset'; columns: number }
  | { type: 'column'; column: number; action: RunAction };

const INITIAL: CompareState = { running: false, compareId: null, requestError: null, columns: [] };

function compareReducer(state: CompareState, action: CompareAction): CompareState {
  const all = (a: RunAction) => state.columns.map((c) => runReducer(c, a));
  switch (action.type) {
    case 'begin':
      return {
        running: true,
        compareId: null,
        requestError: null,
        columns: Array.from({ length: action.columns }, () =>
          runReducer(IDLE_RUN, { type: 'begin', at: action.at }),
        ),
      };
    case 'event': {
      const e = action.event;
      if (e.type === 'compare') return { ...state, compareId: e.compareId };
      if (e.type === 'end') return { ...state, running: false, columns: all({ type: 'ended' }) };
      const { column, ...event } = e;
      if (!state.columns[column]) return state;
      return {
        ...state,
        columns: state.columns.map((c, i) => (i === column ? runReducer(c, { type: 'event', event }) : c)),
      };
    }
    case 'error':
      // Refused before the stream started: nothing ran.
      if (state.compareId === null) {
        return {
          ...state,
          running: false,
          requestError: action.error,
          columns: state.columns.map(() => IDLE_RUN),
        };
      }
      return { ...state, running: false, columns: all({ type: 'error', error: action.error }) };
    case 'stopped':
      return { ...state, running: false, columns: all({ type: 'stopped' }) };
    case 'ended':
      return { ...state, running: false, columns: all({ type: 'ended' }) };
    case 'reset':
      return { ...INITIAL, columns: Array.from({ length: action.columns }, () => IDLE_RUN) };
    case 'column':
      return {
        ...state,
        columns: state.columns.map((c, i) => (i === action.column ? runReducer(c, action.action) : c)),
      };
  }
}

/** Two starting columns: two providers you have keys for, or two models of your one provider. */
function startingColumns(keys: ProviderKey[], defaultProvider: Provider | null): TargetValue[] {
  const first = initialProvider(keys, defaultProvider) ?? 'openai';
  const other = keyedProviders(keys).find((p) => p !== first);
  if (other) {
    return [
      { provider: first, keyId: '', model: '' },
      { provider: other, keyId: '', model: '' },
    ];
  }
  const models = MODEL_SUGGESTIONS[first];
  return [
    { provider: first, keyId: '', model: models[0] ?? '' },
    { provider: first, keyId: '', model: models[1] ?? '' },
  ];
}

function Compare() {
  const { state: keys, reload } = useProviderKeys();
  const [system, setSystem] = React.useState('');
  const [message, setMessage] = React.useState('');
  const [messageError, setMessageError] = React.useState<string | undefined>();
  const { options, setOptions, maxTokensError, check: checkOptions } = useRunOptions('cmp');
  const [columns, setColumns] = React.useState<Column[]>([]);
  const nextId = React.useRef(0);
  const [state, dispatch] = React.useReducer(compareReducer, INITIAL);
  const controllerRef = React.useRef<AbortController | null>(null);
  const waitSeconds = useRetryWait(state.requestError);
  const running = state.running;

  React.useEffect(() => () => controllerRef.current?.abort(), []);

  React.useEffect(() => {
    if (keys.status !== 'ready') return;
    setColumns((cols) => {
      if (cols.length > 0) return cols;
      return startingColumns(keys.keys, keys.defaultProvider).map((target) => ({
        id: nextId.current++,
        target,
      }));
    });
  }, [keys]);

  const changeColumns = (next: Column[]) => {
    setColumns(next);
    if (next.length !== columns.length) dispatch({ type: 'reset', columns: next.length });
  };

  const stop = () => controllerRef.current?.abort();

  const start = async () => {
    if (running || waitSeconds > 0 || keys.status !== 'ready' || columns.length < MIN_COLUMNS) return;
    const content = message.trim();
    const msgError = !content
      ? 'Write the prompt to compare.'
      : message.length > MAX_MESSAGE_CHARS
        ? `At most ${MAX_MESSAGE_CHARS.toLocaleString('en-US')} characters.`
        : undefined;
    setMessageError(msgError);
    // Both are checked; focus goes to the first that is wrong.
    const runOptions = checkOptions(undefined, { focus: !msgError });
    if (msgError) {
      document.getElementById('cmp-message')?.focus();
      return;
    }
    if (!runOptions) return;
    const messages: ChatMessage[] = [
      ...(system.trim() ? [{ role: 'system' as const, content: system }] : []),
      { role: 'user', content: message },
    ];
    const targets = columns.map((c) => {
      const provider = c.target.provider ?? 'openai';
      const target = toRunTarget({ ...c.target, provider }, keys.keys);
      // Anthropic takes temperatures up to 1: per-column options would split the comparison, so clamp.
      return { ...target, provider };
    });
    const temperature = columns.some((c) => c.target.provider === 'anthropic')
      ? Math.min(runOptions.temperature ?? 1, 1)
      : runOptions.temperature;

    controllerRef.current?.abort();
    const controller = new AbortController();
    controllerRef.current = controller;
    dispatch({ type: 'begin', columns: columns.length, at: performance.now() });
    try {
      for await (const event of streamCompare(
        { messages, targets, options: { ...runOptions, temperature } },
        controller.signal,
      )) {
        if (controllerRef.current !== controller) return;
        if (event.type !== 'heartbeat') dispatch({ type: 'event', event });
      }
      if (controllerRef.current === controller) dispatch({ type: 'ended' });
    } catch (err) {
      if (controllerRef.current !== controller) return;
      if (isAbort(err) || controller.signal.aborted) dispatch({ type: 'stopped' });
      else dispatch({ type: 'error', error: toApiError(err) });
    } finally {
      if (controllerRef.current === controller) controllerRef.current = null;
    }
  };

  useRunShortcuts(() => void start(), stop, running);

  const hasKeys = keys.status === 'ready' && keys.keys.length > 0;
  const anthropicColumn = columns.some((c) => c.target.provider === 'anthropic');

  return (
    <div className="grid gap-6">
      <div className="grid items-start gap-6 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
        <section
          aria-labelledby="cmp-prompt-heading"
          className="grid gap-4 rounded-xl border bg-card p-5 shadow-xs"
        >
          <h2 id="cmp-prompt-heading" className="font-semibold tracking-tight">
            Prompt
          </h2>
          <FormField id="cmp-system" label="System prompt" optional>
            {(a11y) => (
              <Textarea
                {...a11y}
                value={system}
                rows={2}
                disabled={running}
                placeholder="You are a senior engineer who answers concisely."
                onChange={(e) => setSystem(e.target.value)}
                className="min-h-16"
              />
            )}
          </FormField>
          <FormField
            id="cmp-message"
            label="Message"
            hint="Every column gets exactly this, so the answers are comparable."
            error={messageError}
          >
            {(a11y) => (
              <Textarea
                {...a11y}
                value={message}
                rows={5}
                disabled={running}
                placeholder="Explain the trade-offs of optimistic vs pessimistic locking in three bullet points."
                onChange={(e) => {
                  setMessage(e.target.value);
                  setMessageError(undefined);
                }}
                className="max-h-[28rem]"
              />
            )}
          </FormField>
        </section>

        <section
          aria-labelledby="cmp-options-heading"
          className="grid gap-4 rounded-xl border bg-card p-5 shadow-xs"
        >
          <div className="flex flex-wrap items-center justify-between gap-2">
            <h2 id="cmp-options-heading" className="font-semibold tracking-tight">
              Options
            </h2>
            <ProviderKeysLink />
          </div>
          <OptionsFields
            idPrefix="cmp"
            value={options}
            onChange={setOptions}
            provider={anthropicColumn ? 'anthropic' : undefined}
            maxTokensError={maxTokensError}
            disabled={running}
            stacked
          />
          <p className="text-xs text-muted-foreground">The same options apply to every column.</p>
        </section>
      </div>

      {keys.status === 'error' && <KeysLoadError error={keys.error} onRetry={reload} />}
      {keys.status === 'ready' && keys.keys.length === 0 && (
        <NoKeysAlert title="Add a provider key to compare models">
          Each column runs on your own key for its provider.
        </NoKeysAlert>
      )}

      <div className="flex flex-wrap items-center gap-x-4 gap-y-2 rounded-xl border bg-card px-4 py-3 shadow-xs">
        <RunControls
          running={running}
          onStop={stop}
          onRun={() => void start()}
          disabled={!hasKeys}
          waitSeconds={waitSeconds}
          label="Run all"
          stopLabel="Stop all"
        />
        <Button
          variant="outline"
          size="sm"
          className="ml-auto"
          disabled={running || columns.length >= MAX_COLUMNS || keys.status !== 'ready'}
          onClick={() => {
            const last = columns.at(-1)?.target ?? { provider: 'openai' as const, keyId: '', model: '' };
            changeColumns([...columns, { id: nextId.current++, target: { ...last } }]);
          }}
        >
          <Plus aria-hidden="true" /> Add column
          <span className="sr-only">
            {' '}
            ({columns.length} of {MAX_COLUMNS})
          </span>
        </Button>
      </div>

      {state.requestError && (
        <RequestError error={state.requestError} waitSeconds={waitSeconds} onReloadKeys={reload} />
      )}

      <section aria-labelledby="cmp-results-heading">
        <h2 id="cmp-results-heading" className="sr-only">
          Columns
        </h2>
        {keys.status === 'loading' || columns.length === 0 ? (
          <div aria-busy="true" aria-label="Loading" className="grid gap-4 md:grid-cols-2">
            <Skeleton className="h-80 rounded-xl" />
            <Skeleton className="h-80 rounded-xl" />
          </div>
        ) : (
          <ol
            className={cn(
              'grid gap-4 md:grid-cols-2',
              columns.length === 3 && 'xl:grid-cols-3',
              columns.length === 4 && 'xl:grid-cols-4',
            )}
          >
            {columns.map((column, i) => (
              <li key={column.id} className="min-w-0">
                <CompareColumn
                  index={i}
                  column={column}
                  view={state.columns[i] ?? IDLE_RUN}
                  keys={keys.status === 'ready' ? keys.keys : []}
                  running={running}
                  canRemove={columns.length > MIN_COLUMNS}
                  onChange={(target) =>
                    changeColumns(columns.map((c) => (c.id === column.id ? { ...c, target } : c)))
                  }
                  onRemove={() => changeColumns(columns.filter((c) => c.id !== column.id))}
                  dispatch={dispatch}
                />
              </li>
            ))}
          </ol>
        )}
      </section>
    </div>
  );
}

function CompareColumn({
  index,
  column,
  view,
  keys,
  running,
  canRemove,
  onChange,
  onRemove,
  dispatch,
}: {
  index: number;
  column: Column;
  view: RunView;
  keys: ProviderKey[];
  running: boolean;
  canRemove: boolean;
  onChange: (target: TargetValue) => void;
  onRemove: () => void;
  dispatch: React.Dispatch<CompareAction>;
}) {
  const columnDispatch = React.useCallback(
    (action: RunAction) => dispatch({ type: 'column', column: index, action }),
    [dispatch, index],
  );
  useRecordedAfterStop(view, columnDispatch);
  return (
    <RunOutput
      view={view}
      title={`Column ${index + 1}`}
      headingLevel={3}
      compact
      testId={`compare-column-${index + 1}`}
      className="h-full"
      idle="The answer appears here."
      actions={
        canRemove && (
          <Button
            variant="ghost"
            size="icon"
            className="size-8"
            onClick={onRemove}
            disabled={running}
            aria-label={`Remove column ${index + 1}`}
            title="Remove this column"
          >
            <X aria-hidden="true" />
          </Button>
        )
      }
    >
      <TargetFields
        idPrefix={`cmp-${column.id}`}
        keys={keys}
        value={column.target}
        onChange={onChange}
        providers="all"
        disabled={running || isActive(view)}
        stacked
      />
    </RunOutput>
  );
}

export function CompareSkeleton() {
  return (
    <div aria-busy="true" aria-label="Loading" className="grid gap-6">
      <div className="grid gap-6 lg:grid-cols-[3fr_2fr]">
        <Skeleton className="h-64 rounded-xl" />
        <Skeleton className="h-64 rounded-xl" />
      </div>
      <div className="grid gap-4 md:grid-cols-2">
        <Skeleton className="h-80 rounded-xl" />
        <Skeleton className="h-80 rounded-xl" />
      </div>
    </div>
  );
}
