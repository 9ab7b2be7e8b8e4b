'use client';

import * as React from 'react';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { KeyRound, Loader2, LogOut, MonitorSmartphone, Plus, Trash2, TriangleAlert } from 'lucide-react';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import {
  Dialog,
  DialogClose,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
} from '@/components/ui/dialog';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { Input } from '@/components/ui/input';
import { Skeleton } from '@/components/ui/skeleton';
import { FormField } from '@/components/form-field';
import { CopyButton } from '@/components/prompt/copy-button';
import { RequireSession } from '@/components/session/require-session';
import { useSession } from '@/components/session/session-provider';
import { ErrorAlert } from '@/components/status';
import { type ApiError, createApiKey, isAbort, listApiKeys, revokeApiKey, toApiError } from '@/lib/api';
import { TIER_LABEL, type ApiKey, type User } from '@/lib/types';
import { formatDate } from '@/lib/utils';

/** An obviously fake key for the examples. */
export const EXAMPLE_KEY = 'egk_EXAMPLE0000notARealKey0000';

export function AccountPage() {
  return <RequireSession what="your account">{(user) => <AccountView user={user} />}</RequireSession>;
}

/** A titled card: the account and settings pages are made of these. */
export function Section({
  id,
  title,
  description,
  children,
  action,
}: {
  id: string;
  title: string;
  description?: React.ReactNode;
  children: React.ReactNode;
  action?: React.ReactNode;
}) {
  return (
    <section aria-labelledby={id} className="rounded-xl border bg-card shadow-xs">
      <div className="flex flex-wrap items-start justify-between gap-3 border-b px-5 py-4">
        <div className="grid gap-1">
          <h2 id={id} className="font-semibold tracking-tight">
            {title}
          </h2>
          {description && <p className="text-sm text-muted-foreground">{description}</p>}
        </div>
        {action}
      </div>
      <div className="px-5 py-5">{children}</div>
    </section>
  );
}

function AccountView({ user }: { user: User }) {
  return (
    <div className="grid gap-6">
      <Section id="profile-heading" title="Profile">
        <dl className="grid gap-x-6 gap-y-4 text-sm sm:grid-cols-2">
          <div className="grid gap-1">
            <dt className="text-muted-foreground">Email</dt>
            <dd className="font-medium break-all" data-testid="account-email">
              {user.email}
            </dd>
          </div>
          <div className="grid gap-1">
            <dt className="text-muted-foreground">Name</dt>
            <dd className="font-medium">{user.name ?? <span className="text-muted-foreground">—</span>}</dd>
          </div>
          <div className="grid gap-1">
            <dt className="text-muted-foreground">Role</dt>
            <dd>
              <Badge variant={user.role === 'admin' ? 'default' : 'secondary'}>
                {user.role === 'admin' ? 'Admin' : 'User'}
              </Badge>
            </dd>
          </div>
          <div className="grid gap-1">
            <dt className="text-muted-foreground">Plan</dt>
            <dd>
              <Badge variant="accent">{TIER_LABEL[user.tier] ?? user.tier}</Badge>
            </dd>
          </div>
          <div className="grid gap-1">
            <dt className="text-muted-foreground">Member since</dt>
            <dd className="font-medium">{formatDate(user.createdAt)}</dd>
          </div>
        </dl>
      </Section>
      <ProviderKeysLink />
      <ApiKeysSection />
      <SessionsSection />
    </div>
  );
}

// ---- Provider keys (their own page) -------------------------------------------------------------

function ProviderKeysLink() {
  return (
    <Section
      id="provider-keys-link-heading"
      title="Provider keys"
      description="Your own OpenAI, Anthropic, Google Gemini or OpenAI-compatible keys for running prompts. Stored encrypted, never shown again."
    >
      <div className="flex flex-wrap gap-2">
        <Button asChild variant="outline">
          <Link href="/settings/keys">
            <KeyRound aria-hidden="true" /> Manage provider keys
          </Link>
        </Button>
        <Button asChild variant="ghost">
          <Link href="/workbench">Open the workbench</Link>
        </Button>
        <Button asChild variant="ghost">
          <Link href="/history">Run history</Link>
        </Button>
      </div>
    </Section>
  );
}

// ---- Sessions ------------------------------------------------------------------------------------

