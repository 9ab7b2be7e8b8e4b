import { Suspense } from 'react';
import Link from 'next/link';
import { ArrowUpRight } from 'lucide-react';
import { AccountMenu, AccountMenuSkeleton } from '@/components/session/account-menu';
import { HeaderSearch } from './header-search';
import { LogoMark } from './logo';
import { NavLink } from './nav-link';
import { ThemeToggle } from './theme-toggle';

export function SiteHeader() {
  return (
    <header className="sticky top-0 z-40 border-b bg-background/85 backdrop-blur supports-[backdrop-filter]:bg-background/70">
      <div className="mx-auto flex h-14 max-w-6xl items-center gap-2 px-4 sm:gap-4 sm:px-6">
        <Link
          href="/"
          className="flex shrink-0 items-center gap-2 rounded-md font-semibold tracking-tight"
          aria-label="Engify home"
        >
          <LogoMark className="size-7" />
          <span className="hidden text-[15px] min-[400px]:inline">Engify</span>
        </Link>
        {/* On the narrowest phones the links scroll sideways; the account menu always stays in view. */}
        <nav
          aria-label="Main"
          className="-my-1 flex min-w-0 items-center overflow-x-auto py-1 [scrollbar-width:none] [&::-webkit-scrollbar]:hidden"
        >
          <NavLink href="/library" match={['/library', '/prompts']}>
            Library
          </NavLink>
          <NavLink href="/patterns">Patterns</NavLink>
          <NavLink href="/workbench" match={['/workbench', '/compare', '/history']}>
            Workbench
          </NavLink>
          <NavLink href="/chat">Chat</NavLink>
          <NavLink href="/kb">Knowledge base</NavLink>
          {/* Narrow screens need the room for the account links; the footer links the docs too. */}
          <a
            href="/api/docs"
            className="hidden items-center gap-0.5 rounded-md px-2 py-1.5 text-sm font-medium whitespace-nowrap text-muted-foreground transition-colors hover:text-foreground sm:inline-flex sm:px-3"
          >
            API docs
            <ArrowUpRight className="hidden size-3.5 sm:inline" aria-hidden="true" />
          </a>
        </nav>
        <div className="ml-auto flex shrink-0 items-center gap-2">
          <HeaderSearch />
          <ThemeToggle />
          {/* The menu reads the query string (for ?next=), which only exists in the browser. */}
          <Suspense fallback={<AccountMenuSkeleton />}>
            <AccountMenu />
          </Suspense>
        </div>
      </div>
    </header>
  );
}
