'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { cn } from '@/lib/utils';

/** Header navigation link that marks the current section with aria-current. */
export function NavLink({
  href,
  children,
  match,
}: {
  href: string;
  children: React.ReactNode;
  match?: string[];
}) {
  const pathname = usePathname() ?? '';
  const prefixes = match ?? [href];
  const active = prefixes.some((p) => pathname === p || pathname.startsWith(`${p}/`));
  return (
    <Link
      href={href}
      aria-current={active ? 'page' : undefined}
      className={cn(
        'rounded-md px-2 py-1.5 text-sm font-medium whitespace-nowrap text-muted-foreground transition-colors hover:text-foreground sm:px-3',
        active && 'text-foreground',
      )}
    >
      {children}
    </Link>
  );
}
