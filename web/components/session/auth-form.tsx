'use client';

import * as React from 'react';
import Link from 'next/link';
import { useRouter, useSearchParams } from 'next/navigation';
import { AlertCircle, Eye, EyeOff, Loader2 } from 'lucide-react';
import { Alert, AlertDescription, AlertTitle } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/input';
import { Skeleton } from '@/components/ui/skeleton';
import { FormField } from '@/components/form-field';
import {
  isAbort,
  listOAuthProviders,
  oauthStartUrl,
  signIn,
  signUp,
  toApiError,
  type ApiError,
  type OAuthProvider,
} from '@/lib/api';
import { pluralize, safeNextPath } from '@/lib/utils';
import { useSession } from './session-provider';

type Mode = 'signin' | 'signup';
type Field = 'email' | 'password' | 'name';

const MIN_PASSWORD = 10;
const MAX_PASSWORD = 256;

function clientErrors(mode: Mode, email: string, password: string): Partial<Record<Field, string>> {
  const errors: Partial<Record<Field, string>> = {};
  if (!email.trim()) errors.email = 'Enter your email address.';
  else if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email.trim())) errors.email = 'Enter a valid email address.';
  if (!password) errors.password = 'Enter your password.';
  else if (mode === 'signup' && password.length < MIN_PASSWORD)
    errors.password = `Use at least ${MIN_PASSWORD} characters.`;
  else if (password.length > MAX_PASSWORD) errors.password = `Use at most ${MAX_PASSWORD} characters.`;
  return errors;
}

