'use client';

import * as React from 'react';
import {
  CheckCircle2,
  ExternalLink,
  KeyRound,
  Loader2,
  Plus,
  ShieldCheck,
  Trash2,
  XCircle,
  Zap,
} from 'lucide-react';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { NativeSelect } from '@/components/ui/native-select';
import { Skeleton } from '@/components/ui/skeleton';
import { Section } from '@/components/account/account-view';
import { DeleteDialog } from '@/components/delete-dialog';
import { FormField } from '@/components/form-field';
import { RequireSession } from '@/components/session/require-session';
import { ErrorAlert } from '@/components/status';
import {
  createProviderKey,
  deleteProviderKey,
  testProviderKey,
  toApiError,
  updateSettings,
  type ApiError,
} from '@/lib/api';
import { BASE_URL_PRESETS, errorPhrase, errorText, keyName, PROVIDER_LABEL } from '@/lib/ai';
import { PROVIDERS, type Provider, type ProviderKey } from '@/lib/types';
import { cn, formatDate } from '@/lib/utils';
import { useProviderKeys } from '@/components/ai/use-provider-keys';

export function ProviderKeysPage() {
  return (
    <RequireSession what="your provider keys" fallback={<KeysSkeleton />}>
      {() => <ProviderKeys />}
    </RequireSession>
  );
}

type TestState =
  | { state: 'testing' }
  | { state: 'ok' }
  | { state: 'failed'; code?: string; message?: string }
  | { state: 'error'; error: ApiError };

function ProviderKeys() {
  const { state, reload } = useProviderKeys();
  const [keys, setKeys] = React.useState<ProviderKey[]>([]);
  const [defaultProvider, setDefaultProvider] = React.useState<Provider | null>(null);
  const [tests, setTests] = React.useState<Record<string, TestState>>({});
  const [announce, setAnnounce] = React.useState('');
  const [deleting, setDeleting] = React.useState<ProviderKey | null>(null);
  const listHeadingRef = React.useRef<HTMLHeadingElement>(null);

  React.useEffect(() => {
    if (state.status !== 'ready') return;
    setKeys(state.keys);
    setDefaultProvider(state.defaultProvider);
  }, [state]);

  const test = async (key: ProviderKey) => {
    setTests((t) => ({ ...t, [key.id]: { state: 'testing' } }));
    try {
      const result = await testProviderKey(key.id);
      if (result.ok) {
        setTests((t) => ({ ...t, [key.id]: { state: 'ok' } }));
        setKeys((ks) =>
          ks.map((k) => (k.id === key.id ? { ...k, lastUsedAt: new Date().toISOString() } : k)),
        );
      } else {
        setTests((t) => ({
          ...t,
          [key.id]: { state: 'failed', code: result.code, message: result.message },
        }));
      }
    } catch (err) {
      const error = toApiError(err);
      if (error.status === 404) {
        setKeys((ks) => ks.filter((k) => k.id !== key.id));
        setAnnounce(`${keyName(key)} no longer exists.`);
      } else setTests((t) => ({ ...t, [key.id]: { state: 'error', error } }));
    }
  };

  if (state.status === 'loading') return <KeysSkeleton />;
  if (state.status === 'error')
    return <ErrorAlert title="Couldn’t load your provider keys" error={state.error} onRetry={reload} />;

  return (
    <div className="grid gap-6">
      <Section
        id="provider-keys-heading"
        title="Your keys"
        description={
          <>
            Runs in the workbench, compare and the API use these keys: you pay your provider directly. Keys
            are encrypted at rest and never shown again, only a mask such as{' '}
            <code className="rounded bg-muted px-1 py-0.5 font-mono text-xs">sk-…abcd</code>.
          </>
        }
      >
        <h3 ref={listHeadingRef} tabIndex={-1} className="sr-only">
          Stored keys
        </h3>
        {keys.length === 0 ? (
          <p
            className="flex items-center gap-2 rounded-lg border border-dashed px-4 py-5 text-sm text-muted-foreground"
            data-testid="no-provider-keys"
          >
            <KeyRound className="size-4 shrink-0" aria-hidden="true" /> No provider keys yet. Add one below.
          </p>
        ) : (
          <ul className="divide-y rounded-lg border" aria-label="Provider keys">
            {keys.map((key) => (
              <KeyRow
                key={key.id}
                providerKey={key}
                isDefault={defaultProvider === key.provider}
                test={tests[key.id]}
                onTest={() => test(key)}
                onDelete={() => setDeleting(key)}
              />
            ))}
          </ul>
        )}
        <p role="status" className="sr-only">
          {announce}
        </p>
      </Section>

      <AddKeySection
        onAdded={(key) => {
          setKeys((ks) => [...ks, key]);
          setAnnounce(`${PROVIDER_LABEL[key.provider]} key ${key.mask} added.`);
        }}
      />

      <DefaultProviderSection keys={keys} value={defaultProvider} onChange={setDefaultProvider} />

      <DeleteDialog
        item={deleting}
        remove={(key) => deleteProviderKey(key.id)}
        onClose={() => setDeleting(null)}
        onDeleted={(key) => {
          setKeys((ks) => ks.filter((k) => k.id !== key.id));
          setAnnounce(`${keyName(key)} deleted.`);
        }}
        focusAfter={() => listHeadingRef.current}
        title={(key) => <>Delete {key ? keyName(key) : 'this key'}?</>}
        description={(key) => (
          <>
            {key ? `This ${PROVIDER_LABEL[key.provider]} key` : 'The key'} is erased from Engify. Runs that
            use it stop working until you add another; your run history stays. The key itself keeps working at
            the provider — revoke it there if it leaked.
          </>
        )}
        errorTitle="Couldn’t delete the key"
        confirmLabel="Delete key"
      />
    </div>
  );
}

