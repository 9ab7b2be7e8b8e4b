'use client';

import * as React from 'react';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { NativeSelect } from '@/components/ui/native-select';
import { FormField } from '@/components/form-field';
import {
  DEFAULT_MODEL,
  keyName,
  MAX_TOKENS_LIMIT,
  maxTemperature,
  MODEL_SUGGESTIONS,
  PROVIDER_LABEL,
} from '@/lib/ai';
import { PROVIDERS, type Provider, type ProviderKey, type RunOptions, type RunTarget } from '@/lib/types';
import { cn } from '@/lib/utils';
import { keyedProviders } from './use-provider-keys';

/** Provider, key and model as the form holds them ('' = let the API choose). */
export interface TargetValue {
  provider: Provider | undefined;
  keyId: string;
  model: string;
}

/** The target as the run endpoints take it: only what was chosen. */
export function toRunTarget(value: TargetValue, keys: ProviderKey[]): RunTarget {
  const keyId = value.keyId || keys.find((k) => k.provider === value.provider)?.id;
  return {
    ...(value.provider ? { provider: value.provider } : {}),
    ...(value.model.trim() ? { model: value.model.trim() } : {}),
    ...(keyId && keys.some((k) => k.id === keyId && k.provider === value.provider) ? { keyId } : {}),
  };
}

/**
 * Provider / key / model pickers. `providers="keyed"` offers only providers the user has keys for (the
 * workbench); `"all"` offers every provider and marks the ones without a key (compare columns, where a
 * keyless column fails on its own).
 */
export function TargetFields({
  idPrefix,
  keys,
  value,
  onChange,
  providers = 'keyed',
  disabled,
  stacked = false,
  className,
}: {
  idPrefix: string;
  keys: ProviderKey[];
  /** One field per row (narrow compare columns). */
  stacked?: boolean;
  value: TargetValue;
  onChange: (value: TargetValue) => void;
  providers?: 'keyed' | 'all';
  disabled?: boolean;
  className?: string;
}) {
  const keyed = keyedProviders(keys);
  const options = providers === 'all' ? PROVIDERS : keyed;
  const providerKeys = keys.filter((k) => k.provider === value.provider);
  const suggestions = value.provider ? MODEL_SUGGESTIONS[value.provider] : [];
  const defaultModel = value.provider ? DEFAULT_MODEL[value.provider] : null;
  const listId = `${idPrefix}-models`;

  return (
    <div className={cn('grid gap-4', !stacked && 'sm:grid-cols-2', className)}>
      <div className="grid gap-2">
        <Label htmlFor={`${idPrefix}-provider`}>Provider</Label>
        <NativeSelect
          id={`${idPrefix}-provider`}
          value={value.provider ?? ''}
          disabled={disabled}
          onChange={(e) =>
            onChange({
              provider: (e.target.value || undefined) as Provider | undefined,
              keyId: '',
              model: '',
            })
          }
        >
          {options.map((p) => (
            <option key={p} value={p}>
              {PROVIDER_LABEL[p]}
              {providers === 'all' && !keyed.includes(p) ? ' (no key)' : ''}
            </option>
          ))}
        </NativeSelect>
      </div>
      <div className="grid gap-2">
        <Label htmlFor={`${idPrefix}-key`}>Key</Label>
        <NativeSelect
          id={`${idPrefix}-key`}
          value={providerKeys.length === 0 ? '' : value.keyId || providerKeys[0]!.id}
          disabled={disabled || providerKeys.length <= 1}
          onChange={(e) => onChange({ ...value, keyId: e.target.value })}
        >
          {providerKeys.length === 0 ? (
            <option value="">No key stored</option>
          ) : (
            providerKeys.map((k) => (
              <option key={k.id} value={k.id}>
                {keyName(k)}
              </option>
            ))
          )}
        </NativeSelect>
      </div>
      <FormField
        id={`${idPrefix}-model`}
        label="Model"
        className={stacked ? undefined : 'sm:col-span-2'}
        hint={
          value.provider === 'openai-compatible'
            ? 'The model name your server knows, e.g. llama3.2 for Ollama.'
            : suggestions.length > 0
              ? 'Pick a suggestion or type any model id the provider offers.'
              : undefined
        }
      >
        {(a11y) => (
          <>
            <Input
              {...a11y}
              list={suggestions.length > 0 ? listId : undefined}
              value={value.model}
              maxLength={200}
              disabled={disabled}
              spellCheck={false}
              autoComplete="off"
              placeholder={defaultModel ? `Default: ${defaultModel}` : 'e.g. llama3.2'}
              onChange={(e) => onChange({ ...value, model: e.target.value })}
              className="font-mono md:text-[13px]"
            />
            {suggestions.length > 0 && (
              <datalist id={listId}>
                {suggestions.map((m) => (
                  <option key={m} value={m} />
                ))}
              </datalist>
            )}
          </>
        )}
      </FormField>
    </div>
  );
}

