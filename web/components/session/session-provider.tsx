'use client';

import * as React from 'react';
import { usePathname, useSearchParams } from 'next/navigation';
import { ApiError, getSession, isAbort, signOut as apiSignOut, UNAUTHENTICATED_EVENT } from '@/lib/api';
import type { User } from '@/lib/types';

export type SessionState =
  | { status: 'loading'; user: null }
  | { status: 'signed-in'; user: User }
  | { status: 'signed-out'; user: null }
  /** The session check failed (API down, network): treated as signed out, with a retry. */
  | { status: 'error'; user: null; error: ApiError };

export interface Session {
  state: SessionState;
  user: User | null;
  /** Call after sign-in / sign-up with the `user` the API returned. */
  setUser: (user: User | null) => void;
  /** Asks `GET /api/auth/session` again. */
  refresh: () => void;
  /** Signs out (this device, or every session with `everywhere`) and resolves to the number signed out. */
  signOut: (everywhere?: boolean) => Promise<number>;
}

const SessionContext = React.createContext<Session | null>(null);

/** Tabs of this browser tell each other about a sign-out, so none keeps showing a dead session. */
const CHANNEL = 'engify-session';

function broadcastSignOut(): void {
  if (typeof BroadcastChannel === 'undefined') return;
  const channel = new BroadcastChannel(CHANNEL);
  channel.postMessage('signed-out');
  channel.close();
}

/**
 * Who is signed in. The session cookie is HttpOnly, so the app asks `GET /api/auth/session` (200 with
 * `user: null` when signed out, never a 401 for the console to log) once per page load and keeps the
 * answer here for every component.
 */
export function SessionProvider({ children }: { children: React.ReactNode }) {
  const [state, setState] = React.useState<SessionState>({ status: 'loading', user: null });
  const [attempt, setAttempt] = React.useState(0);

  React.useEffect(() => {
    const controller = new AbortController();
    getSession(controller.signal)
      .then(({ user }) =>
        setState(user ? { status: 'signed-in', user } : { status: 'signed-out', user: null }),
      )
      .catch((err: unknown) => {
        if (isAbort(err)) return;
        setState({
          status: 'error',
          user: null,
          error:
            err instanceof ApiError ? err : new ApiError('Could not check your session.', 0, 'CLIENT_ERROR'),
        });
      });
    return () => controller.abort();
  }, [attempt]);

  // Any API call answering 401 `unauthenticated` means the session is gone (expired, or signed out
  // elsewhere); another tab signing out signs this one out too.
  React.useEffect(() => {
    const signedOut = () =>
      setState((s) => (s.status === 'signed-out' ? s : { status: 'signed-out', user: null }));
    window.addEventListener(UNAUTHENTICATED_EVENT, signedOut);
    const channel = typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel(CHANNEL);
    if (channel) {
      channel.onmessage = (e: MessageEvent) => {
        if (e.data === 'signed-out') signedOut();
      };
    }
    return () => {
      window.removeEventListener(UNAUTHENTICATED_EVENT, signedOut);
      channel?.close();
    };
  }, []);

  const setUser = React.useCallback((user: User | null) => {
    setState(user ? { status: 'signed-in', user } : { status: 'signed-out', user: null });
  }, []);
  const refresh = React.useCallback(() => setAttempt((n) => n + 1), []);
  const signOut = React.useCallback(async (everywhere = false) => {
    try {
      const { signedOut } = await apiSignOut(everywhere);
      setState({ status: 'signed-out', user: null });
      broadcastSignOut();
      return signedOut;
    } catch (err) {
      // Already signed out (expired session): the goal is reached.
      if (err instanceof ApiError && err.status === 401) {
        setState({ status: 'signed-out', user: null });
        broadcastSignOut();
        return 0;
      }
      throw err;
    }
  }, []);

  const value = React.useMemo<Session>(
    () => ({ state, user: state.user, setUser, refresh, signOut }),
    [state, setUser, refresh, signOut],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = React.useContext(SessionContext);
  if (!session) throw new Error('useSession() must be used inside <SessionProvider>');
  return session;
}

/**
 * The current path with its query string (`/library/prompt?slug=x`), for `?next=` links.
 * Uses useSearchParams, so callers sit inside a <Suspense> boundary (static export requirement).
 */
export function useCurrentPath(): string {
  const pathname = usePathname() ?? '/';
  const search = useSearchParams()?.toString() ?? '';
  return search ? `${pathname}?${search}` : pathname;
}
