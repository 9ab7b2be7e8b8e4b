'use client';

import * as React from 'react';
import { AlertTriangle, CheckCircle2, RotateCcw, Wand2 } from 'lucide-react';
import { renderTemplate } from '@engify/lib/template';
import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { Textarea } from '@/components/ui/textarea';
import type { PromptVariable } from '@/lib/types';
import { cn, humanize } from '@/lib/utils';
import { CopyButton } from './copy-button';
import { RunInWorkbench } from './run-in-workbench';

const LONG_NAME =
  /(^|_)(code|diff|patch|log|logs|trace|stack|stacktrace|context|notes|description|details|text|content|snippet|body|spec|specs|requirements|output|input|transcript|history|schema|config|draft|document|doc|docs|message|messages|feedback|changes|plan|summary|background|criteria|errors?|query|sql|tests?|source|readme|story|stories|agenda|timeline|data|findings|symptoms|metrics|architecture|design|proposal|constraints|examples?)($|_)/;

/** Long or multi-line inputs get a textarea; short ones a single-line input. */
export function isLongInput(v: PromptVariable): boolean {
  const sample = `${v.example ?? ''}${v.default ?? ''}`;
  return sample.includes('\n') || sample.length > 80 || LONG_NAME.test(v.name);
}

export function initialValues(variables: PromptVariable[]): Record<string, string> {
  return Object.fromEntries(variables.map((v) => [v.name, v.default ?? '']));
}

type Values = Record<string, string>;

/**
 * The fill-in form and live preview of a prompt. Keeps its own values unless `values` and
 * `onValuesChange` make it controlled (the AI workbench reads them to run the prompt). `layout="stacked"`
 * puts the preview under the form, for narrow columns. `runSlug` adds "Run in workbench" (signed in only).
 */
