'use client';

import { AlertCircle, Loader2 } from 'lucide-react';
import { Button } from '@/components/ui/button';
import type { ApiError } from '@/lib/api';

export function LoadMore({
  pending,
  error,
  onClick,
}: {
  pending: boolean;
  error: ApiError | null;
  onClick: () => void;
}) {
  return (
    <div className="mt-8 flex flex-col items-center gap-3">
      {error && (
        <p role="alert" className="flex items-center gap-2 text-sm text-destructive">
          <AlertCircle className="size-4" aria-hidden="true" />
          {error.message}
        </p>
      )}
      <Button variant="outline" onClick={onClick} disabled={pending} className="min-w-40">
        {pending ? (
          <>
            <Loader2 className="animate-spin" aria-hidden="true" /> Loading…
          </>
        ) : error ? (
          'Try again'
        ) : (
          'Load more'
        )}
      </Button>
    </div>
  );
}