/** Temperature and max tokens as the form holds them (strings while typing). */
export interface OptionsValue {
  temperature: number;
  maxTokens: string;
}

export const DEFAULT_OPTIONS: OptionsValue = { temperature: 0.7, maxTokens: '1024' };

/** Checks the options; returns the API's `options` or an error message for max tokens. */
export function toRunOptions(
  value: OptionsValue,
  provider: Provider | undefined,
): { options: RunOptions; error?: undefined } | { options?: undefined; error: string } {
  const raw = value.maxTokens.trim();
  const maxTokens = Number(raw);
  if (raw === '' || !Number.isInteger(maxTokens) || maxTokens < 1 || maxTokens > MAX_TOKENS_LIMIT) {
    return { error: `Enter a whole number from 1 to ${MAX_TOKENS_LIMIT}.` };
  }
  return {
    options: { temperature: Math.min(value.temperature, maxTemperature(provider)), maxTokens },
  };
}

export function OptionsFields({
  idPrefix,
  value,
  onChange,
  provider,
  maxTokensError,
  disabled,
  stacked = false,
  className,
}: {
  idPrefix: string;
  /** One field per row. */
  stacked?: boolean;
  value: OptionsValue;
  onChange: (value: OptionsValue) => void;
  /** Anthropic's temperature range is 0–1 (the slider follows the provider). */
  provider: Provider | undefined;
  maxTokensError?: string;
  disabled?: boolean;
  className?: string;
}) {
  const max = maxTemperature(provider);
  const temperature = Math.min(value.temperature, max);
  const tempId = `${idPrefix}-temperature`;
  return (
    <div className={cn('grid gap-4', !stacked && 'sm:grid-cols-2', className)}>
      <div className="grid content-start gap-2">
        <div className="flex items-baseline justify-between gap-2">
          <Label htmlFor={tempId}>Temperature</Label>
          <output htmlFor={tempId} className="font-mono text-sm tabular-nums" data-testid="temperature-value">
            {temperature.toFixed(1)}
          </output>
        </div>
        <input
          id={tempId}
          type="range"
          min={0}
          max={max}
          step={0.1}
          value={temperature}
          disabled={disabled}
          aria-describedby={`${tempId}-hint`}
          onChange={(e) => onChange({ ...value, temperature: Number(e.target.value) })}
          className="h-9 w-full cursor-pointer accent-primary disabled:cursor-not-allowed disabled:opacity-50"
        />
        <p id={`${tempId}-hint`} className="text-xs leading-relaxed text-muted-foreground">
          Lower is more focused, higher more varied{max < 2 ? ' (Anthropic allows 0–1)' : ''}.
        </p>
      </div>
      <FormField
        id={`${idPrefix}-max-tokens`}
        label="Max tokens"
        hint={`Longest answer, 1–${MAX_TOKENS_LIMIT}.`}
        error={maxTokensError}
      >
        {(a11y) => (
          <Input
            {...a11y}
            type="number"
            inputMode="numeric"
            min={1}
            max={MAX_TOKENS_LIMIT}
            step={1}
            value={value.maxTokens}
            disabled={disabled}
            onChange={(e) => onChange({ ...value, maxTokens: e.target.value })}
            className="tabular-nums"
          />
        )}
      </FormField>
    </div>
  );
}
