'use client';

import * as React from 'react';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
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
    <ConfirmDialog
      open={prompt !== null}
      onOpenChange={onOpenChange}
      onCloseAutoFocus={(e) => {
        if (!deleted.current || !focusAfterDelete) return;
        deleted.current = false;
        e.preventDefault();
        focusAfterDelete()?.focus();
      }}
      title={<>Delete “{prompt?.title}”?</>}
      description="The prompt, its ratings and everyone’s favorites of it are removed for good. This can’t be undone."
      error={error}
      errorTitle="Couldn’t delete the prompt"
      confirmLabel="Delete prompt"
      destructive
      pending={pending}
      onConfirm={onDelete}
    />
  );
}
