'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { Columns3, History, SquareTerminal } from 'lucide-react';
import { cn } from '@/lib/utils';

const TABS = [
  { href: '/workbench', label: 'Workbench', icon: SquareTerminal },
  { href: '/compare', label: 'Compare', icon: Columns3 },
  { href: '/history', label: 'History', icon: History },
] as const;

/** Tabs between the run pages: workbench, compare and history. */
export function AiNav({ className }: { className?: string }) {
  const pathname = usePathname() ?? '';
  return (
    <nav aria-label="Run tools" className={cn('border-b', className)}>
      <ul className="-mb-px flex gap-1 overflow-x-auto">
        {TABS.map(({ href, label, icon: Icon }) => {
          const active = pathname === href || pathname.startsWith(`${href}/`);
          return (
            <li key={href}>
              <Link
                href={href}
                aria-current={active ? 'page' : undefined}
                className={cn(
                  'inline-flex items-center gap-1.5 rounded-t-md border-b-2 border-transparent px-3 py-2 text-sm font-medium whitespace-nowrap text-muted-foreground transition-colors hover:text-foreground',
                  active && 'border-primary text-foreground',
                )}
              >
                <Icon className="size-4" aria-hidden="true" />
                {label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