function SessionsSection() {
  const { signOut } = useSession();
  const router = useRouter();
  const [pending, setPending] = React.useState<'one' | 'all' | null>(null);
  const [error, setError] = React.useState<ApiError | null>(null);
  const [confirmAll, setConfirmAll] = React.useState(false);

  const run = async (everywhere: boolean) => {
    setPending(everywhere ? 'all' : 'one');
    setError(null);
    try {
      await signOut(everywhere);
      router.push('/');
    } catch (err) {
      setError(toApiError(err));
      setPending(null);
      setConfirmAll(false);
    }
  };

  return (
    <Section
      id="sessions-heading"
      title="Sessions"
      description="Sign out here, or everywhere you are signed in (other browsers and devices too)."
    >
      <div className="grid gap-4">
        {error && <ErrorAlert title="Couldn’t sign you out" error={error} />}
        <div className="flex flex-wrap gap-2">
          <Button variant="outline" onClick={() => run(false)} disabled={pending !== null}>
            {pending === 'one' ? (
              <Loader2 className="animate-spin" aria-hidden="true" />
            ) : (
              <LogOut aria-hidden="true" />
            )}
            Sign out
          </Button>
          <Button variant="outline" onClick={() => setConfirmAll(true)} disabled={pending !== null}>
            <MonitorSmartphone aria-hidden="true" /> Sign out of all devices
          </Button>
        </div>
      </div>
      <Dialog open={confirmAll} onOpenChange={(open) => pending === null && setConfirmAll(open)}>
        <DialogContent>
          <DialogHeader>
            <DialogTitle>Sign out of all devices?</DialogTitle>
            <DialogDescription>
              This ends every session of your account, including this one. Your API keys keep working; revoke
              them separately if you need to.
            </DialogDescription>
          </DialogHeader>
          <DialogFooter>
            <DialogClose asChild>
              <Button variant="outline" disabled={pending !== null}>
                Cancel
              </Button>
            </DialogClose>
            <Button variant="destructive" onClick={() => run(true)} disabled={pending !== null}>
              {pending === 'all' && <Loader2 className="animate-spin" aria-hidden="true" />}
              Sign out everywhere
            </Button>
          </DialogFooter>
        </DialogContent>
      </Dialog>
    </Section>
  );
}

// ---- API keys ------------------------------------------------------------------------------------

type KeysState =
  { status: 'loading' } | { status: 'ready'; items: ApiKey[] } | { status: 'error'; error: ApiError };

