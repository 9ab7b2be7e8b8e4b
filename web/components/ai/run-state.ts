'use client';

import * as React from 'react';
import { getExecution, isAbort, toApiError, type ApiError, type StreamHeartbeat } from '@/lib/api';
import type { ExecutionSummary, Provider, RunEvent } from '@/lib/types';

export type RunPhase = 'idle' | 'connecting' | 'streaming' | 'done' | 'failed' | 'stopped';

/** A run that failed after it started (an `error` event, or the connection dropping). */
export interface StreamFailure {
  code: string;
  message: string;
  /** Some output arrived before the failure (and is kept). */
  partial: boolean;
}

/** One run as the UI shows it, built from the stream's events. */
export interface RunView {
  phase: RunPhase;
  text: string;
  executionId: string | null;
  provider: Provider | null;
  model: string | null;
  usage: { inputTokens: number; outputTokens: number; estimated: boolean } | null;
  result: { costUsd: number | null; latencyMs: number | null; ttftMs: number | null } | null;
  /** Refused before streaming (JSON 4xx: no key, quota, rate limit, validation). */
  requestError: ApiError | null;
  failure: StreamFailure | null;
  /** `performance.now()` when the run was sent, for the elapsed-time display. */
  startedAt: number | null;
}

export const IDLE_RUN: RunView = {
  phase: 'idle',
  text: '',
  executionId: null,
  provider: null,
  model: null,
  usage: null,
  result: null,
  requestError: null,
  failure: null,
  startedAt: null,
};

export type RunAction =
  | { type: 'begin'; at: number }
  | { type: 'event'; event: RunEvent }
  | { type: 'error'; error: ApiError }
  | { type: 'stopped' }
  /** The stream closed without `done` or `error`. */
  | { type: 'ended' }
  /** The recorded execution (after a stop, to show what the server measured). */
  | { type: 'recorded'; execution: ExecutionSummary };

export const isActive = (view: RunView) => view.phase === 'connecting' || view.phase === 'streaming';

export function runReducer(view: RunView, action: RunAction): RunView {
  switch (action.type) {
    case 'begin':
      return { ...IDLE_RUN, phase: 'connecting', startedAt: action.at };
    case 'event': {
      if (!isActive(view)) return view;
      const e = action.event;
      switch (e.type) {
        case 'start':
          return {
            ...view,
            phase: 'streaming',
            executionId: e.executionId,
            provider: e.provider,
            model: e.model,
          };
        case 'delta':
          return { ...view, phase: 'streaming', text: view.text + e.text };
        case 'usage':
          return {
            ...view,
            usage: { inputTokens: e.inputTokens, outputTokens: e.outputTokens, estimated: e.estimated },
          };
        case 'done':
          return {
            ...view,
            phase: 'done',
            executionId: e.executionId ?? view.executionId,
            result: { costUsd: e.costUsd, latencyMs: e.latencyMs, ttftMs: e.ttftMs },
          };
        case 'error':
          return {
            ...view,
            phase: 'failed',
            failure: { code: e.code, message: e.message, partial: e.partial || view.text.length > 0 },
          };
        default:
          return view;
      }
    }
    case 'error':
      if (!isActive(view)) return view;
      // Before the stream started this is the API refusing the request; after, a lost connection.
      return view.phase === 'connecting' && view.executionId === null
        ? { ...view, phase: 'failed', requestError: action.error }
        : {
            ...view,
            phase: 'failed',
            failure: {
              code: action.error.code,
              message: action.error.message,
              partial: view.text.length > 0,
            },
          };
    case 'stopped':
      return isActive(view) ? { ...view, phase: 'stopped' } : view;
    case 'ended':
      return isActive(view)
        ? {
            ...view,
            phase: 'failed',
            failure: {
              code: 'STREAM_INTERRUPTED',
              message: 'The stream ended before the answer was complete.',
              partial: view.text.length > 0,
            },
          }
        : view;
    case 'recorded': {
      const x = action.execution;
      if (view.phase !== 'stopped' || x.id !== view.executionId) return view;
      return {
        ...view,
        usage:
          x.inputTokens !== null && x.outputTokens !== null
            ? { inputTokens: x.inputTokens, outputTokens: x.outputTokens, estimated: x.tokensEstimated }
            : view.usage,
        result: { costUsd: x.costUsd, latencyMs: x.latencyMs, ttftMs: x.ttftMs },
      };
    }
  }
}

export type RunStream = AsyncGenerator<RunEvent | StreamHeartbeat>;

/**
 * Runs one stream at a time: `run(open)` starts `open(signal)` and folds its events into `view`;
 * `stop()` aborts it (the server then aborts the provider call). Unmounting stops a run. After a
 * stop, the execution the server recorded is fetched so tokens and latency can still be shown.
 */
export function useRun() {
  const [view, dispatch] = React.useReducer(runReducer, IDLE_RUN);
  const controllerRef = React.useRef<AbortController | null>(null);

  React.useEffect(() => () => controllerRef.current?.abort(), []);

  const run = React.useCallback(async (open: (signal: AbortSignal) => RunStream) => {
    controllerRef.current?.abort();
    const controller = new AbortController();
    controllerRef.current = controller;
    dispatch({ type: 'begin', at: performance.now() });
    try {
      for await (const event of open(controller.signal)) {
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
  }, []);

  const stop = React.useCallback(() => controllerRef.current?.abort(), []);

  useRecordedAfterStop(view, dispatch);
  return { view, run, stop };
}

/** After a stop, asks for the execution until the server has finished recording it (a few tries). */
export function useRecordedAfterStop(view: RunView, dispatch: (action: RunAction) => void) {
  const { phase, executionId } = view;
  React.useEffect(() => {
    if (phase !== 'stopped' || !executionId) return;
    const controller = new AbortController();
    let timer: number | undefined;
    const attempt = (n: number) => {
      getExecution(executionId, controller.signal)
        .then((x) => {
          if (x.status !== 'running') dispatch({ type: 'recorded', execution: x });
          else if (n < 5) timer = window.setTimeout(() => attempt(n + 1), 300 * (n + 1));
        })
        // Only a nicety: without it the output and the link to the run stay as they are.
        .catch(() => undefined);
    };
    timer = window.setTimeout(() => attempt(0), 250);
    return () => {
      window.clearTimeout(timer);
      controller.abort();
    };
  }, [phase, executionId, dispatch]);
}

/** Re-renders every `ms` while `active` and returns `performance.now()`. */
export function useTicker(active: boolean, ms = 100): number {
  const [now, setNow] = React.useState(() => (typeof performance === 'undefined' ? 0 : performance.now()));
  React.useEffect(() => {
    if (!active) return;
    setNow(performance.now());
    const timer = window.setInterval(() => setNow(performance.now()), ms);
    return () => window.clearInterval(timer);
  }, [active, ms]);
  return now;
}

/** Seconds left until `until` (a Date.now() timestamp), counting down; 0 when past or null. */
export function useCountdown(until: number | null): number {
  const [now, setNow] = React.useState(() => Date.now());
  React.useEffect(() => {
    if (until === null) return;
    setNow(Date.now());
    const timer = window.setInterval(() => {
      const t = Date.now();
      setNow(t);
      if (t >= until) window.clearInterval(timer);
    }, 1000);
    return () => window.clearInterval(timer);
  }, [until]);
  return until === null ? 0 : Math.max(0, Math.ceil((until - now) / 1000));
}
