'use client';

import Link from 'next/link';
import { Play } from 'lucide-react';
import { Button } from '@/components/ui/button';
import { useSession } from '@/components/session/session-provider';
import { carryValues } from '@/lib/handoff';

/** "Run in workbench" for signed-in users: opens the prompt there with the values filled in so far. */
export function RunInWorkbench({ slug, values }: { slug: string; values: Record<string, string> }) {
  const { state } = useSession();
  if (state.status !== 'signed-in') return null;
  return (
    <Button asChild variant="outline">
      <Link
        href={`/workbench?prompt=${encodeURIComponent(slug)}`}
        onClick={() => carryValues(slug, values)}
        title="Run this prompt on your own provider key, with the values you filled in"
      >
        <Play aria-hidden="true" /> Run in workbench
      </Link>
    </Button>
  );
}
