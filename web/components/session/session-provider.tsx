'use client';

import * as React from 'react';
import { usePathname, useSearchParams } from 'next/navigation';
import { ApiError, getMe, isAbort, signOut as apiSignOut, UNAUTHENTICATED_EVENT } from '@/lib/api';
import type { User } from '@/lib/types';

export type SessionState =
  | { status: 'loading'; user: null }
  | { status: 'signed-in'; user: User }
  | { status: 'signed-out'; user: null }
  /** `/api/me` failed for another reason than 401 (API down, network): treated as signed out, with a retry. */
  | { status: 'error'; user: null; error: ApiError };

export interface Session {
  state: SessionState;
  user: User | null;
  /** Call after sign-in / sign-up with the `user` the API returned. */
  setUser: (user: User | null) => void;
  /** Re-asks `GET /api/me`. */
  refresh: () => void;
  /** Signs out (this device, or every session with `everywhere`) and resolves to the number signed out. */
  signOut: (everywhere?: boolean) => Promise<number>;
  /** Call just before a navigation that signs in outside the app (OAuth), so the next page asks /api/me. */
  expectSession: () => void;
}

const SessionContext = React.createContext<Session | null>(null);

/**
 * "This browser may have a session": set when a sign-in succeeds, cleared on sign-out or a 401. It
 * holds nothing secret (the session cookie is HttpOnly); it only spares signed-out visitors a
 * `GET /api/me` that would answer 401 on every page view, which browsers log as a console error.
 */
const HINT_KEY = 'engify-session-hint';

function readHint(): boolean {
  try {
    return window.localStorage.getItem(HINT_KEY) === '1';
  } catch {
    return true; // No storage: just ask the API.
  }
}

function writeHint(on: boolean): void {
  try {
    if (on) window.localStorage.setItem(HINT_KEY, '1');
    else window.localStorage.removeItem(HINT_KEY);
  } catch {
    // Storage unavailable: every page load asks the API instead.
  }
}

/**
 * Who is signed in. The session cookie is HttpOnly, so the app asks `GET /api/me` (401
 * `unauthenticated` = signed out) once per page load and keeps the answer here for every component.
 */
export function SessionProvider({ children }: { children: React.ReactNode }) {
  const [state, setState] = React.useState<SessionState>({ status: 'loading', user: null });
  const [attempt, setAttempt] = React.useState(0);

  React.useEffect(() => {
    if (attempt === 0 && !readHint()) {
      setState({ status: 'signed-out', user: null });
      return;
    }
    const controller = new AbortController();
    getMe(controller.signal)
      .then((me) => {
        writeHint(true);
        setState({ status: 'signed-in', user: me.user });
      })
      .catch((err: unknown) => {
        if (isAbort(err)) return;
        if (err instanceof ApiError && err.status === 401) {
          writeHint(false);
          setState({ status: 'signed-out', user: null });
        } else
          setState({
            status: 'error',
            user: null,
            error:
              err instanceof ApiError
                ? err
                : new ApiError('Could not check your session.', 0, 'CLIENT_ERROR'),
          });
      });
    return () => controller.abort();
  }, [attempt]);

  // Any API call answering 401 `unauthenticated` means the session is gone (expired, or signed out
  // elsewhere); another tab signing in or out updates this one too.
  React.useEffect(() => {
    const onUnauthenticated = () => {
      writeHint(false);
      setState((s) => (s.status === 'signed-out' ? s : { status: 'signed-out', user: null }));
    };
    const onStorage = (e: StorageEvent) => {
      if (e.key !== HINT_KEY) return;
      if (e.newValue === '1') setAttempt((n) => n + 1);
      else setState({ status: 'signed-out', user: null });
    };
    window.addEventListener(UNAUTHENTICATED_EVENT, onUnauthenticated);
    window.addEventListener('storage', onStorage);
    return () => {
      window.removeEventListener(UNAUTHENTICATED_EVENT, onUnauthenticated);
      window.removeEventListener('storage', onStorage);
    };
  }, []);

  const setUser = React.useCallback((user: User | null) => {
    writeHint(user !== null);
    setState(user ? { status: 'signed-in', user } : { status: 'signed-out', user: null });
  }, []);
  const refresh = React.useCallback(() => setAttempt((n) => n + 1), []);
  const expectSession = React.useCallback(() => writeHint(true), []);
  const signOut = React.useCallback(async (everywhere = false) => {
    try {
      const { signedOut } = await apiSignOut(everywhere);
      writeHint(false);
      setState({ status: 'signed-out', user: null });
      return signedOut;
    } catch (err) {
      // Already signed out (expired session): the goal is reached.
      if (err instanceof ApiError && err.status === 401) {
        writeHint(false);
        setState({ status: 'signed-out', user: null });
        return 0;
      }
      throw err;
    }
  }, []);

  const value = React.useMemo<Session>(
    () => ({ state, user: state.user, setUser, refresh, signOut, expectSession }),
    [state, setUser, refresh, signOut, expectSession],
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