/** The sign-in and sign-up forms. Reads `?next=` (same-origin paths only); must sit in a <Suspense>. */
export function AuthForm({ mode }: { mode: Mode }) {
  const router = useRouter();
  const params = useSearchParams();
  const nextParam = params?.get('next') ?? null;
  const next = safeNextPath(nextParam);
  const { state, setUser, signOut } = useSession();
  const oauthError = params?.get('error') ?? null;

  const [email, setEmail] = React.useState('');
  const [password, setPassword] = React.useState('');
  const [name, setName] = React.useState('');
  const [showPassword, setShowPassword] = React.useState(false);
  const [errors, setErrors] = React.useState<Partial<Record<Field, string>>>({});
  const [formError, setFormError] = React.useState<ApiError | null>(null);
  const [pending, setPending] = React.useState(false);
  const [done, setDone] = React.useState(false);
  const [waitUntil, setWaitUntil] = React.useState<number | null>(null);
  const [now, setNow] = React.useState(() => Date.now());

  const emailRef = React.useRef<HTMLInputElement>(null);
  const passwordRef = React.useRef<HTMLInputElement>(null);
  const nameRef = React.useRef<HTMLInputElement>(null);

  // Count down a 429's Retry-After so the button re-enables itself.
  React.useEffect(() => {
    if (waitUntil === null) return;
    const timer = window.setInterval(() => {
      const t = Date.now();
      setNow(t);
      if (t >= waitUntil) {
        setWaitUntil(null);
        window.clearInterval(timer);
      }
    }, 1000);
    return () => window.clearInterval(timer);
  }, [waitUntil]);
  const waitSeconds = waitUntil === null ? 0 : Math.max(0, Math.ceil((waitUntil - now) / 1000));

  const focusFirst = (e: Partial<Record<Field, string>>) => {
    if (e.email) emailRef.current?.focus();
    else if (e.password) passwordRef.current?.focus();
    else if (e.name) nameRef.current?.focus();
  };

  const onSubmit = async (event: React.FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (pending || waitSeconds > 0) return;
    setFormError(null);
    const found = clientErrors(mode, email, password);
    setErrors(found);
    if (Object.keys(found).length > 0) {
      focusFirst(found);
      return;
    }
    setPending(true);
    try {
      const trimmedName = name.trim();
      const { user } =
        mode === 'signup'
          ? await signUp({ email: email.trim(), password, ...(trimmedName ? { name: trimmedName } : {}) })
          : await signIn({ email: email.trim(), password });
      setDone(true);
      setUser(user);
      router.replace(next);
    } catch (err) {
      const error = toApiError(err);
      const fields = error.fields;
      const fieldErrors: Partial<Record<Field, string>> = {};
      for (const key of ['email', 'password', 'name'] as const) {
        if (fields[key]) fieldErrors[key] = sentence(fields[key]);
      }
      if (error.code === 'email_taken') fieldErrors.email = 'An account with this email already exists.';
      setErrors(fieldErrors);
      if (Object.keys(fieldErrors).length > 0) {
        focusFirst(fieldErrors);
        // Field errors say it all; keep a form-level message only for anything unexplained.
        if (error.code !== 'email_taken' && Object.keys(fields).length === 0) setFormError(error);
      } else {
        setFormError(error);
      }
      if (error.status === 429) {
        setNow(Date.now());
        setWaitUntil(Date.now() + (error.retryAfter ?? 30) * 1000);
      }
      setPending(false);
    }
  };

  if (state.status === 'loading' && !done) return <AuthFormSkeleton />;

  if (state.status === 'signed-in' && !done) {
    return (
      <div className="grid gap-4 text-sm">
        <p>
          You’re signed in as <span className="font-medium">{state.user.email}</span>.
        </p>
        <div className="flex flex-wrap gap-2">
          <Button asChild>
            <Link href={next}>Continue</Link>
          </Button>
          <Button variant="outline" onClick={() => void signOut().catch(() => undefined)}>
            Sign out
          </Button>
        </div>
      </div>
    );
  }

  const other = mode === 'signin' ? '/signup' : '/signin';
  const otherHref = nextParam && next === nextParam ? `${other}?next=${encodeURIComponent(next)}` : other;
  const idp = `auth-${mode}`;

  return (
    <form onSubmit={onSubmit} noValidate className="grid gap-5">
      {formError ? (
        <AuthError error={formError} mode={mode} waitSeconds={waitSeconds} />
      ) : (
        oauthError && <OAuthError reason={oauthError} />
      )}
      <OAuthButtons next={next} />
      {mode === 'signup' && (
        <FormField id={`${idp}-name`} label="Name" optional error={errors.name}>
          {(a11y) => (
            <Input
              {...a11y}
              ref={nameRef}
              name="name"
              autoComplete="name"
              value={name}
              maxLength={100}
              onChange={(e) => setName(e.target.value)}
            />
          )}
        </FormField>
      )}
      <FormField id={`${idp}-email`} label="Email" error={errors.email}>
        {(a11y) => (
          <Input
            {...a11y}
            ref={emailRef}
            type="email"
            name="email"
            autoComplete={mode === 'signup' ? 'email' : 'username'}
            inputMode="email"
            spellCheck={false}
            required
            value={email}
            onChange={(e) => {
              setEmail(e.target.value);
              // A lock on one account shouldn't stop you from signing in to another.
              if (formError?.code === 'account_locked') setWaitUntil(null);
            }}
          />
        )}
      </FormField>
      <FormField
        id={`${idp}-password`}
        label="Password"
        hint={mode === 'signup' ? `At least ${MIN_PASSWORD} characters. A passphrase works well.` : undefined}
        error={errors.password}
      >
        {(a11y) => (
          <div className="relative">
            <Input
              {...a11y}
              ref={passwordRef}
              type={showPassword ? 'text' : 'password'}
              name="password"
              autoComplete={mode === 'signup' ? 'new-password' : 'current-password'}
              required
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              className="pr-10"
            />
            <button
              type="button"
              onClick={() => setShowPassword((v) => !v)}
              aria-pressed={showPassword}
              aria-label="Show password"
              title={showPassword ? 'Hide password' : 'Show password'}
              className="absolute top-1/2 right-1 inline-flex size-7 -translate-y-1/2 items-center justify-center rounded-md text-muted-foreground hover:bg-accent hover:text-accent-foreground"
            >
              {showPassword ? (
                <EyeOff className="size-4" aria-hidden="true" />
              ) : (
                <Eye className="size-4" aria-hidden="true" />
              )}
            </button>
          </div>
        )}
      </FormField>
      <Button type="submit" size="lg" disabled={pending || done || waitSeconds > 0} className="w-full">
        {pending || done ? (
          <>
            <Loader2 className="animate-spin" aria-hidden="true" />
            {mode === 'signup' ? 'Creating your account…' : 'Signing in…'}
          </>
        ) : waitSeconds > 0 ? (
          `Try again in ${waitSeconds}s`
        ) : mode === 'signup' ? (
          'Create account'
        ) : (
          'Sign in'
        )}
      </Button>
      <p className="text-center text-sm text-muted-foreground">
        {mode === 'signin' ? 'New to Engify? ' : 'Already have an account? '}
        <Link href={otherHref} className="font-medium text-primary underline-offset-4 hover:underline">
          {mode === 'signin' ? 'Create an account' : 'Sign in'}
        </Link>
      </p>
    </form>
  );
}

