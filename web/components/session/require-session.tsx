'use client';

import * as React from 'react';
import Link from 'next/link';
import { Lock, ShieldAlert } from 'lucide-react';
import { Button } from '@/components/ui/button';
import { Skeleton } from '@/components/ui/skeleton';
import { EmptyState, ErrorAlert } from '@/components/status';
import type { User } from '@/lib/types';
import { signInHref } from '@/lib/utils';
import { useCurrentPath, useSession } from './session-provider';

/**
 * Renders `children(user)` once `/api/me` says someone is signed in (and is an admin, with `admin`).
 * Signed-out visitors get a sign-in prompt that brings them back here. Must sit in a <Suspense>.
 */
export function RequireSession({
  children,
  what,
  admin = false,
  fallback,
}: {
  children: (user: User) => React.ReactNode;
  /** "your prompts" → "Sign in to see your prompts". */
  what: string;
  admin?: boolean;
  fallback?: React.ReactNode;
}) {
  const { state, refresh } = useSession();
  const current = useCurrentPath();

  if (state.status === 'loading') return <>{fallback ?? <PageSkeleton />}</>;
  if (state.status === 'error') {
    return (
      <ErrorAlert title="Couldn’t check whether you are signed in" error={state.error} onRetry={refresh} />
    );
  }
  if (state.status === 'signed-out') {
    return (
      <EmptyState
        icon={Lock}
        title={`Sign in to see ${what}`}
        actions={
          <>
            <Button asChild>
              <Link href={signInHref(current)}>Sign in</Link>
            </Button>
            <Button asChild variant="outline">
              <Link href={signInHref(current, '/signup')}>Create an account</Link>
            </Button>
          </>
        }
      >
        You need an Engify account for this page. It’s free.
      </EmptyState>
    );
  }
  if (admin && state.user.role !== 'admin') {
    return (
      <EmptyState
        icon={ShieldAlert}
        title="Admins only"
        actions={
          <Button asChild variant="outline">
            <Link href="/account">Go to your account</Link>
          </Button>
        }
      >
        You are signed in as {state.user.email}, which is not an admin account.
      </EmptyState>
    );
  }
  return <>{children(state.user)}</>;
}

export function PageSkeleton() {
  return (
    <div aria-busy="true" aria-label="Loading" className="grid gap-4">
      <Skeleton className="h-24 w-full rounded-xl" />
      <Skeleton className="h-24 w-full rounded-xl" />
      <Skeleton className="h-24 w-full rounded-xl" />
    </div>
  );
}
