'use client';

import * as React from 'react';
import { getSettings, isAbort, listProviderKeys, toApiError, type ApiError } from '@/lib/api';
import type { Provider, ProviderKey } from '@/lib/types';

export type KeysState =
  | { status: 'loading' }
  | { status: 'error'; error: ApiError }
  | { status: 'ready'; keys: ProviderKey[]; defaultProvider: Provider | null };

/** The signed-in user's provider keys and default provider, for the run pages. */
export function useProviderKeys() {
  const [state, setState] = React.useState<KeysState>({ status: 'loading' });
  const [attempt, setAttempt] = React.useState(0);

  React.useEffect(() => {
    const controller = new AbortController();
    Promise.all([listProviderKeys(controller.signal), getSettings(controller.signal)])
      .then(([{ items }, settings]) =>
        setState({ status: 'ready', keys: items, defaultProvider: settings.defaultProvider }),
      )
      .catch((err: unknown) => {
        if (!isAbort(err)) setState({ status: 'error', error: toApiError(err) });
      });
    return () => controller.abort();
  }, [attempt]);

  const reload = React.useCallback(() => {
    setState({ status: 'loading' });
    setAttempt((n) => n + 1);
  }, []);
  return { state, reload };
}

/** Providers the user has keys for, in the order they added them. */
export function keyedProviders(keys: ProviderKey[]): Provider[] {
  const seen: Provider[] = [];
  // The API lists oldest first, and runs without a provider fall back to the first key stored.
  for (const key of keys) if (!seen.includes(key.provider)) seen.push(key.provider);
  return seen;
}

/** The provider a new run starts with: the default provider if it has a key, else the first keyed one. */
export function initialProvider(keys: ProviderKey[], defaultProvider: Provider | null): Provider | undefined {
  const keyed = keyedProviders(keys);
  return defaultProvider && keyed.includes(defaultProvider) ? defaultProvider : keyed[0];
}