/** "must be at least 10 characters" → "Must be at least 10 characters." */
function sentence(message: string): string {
  const s = message.trim();
  if (!s) return s;
  return `${s.charAt(0).toUpperCase()}${s.slice(1)}${/[.!?]$/.test(s) ? '' : '.'}`;
}

function AuthError({ error, mode, waitSeconds }: { error: ApiError; mode: Mode; waitSeconds: number }) {
  let title = mode === 'signup' ? 'Couldn’t create your account' : 'Couldn’t sign you in';
  let message = error.message;
  if (error.code === 'invalid_credentials') {
    title = 'Wrong email or password';
    message = 'Check both and try again. Passwords are case-sensitive.';
  } else if (error.status === 429) {
    title = error.code === 'account_locked' ? 'Too many failed attempts' : 'Too many requests';
    // The number is fixed at the time of the error so screen readers announce it once; the
    // button counts down.
    const seconds = error.retryAfter ?? 30;
    const minutes = seconds >= 120 ? ` (about ${Math.round(seconds / 60)} minutes)` : '';
    message = `${error.code === 'account_locked' ? 'Sign-in is paused for this account. ' : ''}Try again in ${pluralize(seconds, 'second')}${minutes}.`;
  }
  return (
    <Alert variant="destructive" role="alert">
      <AlertCircle aria-hidden="true" />
      <AlertTitle>{title}</AlertTitle>
      <AlertDescription>
        <p>{message}</p>
        {error.status === 429 && waitSeconds === 0 && <p>You can try again now.</p>}
        {error.requestId && error.status >= 500 && (
          <p className="font-mono text-xs">Request ID: {error.requestId}</p>
        )}
      </AlertDescription>
    </Alert>
  );
}

const PROVIDER_LABEL: Record<OAuthProvider, string> = { github: 'GitHub', google: 'Google' };

/** "Continue with GitHub / Google" for the providers this server has enabled (none: nothing). */
function OAuthButtons({ next }: { next: string }) {
  const [providers, setProviders] = React.useState<OAuthProvider[]>([]);
  React.useEffect(() => {
    const controller = new AbortController();
    listOAuthProviders(controller.signal)
      .then((r) => setProviders(r.providers.filter((p) => p in PROVIDER_LABEL)))
      .catch((err: unknown) => {
        if (!isAbort(err)) setProviders([]);
      });
    return () => controller.abort();
  }, []);
  if (providers.length === 0) return null;
  return (
    <div className="grid gap-4">
      <div className="grid gap-2">
        {providers.map((p) => (
          <Button key={p} asChild variant="outline" className="w-full">
            {/* A full navigation: the API redirects to the provider and back to `next`. */}
            <a href={oauthStartUrl(p, next)}>Continue with {PROVIDER_LABEL[p]}</a>
          </Button>
        ))}
      </div>
      <div className="flex items-center gap-3 text-xs text-muted-foreground" aria-hidden="true">
        <span className="h-px flex-1 bg-border" /> or with email <span className="h-px flex-1 bg-border" />
      </div>
    </div>
  );
}

const OAUTH_ERRORS: Record<string, string> = {
  oauth_state: 'The sign-in took too long or was started in another browser. Please try again.',
  oauth_unverified_email:
    'Your account there has no verified email address we can use. Verify one with the provider, or use email and password.',
  oauth_failed: 'Signing in with the provider failed or was cancelled. Please try again.',
};

function OAuthError({ reason }: { reason: string }) {
  return (
    <Alert variant="destructive" role="alert">
      <AlertCircle aria-hidden="true" />
      <AlertTitle>Couldn’t sign you in</AlertTitle>
      <AlertDescription>
        <p>{OAUTH_ERRORS[reason] ?? 'Something went wrong while signing you in. Please try again.'}</p>
      </AlertDescription>
    </Alert>
  );
}

export function AuthFormSkeleton() {
  return (
    <div aria-busy="true" aria-label="Loading" className="grid gap-5">
      <Skeleton className="h-14 w-full" />
      <Skeleton className="h-14 w-full" />
      <Skeleton className="h-10 w-full" />
    </div>
  );
}
