'use client';

import * as React from 'react';
import Link from 'next/link';
import { usePathname, useRouter } from 'next/navigation';
import { Search } from 'lucide-react';
import { Kbd } from '@/components/ui/kbd';

export const FOCUS_SEARCH_KEY = 'engify-focus-search';

/**
 * Header shortcut to the library search. On the library page it focuses the search box; elsewhere it
 * navigates there. `/` does the same from any page (the library page handles `/` itself).
 */
export function HeaderSearch() {
  const pathname = usePathname();
  const router = useRouter();
  const onLibrary = pathname === '/library';

  const go = React.useCallback(() => {
    if (onLibrary) {
      document.getElementById('library-search')?.focus();
      return;
    }
    try {
      window.sessionStorage.setItem(FOCUS_SEARCH_KEY, '1');
    } catch {
      // Without storage the search box just won't be focused on arrival.
    }
    router.push('/library');
  }, [onLibrary, router]);

  React.useEffect(() => {
    if (onLibrary) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented) return;
      const target = e.target as HTMLElement | null;
      if (target?.closest('input, textarea, select, [contenteditable=""], [contenteditable="true"]')) return;
      e.preventDefault();
      go();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onLibrary, go]);

  return (
    <Link
      href="/library"
      onClick={(e) => {
        if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
        e.preventDefault();
        go();
      }}
      className="hidden h-9 w-56 items-center gap-2 rounded-md border border-input bg-muted/40 px-3 text-sm text-muted-foreground shadow-xs transition-colors hover:bg-muted md:inline-flex dark:bg-input/20"
    >
      <Search className="size-4" aria-hidden="true" />
      <span className="flex-1">Search prompts…</span>
      <Kbd>/</Kbd>
    </Link>
  );
}