function ApiKeysSection() {
  const [state, setState] = React.useState<KeysState>({ status: 'loading' });
  const [attempt, setAttempt] = React.useState(0);
  const [announce, setAnnounce] = React.useState('');

  React.useEffect(() => {
    const controller = new AbortController();
    setState({ status: 'loading' });
    listApiKeys(controller.signal)
      .then(({ items }) => setState({ status: 'ready', items }))
      .catch((err: unknown) => {
        if (!isAbort(err)) setState({ status: 'error', error: toApiError(err) });
      });
    return () => controller.abort();
  }, [attempt]);

  const [name, setName] = React.useState('');
  const [nameError, setNameError] = React.useState<string | undefined>();
  const [createError, setCreateError] = React.useState<ApiError | null>(null);
  const [creating, setCreating] = React.useState(false);
  const [created, setCreated] = React.useState<{ key: string; apiKey: ApiKey } | null>(null);
  const nameRef = React.useRef<HTMLInputElement>(null);

  const onCreate = async (e: React.FormEvent) => {
    e.preventDefault();
    const trimmed = name.trim();
    setCreateError(null);
    if (!trimmed) {
      setNameError('Give the key a name, such as where you will use it.');
      nameRef.current?.focus();
      return;
    }
    setNameError(undefined);
    setCreating(true);
    try {
      const result = await createApiKey(trimmed);
      setCreated(result);
      setName('');
      setState((s) => (s.status === 'ready' ? { status: 'ready', items: [result.apiKey, ...s.items] } : s));
      if (state.status !== 'ready') setAttempt((n) => n + 1);
    } catch (err) {
      const error = toApiError(err);
      if (error.fields.name) {
        setNameError(error.fields.name);
        nameRef.current?.focus();
      } else setCreateError(error);
    } finally {
      setCreating(false);
    }
  };

  const [revoking, setRevoking] = React.useState<ApiKey | null>(null);
  const [revokePending, setRevokePending] = React.useState(false);
  const [revokeError, setRevokeError] = React.useState<ApiError | null>(null);
  const revokedRef = React.useRef(false);
  const onRevoke = async () => {
    if (!revoking) return;
    setRevokePending(true);
    setRevokeError(null);
    try {
      await revokeApiKey(revoking.id);
      setState((s) =>
        s.status === 'ready' ? { status: 'ready', items: s.items.filter((k) => k.id !== revoking.id) } : s,
      );
      setAnnounce(`API key “${revoking.name}” revoked.`);
      revokedRef.current = true;
      setRevoking(null);
    } catch (err) {
      const error = toApiError(err);
      if (error.status === 404) {
        // Already gone (revoked elsewhere): reflect that.
        setState((s) =>
          s.status === 'ready' ? { status: 'ready', items: s.items.filter((k) => k.id !== revoking.id) } : s,
        );
        revokedRef.current = true;
        setRevoking(null);
      } else setRevokeError(error);
    } finally {
      setRevokePending(false);
    }
  };

  const origin = typeof window === 'undefined' ? 'https://engify.example' : window.location.origin;

  return (
    <Section
      id="api-keys-heading"
      title="API keys"
      description={
        <>
          Personal keys for scripts and tools. A key acts as you: send it as{' '}
          <code className="rounded bg-muted px-1 py-0.5 font-mono text-xs">Authorization: Bearer egk_…</code>
        </>
      }
    >
      <div className="grid gap-6">
        <form onSubmit={onCreate} noValidate className="grid gap-3 sm:grid-cols-[1fr_auto] sm:items-start">
          <FormField
            id="api-key-name"
            label="Key name"
            hint="So you can tell your keys apart, e.g. “CI pipeline” or “laptop scripts”."
            error={nameError}
          >
            {(a11y) => (
              <Input
                {...a11y}
                ref={nameRef}
                name="name"
                value={name}
                maxLength={80}
                autoComplete="off"
                onChange={(e) => setName(e.target.value)}
              />
            )}
          </FormField>
          <Button type="submit" disabled={creating} className="sm:mt-6">
            {creating ? <Loader2 className="animate-spin" aria-hidden="true" /> : <Plus aria-hidden="true" />}
            Create key
          </Button>
          {createError && (
            <ErrorAlert title="Couldn’t create the key" error={createError} className="sm:col-span-2" />
          )}
        </form>

        <div>
          <h3 className="mb-3 text-sm font-medium">Your keys</h3>
          {state.status === 'loading' ? (
            <div aria-busy="true" aria-label="Loading API keys" className="grid gap-2">
              <Skeleton className="h-14 w-full" />
              <Skeleton className="h-14 w-full" />
            </div>
          ) : state.status === 'error' ? (
            <ErrorAlert
              title="Couldn’t load your API keys"
              error={state.error}
              onRetry={() => setAttempt((n) => n + 1)}
            />
          ) : state.items.length === 0 ? (
            <p className="flex items-center gap-2 rounded-lg border border-dashed px-4 py-5 text-sm text-muted-foreground">
              <KeyRound className="size-4 shrink-0" aria-hidden="true" /> No API keys yet. Create one above.
            </p>
          ) : (
            <ul className="divide-y rounded-lg border" aria-label="API keys">
              {state.items.map((key) => (
                <li
                  key={key.id}
                  className="flex flex-wrap items-center justify-between gap-x-4 gap-y-2 px-4 py-3"
                >
                  <div className="grid min-w-0 gap-1">
                    <p className="truncate font-medium">{key.name}</p>
                    <p className="flex flex-wrap items-center gap-x-3 gap-y-1 text-xs text-muted-foreground">
                      <code className="rounded bg-muted px-1.5 py-0.5 font-mono text-foreground">
                        {key.prefix}…
                      </code>
                      <span>Created {formatDate(key.createdAt)}</span>
                      <span>
                        {key.lastUsedAt ? `Last used ${formatDate(key.lastUsedAt, true)}` : 'Never used'}
                      </span>
                    </p>
                  </div>
                  <Button
                    variant="outline"
                    size="sm"
                    onClick={() => {
                      setRevokeError(null);
                      setRevoking(key);
                    }}
                    aria-label={`Revoke ${key.name}`}
                  >
                    <Trash2 aria-hidden="true" /> Revoke
                  </Button>
                </li>
              ))}
            </ul>
          )}
          <p role="status" className="sr-only">
            {announce}
          </p>
        </div>

        <div className="grid gap-2">
          <h3 className="text-sm font-medium">Try it</h3>
          <p className="text-sm text-muted-foreground">
            Replace the example key with yours. This asks the API who the key belongs to:
          </p>
          <pre className="overflow-x-auto rounded-lg border bg-code p-4 font-mono text-[13px] leading-6">
            <code>{`curl -H "Authorization: Bearer ${EXAMPLE_KEY}" \\\n  ${origin}/api/me`}</code>
          </pre>
        </div>
      </div>

      <NewKeyDialog created={created} onClose={() => setCreated(null)} returnFocus={() => nameRef.current} />

      <ConfirmDialog
        open={revoking !== null}
        onOpenChange={(open) => !open && setRevoking(null)}
        onCloseAutoFocus={(e) => {
          // Its Revoke button is gone with the key: continue from the form.
          if (!revokedRef.current) return;
          revokedRef.current = false;
          e.preventDefault();
          nameRef.current?.focus();
        }}
        title={<>Revoke “{revoking?.name}”?</>}
        description="Anything that uses this key stops working immediately. This can’t be undone."
        error={revokeError}
        errorTitle="Couldn’t revoke the key"
        confirmLabel="Revoke key"
        destructive
        pending={revokePending}
        onConfirm={onRevoke}
      />
    </Section>
  );
}