function KeyRow({
  providerKey: key,
  isDefault,
  test,
  onTest,
  onDelete,
}: {
  providerKey: ProviderKey;
  isDefault: boolean;
  test: TestState | undefined;
  onTest: () => void;
  onDelete: () => void;
}) {
  const name = key.label ?? PROVIDER_LABEL[key.provider];
  return (
    <li
      className="grid gap-3 px-4 py-3 sm:grid-cols-[minmax(0,1fr)_auto] sm:items-start"
      data-testid="provider-key"
    >
      <div className="grid min-w-0 gap-1.5">
        <p className="flex flex-wrap items-center gap-2">
          <span className="truncate font-medium">{name}</span>
          {key.label && <Badge variant="secondary">{PROVIDER_LABEL[key.provider]}</Badge>}
          {isDefault && <Badge variant="accent">Default provider</Badge>}
        </p>
        <p className="flex flex-wrap items-center gap-x-3 gap-y-1 text-xs text-muted-foreground">
          <code className="rounded bg-muted px-1.5 py-0.5 font-mono text-foreground" data-testid="key-mask">
            {key.mask}
          </code>
          <span>Added {formatDate(key.createdAt)}</span>
          <span>{key.lastUsedAt ? `Last used ${formatDate(key.lastUsedAt, true)}` : 'Never used'}</span>
        </p>
        {key.baseURL && (
          <p className="text-xs text-muted-foreground">
            Base URL <span className="font-mono break-all text-foreground">{key.baseURL}</span>
          </p>
        )}
        <TestResult test={test} />
      </div>
      <div className="flex gap-2 sm:justify-end">
        <Button
          variant="outline"
          size="sm"
          onClick={onTest}
          disabled={test?.state === 'testing'}
          aria-label={`Test ${name} (${key.mask})`}
        >
          {test?.state === 'testing' ? (
            <Loader2 className="animate-spin" aria-hidden="true" />
          ) : (
            <Zap aria-hidden="true" />
          )}
          Test
        </Button>
        <Button variant="outline" size="sm" onClick={onDelete} aria-label={`Delete ${name} (${key.mask})`}>
          <Trash2 aria-hidden="true" /> Delete
        </Button>
      </div>
    </li>
  );
}

function TestResult({ test }: { test: TestState | undefined }) {
  return (
    <div role="status" aria-live="polite" data-testid="key-test-result">
      {test?.state === 'testing' && <p className="text-xs text-muted-foreground">Asking the provider…</p>}
      {test?.state === 'ok' && (
        <p className="flex items-center gap-1.5 text-sm font-medium text-success">
          <CheckCircle2 className="size-4" aria-hidden="true" /> OK — the provider accepted this key.
        </p>
      )}
      {test?.state === 'failed' && (
        <div className="grid gap-0.5 text-sm text-destructive">
          <p className="flex items-center gap-1.5 font-medium">
            <XCircle className="size-4 shrink-0" aria-hidden="true" /> {errorPhrase(test.code)}
          </p>
          <p className="text-xs">{errorText(test.code)?.help ?? test.message}</p>
          {test.message && errorText(test.code) && (
            <p className="text-xs text-muted-foreground">Provider said: {test.message}</p>
          )}
        </div>
      )}
      {test?.state === 'error' && (
        <p className="flex items-center gap-1.5 text-sm text-destructive">
          <XCircle className="size-4 shrink-0" aria-hidden="true" /> Couldn’t test the key:{' '}
          {test.error.message}
        </p>
      )}
    </div>
  );
}

