'use client';

import * as React from 'react';
import Link from 'next/link';
import { KeyRound, Plus, type LucideIcon } from 'lucide-react';
import { Alert, AlertDescription, AlertTitle } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Skeleton } from '@/components/ui/skeleton';
import { ErrorAlert } from '@/components/status';
import type { ApiError } from '@/lib/api';
import type { Provider, RunOptions } from '@/lib/types';
import { cn } from '@/lib/utils';
import {
  DEFAULT_OPTIONS,
  OptionsFields,
  TargetFields,
  toRunOptions,
  toRunTarget,
  type OptionsValue,
  type TargetValue,
} from './run-fields';
import { SETTINGS_KEYS_HREF } from './run-output';
import { initialProvider, type KeysState } from './use-provider-keys';

// What the run pages (workbench, compare, chat) share to choose a model: the provider / key / model
// and options state, and the card that edits it.

/**
 * Temperature and max tokens as a run form holds them. Editing clears the max-tokens error;
 * `check` gives the API's options for a run, or marks the field (and focuses `<idPrefix>-max-tokens`
 * unless `focus` is false) and gives null.
 */
export function useRunOptions(idPrefix: string) {
  const [options, setOptionsValue] = React.useState<OptionsValue>(DEFAULT_OPTIONS);
  const [maxTokensError, setMaxTokensError] = React.useState<string | undefined>();

  const setOptions = React.useCallback((next: OptionsValue) => {
    setOptionsValue(next);
    setMaxTokensError(undefined);
  }, []);

  const check = (provider: Provider | undefined, { focus = true } = {}): RunOptions | null => {
    const checked = toRunOptions(options, provider);
    setMaxTokensError(checked.error);
    if (checked.error === undefined) return checked.options;
    if (focus) document.getElementById(`${idPrefix}-max-tokens`)?.focus();
    return null;
  };

  return { options, setOptions, maxTokensError, check };
}

/**
 * The provider, key, model and options of one run. The provider starts on the user's default (or the
 * first one with a key) once the keys are known, and a chosen key that is gone falls back to the
 * provider's first.
 */
export function useModelSettings(keys: KeysState, idPrefix: string) {
  const [target, setTarget] = React.useState<TargetValue>({ provider: undefined, keyId: '', model: '' });
  const { options, setOptions, maxTokensError, check } = useRunOptions(idPrefix);

  React.useEffect(() => {
    if (keys.status !== 'ready') return;
    setTarget((t) => {
      if (t.provider && keys.keys.some((k) => k.provider === t.provider)) {
        return t.keyId && !keys.keys.some((k) => k.id === t.keyId) ? { ...t, keyId: '' } : t;
      }
      return { provider: initialProvider(keys.keys, keys.defaultProvider), keyId: '', model: '' };
    });
  }, [keys]);

  /** The target and options for the API, or null when max tokens is wrong (it is marked and focused). */
  const checkRun = () => {
    const runOptions = check(target.provider);
    if (!runOptions || keys.status !== 'ready') return null;
    return { ...toRunTarget(target, keys.keys), options: runOptions };
  };

  return { idPrefix, target, setTarget, options, setOptions, maxTokensError, checkRun };
}

export type ModelSettingsState = ReturnType<typeof useModelSettings>;

/** A link in a card's header to where its settings are managed. */
export function PanelLink({
  href,
  icon: Icon,
  children,
}: {
  href: string;
  icon: LucideIcon;
  children: string;
}) {
  return (
    <Link
      href={href}
      className="inline-flex items-center gap-1 rounded-sm text-sm text-muted-foreground hover:text-foreground"
    >
      <Icon className="size-3.5" aria-hidden="true" /> {children}
    </Link>
  );
}

export function ProviderKeysLink() {
  return (
    <PanelLink href={SETTINGS_KEYS_HREF} icon={KeyRound}>
      Provider keys
    </PanelLink>
  );
}

/** A titled card of settings next to a run: heading, a link in the header, then the fields. */
export function SettingsPanel({
  id,
  title,
  link,
  className,
  children,
}: {
  /** The heading's id (the section is labelled by it). */
  id: string;
  title: string;
  link?: React.ReactNode;
  /** Of the body (its gap). */
  className?: string;
  children: React.ReactNode;
}) {
  return (
    <section aria-labelledby={id} className="rounded-xl border bg-card shadow-xs">
      <div className="flex flex-wrap items-center justify-between gap-2 border-b px-5 py-3.5">
        <h2 id={id} className="font-semibold tracking-tight">
          {title}
        </h2>
        {link}
      </div>
      <div className={cn('grid gap-5 px-5 py-5', className)}>{children}</div>
    </section>
  );
}

export function KeysLoadError({ error, onRetry }: { error: ApiError; onRetry: () => void }) {
  return <ErrorAlert title="Couldn’t load your provider keys" error={error} onRetry={onRetry} />;
}

/** The user has no provider key yet: what that stops, and the way to add one. */
export function NoKeysAlert({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <Alert variant="warning" data-testid="no-keys">
      <KeyRound aria-hidden="true" />
      <AlertTitle>{title}</AlertTitle>
      <AlertDescription>
        <p>{children}</p>
        <Button asChild size="sm" className="mt-1">
          <Link href={SETTINGS_KEYS_HREF}>
            <Plus aria-hidden="true" /> Add a provider key
          </Link>
        </Button>
      </AlertDescription>
    </Alert>
  );
}

/**
 * The "Model settings" card: provider, key and model (once the keys are loaded; a way to add one when
 * there is none), then temperature and max tokens. `stacked` puts one field per row (a narrow column).
 */
export function ModelSettings({
  settings,
  keys,
  onRetry,
  noKeys,
  disabled,
  stacked = false,
}: {
  settings: ModelSettingsState;
  keys: KeysState;
  onRetry: () => void;
  /** The no-keys alert: what a key is needed for, and a line on what it is. */
  noKeys: { title: string; text: React.ReactNode };
  disabled: boolean;
  stacked?: boolean;
}) {
  const { idPrefix, target, setTarget, options, setOptions, maxTokensError } = settings;
  return (
    <SettingsPanel id={`${idPrefix}-model-heading`} title="Model settings" link={<ProviderKeysLink />}>
      {keys.status === 'loading' ? (
        <div
          aria-busy="true"
          aria-label="Loading your provider keys"
          className={cn('grid gap-4', !stacked && 'sm:grid-cols-2')}
        >
          <Skeleton className="h-14" />
          <Skeleton className="h-14" />
          {!stacked && <Skeleton className="h-14 sm:col-span-2" />}
        </div>
      ) : keys.status === 'error' ? (
        <KeysLoadError error={keys.error} onRetry={onRetry} />
      ) : keys.keys.length === 0 ? (
        <NoKeysAlert title={noKeys.title}>{noKeys.text}</NoKeysAlert>
      ) : (
        <TargetFields
          idPrefix={idPrefix}
          keys={keys.keys}
          value={target}
          onChange={setTarget}
          disabled={disabled}
          stacked={stacked}
        />
      )}
      <OptionsFields
        idPrefix={idPrefix}
        value={options}
        onChange={setOptions}
        provider={target.provider}
        maxTokensError={maxTokensError}
        disabled={disabled}
        stacked={stacked}
      />
    </SettingsPanel>
  );
}