/** Shows a freshly created key exactly once, with Copy. Clicking outside doesn't dismiss it by accident. */
function NewKeyDialog({
  created,
  onClose,
  returnFocus,
}: {
  created: { key: string; apiKey: ApiKey } | null;
  onClose: () => void;
  returnFocus: () => HTMLElement | null;
}) {
  const inputRef = React.useRef<HTMLInputElement>(null);
  const [copyFailed, setCopyFailed] = React.useState(false);
  React.useEffect(() => setCopyFailed(false), [created]);
  return (
    <Dialog open={created !== null} onOpenChange={(open) => !open && onClose()}>
      <DialogContent
        onInteractOutside={(e) => e.preventDefault()}
        onCloseAutoFocus={(e) => {
          // The dialog opened without a trigger (after "Create key"): go back to the form.
          e.preventDefault();
          returnFocus()?.focus();
        }}
        onOpenAutoFocus={(e) => {
          e.preventDefault();
          inputRef.current?.focus();
          inputRef.current?.select();
        }}
      >
        <DialogHeader>
          <DialogTitle>Your new API key</DialogTitle>
          <DialogDescription>
            {created ? (
              <>
                “{created.apiKey.name}” is ready. Copy it now and keep it somewhere safe, such as a password
                manager.
              </>
            ) : null}
          </DialogDescription>
        </DialogHeader>
        <div
          className="flex items-start gap-2 rounded-lg border border-warning/50 bg-warning/10 px-3 py-2 text-sm"
          data-testid="key-warning"
        >
          <TriangleAlert className="mt-0.5 size-4 shrink-0 text-warning" aria-hidden="true" />
          <p>
            <strong className="font-semibold">You won’t see this key again.</strong> We only store a hash of
            it. If you lose it, revoke it and create a new one.
          </p>
        </div>
        <div className="grid gap-2">
          <label htmlFor="new-api-key" className="text-sm font-medium">
            API key
          </label>
          <div className="flex flex-col gap-2 sm:flex-row">
            <Input
              ref={inputRef}
              id="new-api-key"
              readOnly
              value={created?.key ?? ''}
              onFocus={(e) => e.currentTarget.select()}
              spellCheck={false}
              className="font-mono text-sm md:text-[13px]"
              data-testid="new-api-key"
            />
            <CopyButton
              getText={() => created?.key ?? ''}
              onFailed={() => {
                setCopyFailed(true);
                inputRef.current?.select();
              }}
              variant="secondary"
            />
          </div>
          {copyFailed && (
            <p className="text-xs text-muted-foreground">
              Copying didn’t work here. The key is selected: press Ctrl+C (⌘C on a Mac).
            </p>
          )}
        </div>
        <DialogFooter>
          <DialogClose asChild>
            <Button>I’ve saved my key</Button>
          </DialogClose>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}