// ---- Add a key -------------------------------------------------------------------------------------

type Field = 'provider' | 'apiKey' | 'label' | 'baseURL';

const KEY_HINT: Record<Provider, React.ReactNode> = {
  openai: (
    <>
      Starts with <code className="font-mono">sk-</code>.{' '}
      <ExternalHint href="https://platform.openai.com/api-keys">
        Create one on the OpenAI platform
      </ExternalHint>
      .
    </>
  ),
  anthropic: (
    <>
      Starts with <code className="font-mono">sk-ant-</code>.{' '}
      <ExternalHint href="https://console.anthropic.com/settings/keys">
        Create one in the Anthropic Console
      </ExternalHint>
      .
    </>
  ),
  google: (
    <>
      A Gemini API key.{' '}
      <ExternalHint href="https://aistudio.google.com/apikey">Create one in Google AI Studio</ExternalHint>.
    </>
  ),
  'openai-compatible': (
    <>
      The key your server expects. Ollama and LM Studio ignore it: enter any 8 or more characters, such as{' '}
      <code className="font-mono">ollama-local</code>.
    </>
  ),
};

function ExternalHint({ href, children }: { href: string; children: React.ReactNode }) {
  return (
    <a
      href={href}
      target="_blank"
      rel="noreferrer noopener"
      className="inline-flex items-center gap-0.5 font-medium text-primary underline-offset-4 hover:underline"
    >
      {children}
      <ExternalLink className="size-3" aria-hidden="true" />
      <span className="sr-only"> (opens in a new tab)</span>
    </a>
  );
}

function clientErrors(provider: Provider, apiKey: string, baseURL: string): Partial<Record<Field, string>> {
  const errors: Partial<Record<Field, string>> = {};
  const key = apiKey.trim();
  if (!key) errors.apiKey = 'Paste the API key.';
  else if (key.length < 8) errors.apiKey = 'API keys are at least 8 characters long.';
  else if (key.length > 500) errors.apiKey = 'That is longer than any API key (500 characters at most).';
  if (provider === 'openai-compatible') {
    const url = baseURL.trim();
    if (!url) errors.baseURL = 'Enter your server’s base URL, e.g. http://localhost:11434/v1 for Ollama.';
    else {
      try {
        const parsed = new URL(url);
        if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
          errors.baseURL = 'Use an http:// or https:// URL.';
      } catch {
        errors.baseURL = 'Enter a full URL, starting with http:// or https://.';
      }
    }
  }
  return errors;
}

/** "must be at least 8 characters" → "Must be at least 8 characters." */
function sentence(message: string): string {
  const s = message.trim();
  return s ? `${s.charAt(0).toUpperCase()}${s.slice(1)}${/[.!?]$/.test(s) ? '' : '.'}` : s;
}

