'use client';

import * as React from 'react';
import { Check, ChevronLeft, ChevronRight, Loader2 } from 'lucide-react';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { NativeSelect } from '@/components/ui/native-select';
import { Skeleton } from '@/components/ui/skeleton';
import { RequireSession } from '@/components/session/require-session';
import { useSession } from '@/components/session/session-provider';
import { ErrorAlert } from '@/components/status';
import { isAbort, listUsers, toApiError, updateUser, type ApiError } from '@/lib/api';
import { TIERS, TIER_LABEL, type Tier, type User } from '@/lib/types';
import { formatDate } from '@/lib/utils';

const PAGE_SIZE = 50;

export function AdminUsersPage() {
  return (
    <RequireSession what="the admin pages" admin fallback={<TableSkeleton />}>
      {() => <UsersTable />}
    </RequireSession>
  );
}

type RowStatus = { state: 'saving' } | { state: 'saved' } | { state: 'error'; message: string };

function UsersTable() {
  const { user: me, setUser } = useSession();
  const [offset, setOffset] = React.useState(0);
  const [attempt, setAttempt] = React.useState(0);
  const [state, setState] = React.useState<
    | { status: 'loading' }
    | { status: 'error'; error: ApiError }
    | { status: 'ready'; items: User[]; total: number }
  >({ status: 'loading' });
  const [rows, setRows] = React.useState<Record<string, RowStatus>>({});
  const [announce, setAnnounce] = React.useState('');

  React.useEffect(() => {
    const controller = new AbortController();
    setState({ status: 'loading' });
    listUsers({ limit: PAGE_SIZE, offset }, controller.signal)
      .then((page) => setState({ status: 'ready', items: page.items, total: page.total }))
      .catch((err: unknown) => {
        if (!isAbort(err)) setState({ status: 'error', error: toApiError(err) });
      });
    return () => controller.abort();
  }, [offset, attempt]);

  const changeTier = async (user: User, tier: Tier) => {
    const previous = user.tier;
    const replace = (u: User) =>
      setState((s) =>
        s.status === 'ready' ? { ...s, items: s.items.map((x) => (x.id === u.id ? u : x)) } : s,
      );
    replace({ ...user, tier });
    setRows((r) => ({ ...r, [user.id]: { state: 'saving' } }));
    try {
      const updated = await updateUser(user.id, { tier });
      replace(updated);
      if (me && updated.id === me.id) setUser(updated);
      setRows((r) => ({ ...r, [user.id]: { state: 'saved' } }));
      setAnnounce(`${updated.email} is now on the ${TIER_LABEL[updated.tier]} plan.`);
    } catch (err) {
      replace({ ...user, tier: previous });
      const message = toApiError(err).message;
      setRows((r) => ({ ...r, [user.id]: { state: 'error', message } }));
      setAnnounce(`Couldn’t change the plan of ${user.email}: ${message}`);
    }
  };

  if (state.status === 'loading') return <TableSkeleton />;
  if (state.status === 'error')
    return (
      <ErrorAlert title="Couldn’t load users" error={state.error} onRetry={() => setAttempt((n) => n + 1)} />
    );

  const from = state.total === 0 ? 0 : offset + 1;
  const to = offset + state.items.length;
  return (
    <section aria-labelledby="users-heading" className="grid gap-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h2 id="users-heading" className="text-sm text-muted-foreground">
          <span className="font-medium text-foreground">Users</span> · {from}–{to} of {state.total}
        </h2>
        <div className="flex gap-2">
          <Button
            variant="outline"
            size="sm"
            disabled={offset === 0}
            onClick={() => setOffset((o) => Math.max(0, o - PAGE_SIZE))}
          >
            <ChevronLeft aria-hidden="true" /> Previous
          </Button>
          <Button
            variant="outline"
            size="sm"
            disabled={to >= state.total}
            onClick={() => setOffset((o) => o + PAGE_SIZE)}
          >
            Next <ChevronRight aria-hidden="true" />
          </Button>
        </div>
      </div>
      <p role="status" className="sr-only">
        {announce}
      </p>
      <div className="overflow-x-auto rounded-xl border bg-card shadow-xs">
        <table className="w-full min-w-[40rem] text-sm">
          <caption className="sr-only">Users and their plans</caption>
          <thead className="border-b bg-muted/40 text-left text-xs text-muted-foreground">
            <tr>
              <th scope="col" className="px-4 py-2.5 font-medium">
                User
              </th>
              <th scope="col" className="px-4 py-2.5 font-medium">
                Role
              </th>
              <th scope="col" className="px-4 py-2.5 font-medium">
                Joined
              </th>
              <th scope="col" className="px-4 py-2.5 font-medium">
                Plan
              </th>
            </tr>
          </thead>
          <tbody className="divide-y">
            {state.items.map((u) => {
              const row = rows[u.id];
              return (
                <tr key={u.id} className="align-middle">
                  <th scope="row" className="max-w-[18rem] px-4 py-3 text-left font-normal">
                    <span className="block truncate font-medium">{u.email}</span>
                    {u.name && <span className="block truncate text-xs text-muted-foreground">{u.name}</span>}
                  </th>
                  <td className="px-4 py-3">
                    <Badge variant={u.role === 'admin' ? 'default' : 'secondary'}>
                      {u.role === 'admin' ? 'Admin' : 'User'}
                    </Badge>
                  </td>
                  <td className="px-4 py-3 whitespace-nowrap text-muted-foreground">
                    {formatDate(u.createdAt)}
                  </td>
                  <td className="px-4 py-3">
                    <div className="flex items-center gap-2">
                      <NativeSelect
                        aria-label={`Plan for ${u.email}`}
                        value={u.tier}
                        disabled={row?.state === 'saving'}
                        onChange={(e) => changeTier(u, e.target.value as Tier)}
                        className="w-28"
                      >
                        {TIERS.map((t) => (
                          <option key={t} value={t}>
                            {TIER_LABEL[t]}
                          </option>
                        ))}
                      </NativeSelect>
                      <span className="w-5" aria-hidden="true">
                        {row?.state === 'saving' ? (
                          <Loader2 className="size-4 animate-spin text-muted-foreground" />
                        ) : row?.state === 'saved' ? (
                          <Check className="size-4 text-success" />
                        ) : null}
                      </span>
                    </div>
                    {row?.state === 'error' && <p className="mt-1 text-xs text-destructive">{row.message}</p>}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function TableSkeleton() {
  return (
    <div aria-busy="true" aria-label="Loading users" className="grid gap-2">
      <Skeleton className="h-8 w-48" />
      <Skeleton className="h-64 w-full rounded-xl" />
    </div>
  );
}
