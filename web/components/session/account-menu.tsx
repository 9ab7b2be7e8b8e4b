'use client';

import * as React from 'react';
import Link from 'next/link';
import { usePathname, useRouter } from 'next/navigation';
import { FileText, Heart, History, KeyRound, LogOut, ShieldCheck, UserRound } from 'lucide-react';
import { Button } from '@/components/ui/button';
import {
  DropdownMenu,
  DropdownMenuContent,
  DropdownMenuGroup,
  DropdownMenuItem,
  DropdownMenuLabel,
  DropdownMenuSeparator,
  DropdownMenuTrigger,
} from '@/components/ui/dropdown-menu';
import { Skeleton } from '@/components/ui/skeleton';
import { signInHref } from '@/lib/utils';
import { useCurrentPath, useSession } from './session-provider';

/** Pages that only make sense signed in; signing out there goes home. */
export const PRIVATE_PREFIXES = [
  '/account',
  '/my',
  '/favorites',
  '/admin',
  '/settings',
  '/workbench',
  '/compare',
  '/history',
];

export function isPrivatePath(pathname: string): boolean {
  return PRIVATE_PREFIXES.some((p) => pathname === p || pathname.startsWith(`${p}/`));
}

function initials(name: string | null, email: string): string {
  const source = name?.trim() || email;
  const parts = source.split(/[\s@._-]+/).filter(Boolean);
  const letters = (parts[0]?.[0] ?? '') + (name?.trim() && parts[1] ? parts[1][0] : '');
  return (letters || '?').toUpperCase();
}

/** Header: "Sign in" / "Sign up" when signed out, an account menu when signed in. */
export function AccountMenu() {
  const { state, signOut } = useSession();
  const router = useRouter();
  const pathname = usePathname() ?? '/';
  const current = useCurrentPath();
  const [signingOut, setSigningOut] = React.useState(false);

  if (state.status === 'loading') return <AccountMenuSkeleton />;

  if (state.status !== 'signed-in') {
    const onAuthPage = pathname === '/signin' || pathname === '/signup';
    return (
      <div className="flex items-center gap-1.5">
        {pathname !== '/signin' && (
          <Button asChild variant="ghost" size="sm">
            <Link href={onAuthPage ? '/signin' : signInHref(current)}>Sign in</Link>
          </Button>
        )}
        {pathname !== '/signup' && (
          <Button asChild size="sm" className={pathname === '/signin' ? undefined : 'hidden sm:inline-flex'}>
            <Link href={onAuthPage ? '/signup' : signInHref(current, '/signup')}>Sign up</Link>
          </Button>
        )}
      </div>
    );
  }

  const { user } = state;
  const onSignOut = async () => {
    setSigningOut(true);
    try {
      await signOut();
      if (isPrivatePath(pathname)) router.push('/');
    } catch {
      // Keep the menu usable; the account page offers sign-out with a visible error.
      router.push('/account');
    } finally {
      setSigningOut(false);
    }
  };

  return (
    <DropdownMenu modal={false}>
      <DropdownMenuTrigger asChild>
        <Button
          variant="ghost"
          size="icon"
          aria-label={`Account menu for ${user.email}`}
          title={user.email}
          className="rounded-full"
          data-testid="account-menu"
        >
          <span
            aria-hidden="true"
            className="flex size-8 items-center justify-center rounded-full bg-primary/15 text-xs font-semibold text-primary ring-1 ring-primary/25"
          >
            {initials(user.name, user.email)}
          </span>
        </Button>
      </DropdownMenuTrigger>
      <DropdownMenuContent align="end" className="w-60">
        <DropdownMenuLabel className="grid gap-0.5 font-normal">
          {user.name && <span className="truncate text-sm font-medium text-foreground">{user.name}</span>}
          <span className="truncate text-xs text-muted-foreground">{user.email}</span>
        </DropdownMenuLabel>
        <DropdownMenuSeparator />
        <DropdownMenuGroup>
          <DropdownMenuItem asChild>
            <Link href="/my/prompts">
              <FileText aria-hidden="true" /> My prompts
            </Link>
          </DropdownMenuItem>
          <DropdownMenuItem asChild>
            <Link href="/favorites">
              <Heart aria-hidden="true" /> Favorites
            </Link>
          </DropdownMenuItem>
          <DropdownMenuItem asChild>
            <Link href="/history">
              <History aria-hidden="true" /> Run history
            </Link>
          </DropdownMenuItem>
        </DropdownMenuGroup>
        <DropdownMenuSeparator />
        <DropdownMenuGroup>
          <DropdownMenuItem asChild>
            <Link href="/account">
              <UserRound aria-hidden="true" /> Account
            </Link>
          </DropdownMenuItem>
          <DropdownMenuItem asChild>
            <Link href="/settings/keys">
              <KeyRound aria-hidden="true" /> Provider keys
            </Link>
          </DropdownMenuItem>
          {user.role === 'admin' && (
            <DropdownMenuItem asChild>
              <Link href="/admin/users">
                <ShieldCheck aria-hidden="true" /> Admin
              </Link>
            </DropdownMenuItem>
          )}
        </DropdownMenuGroup>
        <DropdownMenuSeparator />
        <DropdownMenuItem disabled={signingOut} onSelect={onSignOut}>
          <LogOut aria-hidden="true" /> Sign out
        </DropdownMenuItem>
      </DropdownMenuContent>
    </DropdownMenu>
  );
}

export function AccountMenuSkeleton() {
  return <Skeleton className="h-8 w-8 rounded-full sm:w-36 sm:rounded-md" />;
}
