'use client';

import * as React from 'react';
import { Loader2 } from 'lucide-react';
import { Button } from '@/components/ui/button';
import {
  Dialog,
  DialogClose,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
} from '@/components/ui/dialog';
import { ErrorAlert } from '@/components/status';
import { deletePrompt, toApiError, type ApiError } from '@/lib/api';

/** "Delete “title”?" confirmation. Calls `onDeleted` after the API confirms (404 counts: it's gone). */
export function DeletePromptDialog({
  prompt,
  onOpenChange,
  onDeleted,
  focusAfterDelete,
}: {
  prompt: { slug: string; title: string } | null;
  onOpenChange: (open: boolean) => void;
  onDeleted: (slug: string) => void;
  /** Where focus goes once the dialog closes after a delete (the trigger is gone with the prompt). */
  focusAfterDelete?: () => HTMLElement | null;
}) {
  const deleted = React.useRef(false);
  const [pending, setPending] = React.useState(false);
  const [error, setError] = React.useState<ApiError | null>(null);
  React.useEffect(() => setError(null), [prompt]);

  const onDelete = async () => {
    if (!prompt) return;
    setPending(true);
    setError(null);
    try {
      await deletePrompt(prompt.slug);
      deleted.current = true;
      onDeleted(prompt.slug);
    } catch (err) {
      const e = toApiError(err);
      if (e.status === 404) {
        deleted.current = true;
        onDeleted(prompt.slug);
      } else setError(e);
    } finally {
      setPending(false);
    }
  };

  return (
    <Dialog open={prompt !== null} onOpenChange={(open) => !pending && onOpenChange(open)}>
      <DialogContent
        onCloseAutoFocus={(e) => {
          if (!deleted.current || !focusAfterDelete) return;
          deleted.current = false;
          e.preventDefault();
          focusAfterDelete()?.focus();
        }}
      >
        <DialogHeader>
          <DialogTitle>Delete “{prompt?.title}”?</DialogTitle>
          <DialogDescription>
            The prompt, its ratings and everyone’s favorites of it are removed for good. This can’t be undone.
          </DialogDescription>
        </DialogHeader>
        {error && <ErrorAlert title="Couldn’t delete the prompt" error={error} />}
        <DialogFooter>
          <DialogClose asChild>
            <Button variant="outline" disabled={pending}>
              Cancel
            </Button>
          </DialogClose>
          <Button variant="destructive" onClick={onDelete} disabled={pending}>
            {pending && <Loader2 className="animate-spin" aria-hidden="true" />}
            Delete prompt
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}
