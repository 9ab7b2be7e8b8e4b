'use client';

import * as React from 'react';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { toApiError, type ApiError } from '@/lib/api';

/**
 * "Delete …?" for one item of a list. Confirming calls `remove`; once the API agrees (a 404 counts:
 * it was already gone, perhaps from another tab) it reports `onDeleted` and closes. While it animates
 * out it keeps showing the item it was opened for, and after a delete focus goes to `focusAfter`,
 * since the item's own Delete button left with it.
 */
export function DeleteDialog<T>({
  item,
  remove,
  onClose,
  onDeleted,
  focusAfter,
  title,
  description,
  errorTitle,
  confirmLabel,
}: {
  /** What to delete; null while closed. */
  item: T | null;
  remove: (item: T) => Promise<void>;
  onClose: () => void;
  onDeleted: (item: T) => void;
  focusAfter: () => HTMLElement | null;
  /** Title and description for the item shown (null only before the first opening). */
  title: (shown: T | null) => React.ReactNode;
  description: (shown: T | null) => React.ReactNode;
  errorTitle: string;
  confirmLabel: string;
}) {
  const [pending, setPending] = React.useState(false);
  const [error, setError] = React.useState<ApiError | null>(null);
  const deletedRef = React.useRef(false);
  const [shown, setShown] = React.useState<T | null>(item);
  React.useEffect(() => {
    if (item !== null) {
      setShown(item);
      setError(null);
    }
  }, [item]);

  const gone = (deleted: T) => {
    deletedRef.current = true;
    onDeleted(deleted);
    onClose();
  };

  const onConfirm = async () => {
    if (item === null) return;
    setPending(true);
    setError(null);
    try {
      await remove(item);
      gone(item);
    } catch (err) {
      const e = toApiError(err);
      if (e.status === 404) gone(item);
      else setError(e);
    } finally {
      setPending(false);
    }
  };

  return (
    <ConfirmDialog
      open={item !== null}
      onOpenChange={(open) => !open && onClose()}
      onCloseAutoFocus={(e) => {
        if (!deletedRef.current) return;
        deletedRef.current = false;
        e.preventDefault();
        focusAfter()?.focus();
      }}
      title={title(shown)}
      description={description(shown)}
      error={error}
      errorTitle={errorTitle}
      confirmLabel={confirmLabel}
      destructive
      pending={pending}
      onConfirm={onConfirm}
    />
  );
}