function AddKeySection({ onAdded }: { onAdded: (key: ProviderKey) => void }) {
  const [provider, setProvider] = React.useState<Provider>('openai');
  const [apiKey, setApiKey] = React.useState('');
  const [label, setLabel] = React.useState('');
  const [baseURL, setBaseURL] = React.useState('');
  const [errors, setErrors] = React.useState<Partial<Record<Field, string>>>({});
  const [refused, setRefused] = React.useState(false);
  const [formError, setFormError] = React.useState<ApiError | null>(null);
  const [saving, setSaving] = React.useState(false);
  const [saved, setSaved] = React.useState<ProviderKey | null>(null);
  const refs = {
    apiKey: React.useRef<HTMLInputElement>(null),
    label: React.useRef<HTMLInputElement>(null),
    baseURL: React.useRef<HTMLInputElement>(null),
  };
  const compatible = provider === 'openai-compatible';

  const focusFirst = (e: Partial<Record<Field, string>>) => {
    if (e.baseURL && compatible) refs.baseURL.current?.focus();
    else if (e.apiKey) refs.apiKey.current?.focus();
    else if (e.label) refs.label.current?.focus();
  };

  const onSubmit = async (event: React.FormEvent) => {
    event.preventDefault();
    if (saving) return;
    setFormError(null);
    setRefused(false);
    setSaved(null);
    const found = clientErrors(provider, apiKey, baseURL);
    setErrors(found);
    if (Object.keys(found).length > 0) {
      focusFirst(found);
      return;
    }
    setSaving(true);
    try {
      const key = await createProviderKey({
        provider,
        apiKey: apiKey.trim(),
        ...(label.trim() ? { label: label.trim() } : {}),
        ...(compatible ? { baseURL: baseURL.trim() } : {}),
      });
      // The key itself is gone from the page for good: only its mask remains.
      setApiKey('');
      setLabel('');
      setBaseURL('');
      setErrors({});
      setSaved(key);
      onAdded(key);
    } catch (err) {
      const error = toApiError(err);
      const fields: Partial<Record<Field, string>> = {};
      for (const f of ['provider', 'apiKey', 'label', 'baseURL'] as const) {
        if (error.fields[f]) fields[f] = sentence(error.fields[f]);
      }
      if (error.code === 'base_url_refused') {
        setRefused(true);
        fields.baseURL = `Not allowed: ${error.fields.baseURL ?? 'this address is refused by the server.'}`;
      }
      setErrors(fields);
      if (Object.keys(fields).length > 0) focusFirst(fields);
      if (Object.keys(fields).length === 0) setFormError(error);
    } finally {
      setSaving(false);
    }
  };

  return (
    <Section
      id="add-provider-key-heading"
      title="Add a key"
      description="Bring your own key for OpenAI, Anthropic, Google Gemini, or any server that speaks the OpenAI API."
    >
      <form onSubmit={onSubmit} noValidate className="grid gap-5" aria-labelledby="add-provider-key-heading">
        {formError && <ErrorAlert title="Couldn’t add the key" error={formError} />}
        <div className="grid gap-5 sm:grid-cols-2">
          <div className="grid gap-2">
            <Label htmlFor="pk-provider">Provider</Label>
            <NativeSelect
              id="pk-provider"
              name="provider"
              value={provider}
              onChange={(e) => {
                setProvider(e.target.value as Provider);
                setErrors({});
                setRefused(false);
              }}
            >
              {PROVIDERS.map((p) => (
                <option key={p} value={p}>
                  {PROVIDER_LABEL[p]}
                </option>
              ))}
            </NativeSelect>
            {errors.provider && <p className="text-xs font-medium text-destructive">{errors.provider}</p>}
          </div>
          <FormField
            id="pk-label"
            label="Label"
            optional
            hint="To tell keys apart, e.g. “Work” or “Personal”."
            error={errors.label}
          >
            {(a11y) => (
              <Input
                {...a11y}
                ref={refs.label}
                name="label"
                value={label}
                maxLength={80}
                autoComplete="off"
                onChange={(e) => setLabel(e.target.value)}
              />
            )}
          </FormField>
        </div>
        {compatible && (
          <FormField
            id="pk-base-url"
            label="Base URL"
            hint={
              <>
                The URL that ends before <code className="font-mono">/chat/completions</code>. Fill in:{' '}
                <span className="mt-1.5 flex flex-wrap gap-1.5">
                  {BASE_URL_PRESETS.map((preset) => (
                    <button
                      key={preset.name}
                      type="button"
                      onClick={() => {
                        setBaseURL(preset.url);
                        setErrors((e) => ({ ...e, baseURL: undefined }));
                        setRefused(false);
                        refs.baseURL.current?.focus();
                      }}
                      className="rounded-md border bg-background px-2 py-0.5 text-xs font-medium text-foreground transition-colors hover:bg-accent dark:bg-input/20"
                      title={preset.url}
                    >
                      {preset.name}
                    </button>
                  ))}
                </span>
                <span className="mt-1.5 block">
                  Local servers (Ollama, LM Studio, vLLM) must be reachable from the Engify server, which may
                  refuse private addresses.
                </span>
              </>
            }
            error={errors.baseURL}
          >
            {(a11y) => (
              <Input
                {...a11y}
                ref={refs.baseURL}
                type="url"
                name="baseURL"
                inputMode="url"
                value={baseURL}
                maxLength={500}
                required
                spellCheck={false}
                autoComplete="off"
                placeholder="http://localhost:11434/v1"
                onChange={(e) => setBaseURL(e.target.value)}
                className="font-mono md:text-[13px]"
              />
            )}
          </FormField>
        )}
        {refused && (
          <p
            className="rounded-lg border border-warning/50 bg-warning/10 px-3 py-2 text-sm"
            data-testid="base-url-refused"
          >
            {errorText('base_url_refused')!.help}
          </p>
        )}
        <FormField id="pk-api-key" label="API key" hint={KEY_HINT[provider]} error={errors.apiKey}>
          {(a11y) => (
            <Input
              {...a11y}
              ref={refs.apiKey}
              type="password"
              name="apiKey"
              value={apiKey}
              maxLength={500}
              required
              spellCheck={false}
              autoComplete="off"
              data-1p-ignore
              data-lpignore="true"
              onChange={(e) => setApiKey(e.target.value)}
              className="font-mono md:text-[13px]"
            />
          )}
        </FormField>
        <div className="flex flex-wrap items-center gap-x-4 gap-y-2">
          <Button type="submit" disabled={saving}>
            {saving ? <Loader2 className="animate-spin" aria-hidden="true" /> : <Plus aria-hidden="true" />}
            Add key
          </Button>
          <p className="flex items-center gap-1.5 text-xs text-muted-foreground">
            <ShieldCheck className="size-3.5" aria-hidden="true" /> Encrypted before it is stored. You won’t
            see it again.
          </p>
        </div>
        <p
          role="status"
          className={cn('text-sm', saved ? 'text-success' : 'sr-only')}
          data-testid="key-added"
        >
          {saved
            ? `Added: ${PROVIDER_LABEL[saved.provider]} ${saved.mask}. Use “Test” above to check it.`
            : ''}
        </p>
      </form>
    </Section>
  );
}