export function PromptWorkbench({
  template,
  variables,
  idPrefix = 'var',
  values: controlled,
  onValuesChange,
  layout = 'split',
  runSlug,
}: {
  template: string;
  variables: PromptVariable[];
  idPrefix?: string;
  values?: Values;
  onValuesChange?: (values: Values) => void;
  layout?: 'split' | 'stacked';
  runSlug?: string;
}) {
  const [own, setOwn] = React.useState<Values>(() => controlled ?? initialValues(variables));
  const values = controlled ?? own;
  const valuesRef = React.useRef(values);
  valuesRef.current = values;
  const setValues = React.useCallback(
    (update: Values | ((prev: Values) => Values)) => {
      const next = typeof update === 'function' ? update(valuesRef.current) : update;
      valuesRef.current = next;
      setOwn(next);
      onValuesChange?.(next);
    },
    [onValuesChange],
  );
  const [touched, setTouched] = React.useState<Record<string, boolean>>({});
  const preRef = React.useRef<HTMLPreElement>(null);

  const rendered = React.useMemo(() => {
    try {
      return { text: renderTemplate(template, values), error: null };
    } catch (err) {
      return { text: '', error: err instanceof Error ? err.message : 'This template could not be rendered.' };
    }
  }, [template, values]);

  const missing = variables.filter((v) => v.required && !(values[v.name] ?? '').trim());
  const requiredCount = variables.filter((v) => v.required).length;
  const hasExamples = variables.some((v) => v.example);
  const fieldId = (name: string) => `${idPrefix}-${name}`;

  const set = (name: string, value: string) => setValues((prev) => ({ ...prev, [name]: value }));
  const reset = () => {
    setValues(initialValues(variables));
    setTouched({});
  };
  const fillExamples = () =>
    setValues((prev) =>
      Object.fromEntries(
        variables.map((v) => [
          v.name,
          (prev[v.name] ?? '').trim() ? (prev[v.name] ?? '') : (v.example ?? v.default ?? ''),
        ]),
      ),
    );
  const focusField = (name: string) => document.getElementById(fieldId(name))?.focus();

  const selectPreview = () => {
    const pre = preRef.current;
    if (!pre) return;
    const range = document.createRange();
    range.selectNodeContents(pre);
    const selection = window.getSelection();
    selection?.removeAllRanges();
    selection?.addRange(range);
    pre.focus();
  };

  const words = rendered.text.trim() ? rendered.text.trim().split(/\s+/).length : 0;

  const stacked = layout === 'stacked';
  return (
    <div
      className={cn(
        'grid items-start gap-6',
        !stacked && 'lg:grid-cols-[minmax(0,5fr)_minmax(0,6fr)] lg:gap-8',
      )}
    >
      <section aria-labelledby="fill-heading" className="rounded-xl border bg-card shadow-xs">
        <div className="flex flex-wrap items-center justify-between gap-2 border-b px-5 py-3.5">
          <div>
            <h2 id="fill-heading" className="font-semibold tracking-tight">
              Fill in the blanks
            </h2>
            {requiredCount > 0 && (
              <p className="text-xs text-muted-foreground">
                <span className="text-destructive" aria-hidden="true">
                  *
                </span>{' '}
                marks a required field
              </p>
            )}
          </div>
          {variables.length > 0 && (
            <div className="flex gap-1">
              {hasExamples && (
                <Button
                  variant="ghost"
                  size="sm"
                  onClick={fillExamples}
                  title="Fill the empty fields with example values"
                >
                  <Wand2 aria-hidden="true" /> Use examples
                </Button>
              )}
              <Button
                variant="ghost"
                size="sm"
                onClick={reset}
                title="Clear your input and restore the defaults"
              >
                <RotateCcw aria-hidden="true" /> Reset
              </Button>
            </div>
          )}
        </div>
        {variables.length === 0 ? (
          <p className="px-5 py-6 text-sm text-muted-foreground">
            This prompt has no variables: copy it as it is.
          </p>
        ) : (
          <form className="grid gap-5 px-5 py-5" onSubmit={(e) => e.preventDefault()} noValidate>
            {variables.map((v) => {
              const id = fieldId(v.name);
              const value = values[v.name] ?? '';
              const invalid = v.required && !!touched[v.name] && !value.trim();
              const long = isLongInput(v);
              const common = {
                id,
                name: v.name,
                value,
                required: v.required,
                'aria-required': v.required || undefined,
                'aria-invalid': invalid || undefined,
                'aria-describedby': `${id}-help${invalid ? ` ${id}-error` : ''}`,
                placeholder: v.example,
                onBlur: () => setTouched((t) => ({ ...t, [v.name]: true })),
              };
              return (
                <div key={v.name} className="grid gap-2">
                  <div className="flex items-baseline gap-1">
                    <Label htmlFor={id}>{humanize(v.name)}</Label>
                    {v.required ? (
                      <span className="text-sm leading-none text-destructive" aria-hidden="true">
                        *
                      </span>
                    ) : (
                      <span className="ml-1 text-xs text-muted-foreground">optional</span>
                    )}
                  </div>
                  {long ? (
                    <Textarea
                      {...common}
                      rows={4}
                      onChange={(e) => set(v.name, e.target.value)}
                      className="max-h-96"
                    />
                  ) : (
                    <Input {...common} onChange={(e) => set(v.name, e.target.value)} />
                  )}
                  <p id={`${id}-help`} className="text-xs leading-relaxed text-muted-foreground">
                    {v.description}
                  </p>
                  {invalid && (
                    <p id={`${id}-error`} className="text-xs font-medium text-destructive">
                      {humanize(v.name)} is required.
                    </p>
                  )}
                </div>
              );
            })}
          </form>
        )}
      </section>

      <section
        aria-label="Rendered prompt"
        className={cn(
          'flex min-w-0 flex-col rounded-xl border bg-card shadow-xs',
          !stacked && 'lg:sticky lg:top-20 lg:max-h-[calc(100dvh-6rem)]',
        )}
      >
        <div className="flex flex-wrap items-center justify-between gap-3 border-b px-5 py-3">
          <div>
            <h2 className="font-semibold tracking-tight">Preview</h2>
            <p className="text-xs text-muted-foreground tabular-nums" aria-live="off">
              {words} words · {rendered.text.length} characters
            </p>
          </div>
          <div className="flex flex-wrap items-center gap-2">
            {runSlug && <RunInWorkbench slug={runSlug} values={values} />}
            <CopyButton getText={() => rendered.text} onFailed={selectPreview} disabled={!!rendered.error} />
          </div>
        </div>
        <div className="px-5 pt-4" aria-live="polite">
          {missing.length > 0 ? (
            <div
              className="flex items-start gap-2 rounded-lg border border-warning/50 bg-warning/10 px-3 py-2 text-sm"
              data-testid="missing-variables"
            >
              <AlertTriangle className="mt-0.5 size-4 shrink-0 text-warning" aria-hidden="true" />
              <p>
                <span className="font-medium">
                  {missing.length === 1
                    ? '1 required field is empty: '
                    : `${missing.length} required fields are empty: `}
                </span>
                {missing.map((v, i) => (
                  <React.Fragment key={v.name}>
                    {i > 0 && ', '}
                    <button
                      type="button"
                      onClick={() => focusField(v.name)}
                      className="rounded-sm font-medium underline underline-offset-2 hover:text-primary"
                    >
                      {humanize(v.name)}
                    </button>
                  </React.Fragment>
                ))}
              </p>
            </div>
          ) : requiredCount > 0 ? (
            <p className="flex items-center gap-2 text-sm text-success">
              <CheckCircle2 className="size-4" aria-hidden="true" /> All required fields are filled in.
            </p>
          ) : null}
        </div>
        {rendered.error ? (
          <p role="alert" className="m-5 text-sm text-destructive">
            {rendered.error}
          </p>
        ) : (
          <pre
            ref={preRef}
            tabIndex={0}
            className={cn(
              'm-5 min-h-48 flex-1 overflow-auto rounded-lg border bg-code p-4 font-mono text-[13px] leading-6 break-words whitespace-pre-wrap',
              stacked && 'max-h-96',
            )}
          >
            {rendered.text}
          </pre>
        )}
      </section>
    </div>
  );
}