// ---- Default provider ------------------------------------------------------------------------------

function DefaultProviderSection({
  keys,
  value,
  onChange,
}: {
  keys: ProviderKey[];
  value: Provider | null;
  onChange: (p: Provider | null) => void;
}) {
  const [status, setStatus] = React.useState<
    { state: 'idle' } | { state: 'saving' } | { state: 'saved' } | { state: 'error'; error: ApiError }
  >({ state: 'idle' });
  const keyed = new Set(keys.map((k) => k.provider));

  const save = async (next: Provider | null) => {
    const previous = value;
    onChange(next);
    setStatus({ state: 'saving' });
    try {
      const saved = await updateSettings({ defaultProvider: next });
      onChange(saved.defaultProvider);
      setStatus({ state: 'saved' });
    } catch (err) {
      onChange(previous);
      setStatus({ state: 'error', error: toApiError(err) });
    }
  };

  return (
    <Section
      id="default-provider-heading"
      title="Default provider"
      description="Runs that don’t name a provider (API calls, mostly) use this one. The workbench starts with it selected."
    >
      <div className="grid gap-3">
        <div className="grid gap-2 sm:max-w-sm">
          <Label htmlFor="default-provider">Default provider</Label>
          <NativeSelect
            id="default-provider"
            value={value ?? ''}
            disabled={status.state === 'saving'}
            aria-describedby="default-provider-status"
            onChange={(e) => save((e.target.value || null) as Provider | null)}
          >
            <option value="">Automatic (the first key you added)</option>
            {PROVIDERS.map((p) => (
              <option key={p} value={p}>
                {PROVIDER_LABEL[p]}
                {keyed.has(p) ? '' : ' (no key yet)'}
              </option>
            ))}
          </NativeSelect>
        </div>
        <p id="default-provider-status" role="status" className="min-h-5 text-xs text-muted-foreground">
          {status.state === 'saving'
            ? 'Saving…'
            : status.state === 'saved'
              ? 'Saved.'
              : value && !keyed.has(value)
                ? `You have no ${PROVIDER_LABEL[value]} key yet: runs without a provider will fail until you add one.`
                : ''}
        </p>
        {status.state === 'error' && (
          <ErrorAlert title="Couldn’t save your default provider" error={status.error} />
        )}
      </div>
    </Section>
  );
}

export function KeysSkeleton() {
  return (
    <div aria-busy="true" aria-label="Loading" className="grid gap-6">
      <Skeleton className="h-48 w-full rounded-xl" />
      <Skeleton className="h-72 w-full rounded-xl" />
    </div>
  );
}
