'use client';

import * as React from 'react';
import { CheckCircle2, CircleSlash, Copy, FileUp, Loader2, Upload, X, XCircle } from 'lucide-react';
import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/input';
import { Progress } from '@/components/ui/progress';
import { FormField } from '@/components/form-field';
import { isAbort, toApiError } from '@/lib/api';
import {
  ACCEPT_ATTRIBUTE,
  checkCollectionName,
  checkFile,
  formatBytes,
  uploadDocument,
  type UploadResult,
} from '@/lib/kb';
import { cn, pluralize } from '@/lib/utils';

/** Files sent at the same time; the rest wait their turn. */
const CONCURRENT_UPLOADS = 2;

type UploadState = 'waiting' | 'uploading' | 'done' | 'duplicate' | 'failed' | 'cancelled';

interface UploadItem {
  key: number;
  file: File;
  collection: string;
  state: UploadState;
  /** Fraction of the body sent, 0–1. */
  progress: number;
  error: { title: string; message: string } | null;
}

const finished = (item: UploadItem) => item.state !== 'waiting' && item.state !== 'uploading';

function failure(status: number, message: string): { title: string; message: string } {
  if (status === 413) return { title: 'Too large', message };
  if (status === 415) return { title: 'Not a supported file', message };
  return { title: 'Upload failed', message };
}

/**
 * Drop files here or choose them with the button (the input is multiple); each is uploaded with
 * its own progress bar. The file type and size are checked first, but the server has the last word:
 * its 413 and 415 messages are shown as they come.
 */
export function UploadZone({
  collection,
  onCollection,
  collections,
  onUploaded,
}: {
  /** The collection uploads go to. */
  collection: string;
  onCollection: (name: string) => void;
  /** Private collections to suggest. */
  collections: string[];
  onUploaded: (result: UploadResult) => void;
}) {
  const [items, setItems] = React.useState<UploadItem[]>([]);
  const [dragging, setDragging] = React.useState(false);
  const [collectionError, setCollectionError] = React.useState<string | undefined>();
  const dragDepth = React.useRef(0);
  const nextKey = React.useRef(1);
  const started = React.useRef(new Set<number>());
  const aborts = React.useRef(new Map<number, () => void>());
  const inputRef = React.useRef<HTMLInputElement>(null);
  const collectionRef = React.useRef<HTMLInputElement>(null);
  const latestOnUploaded = React.useRef(onUploaded);
  React.useEffect(() => {
    latestOnUploaded.current = onUploaded;
  });

  // Leaving the page cancels uploads still on their way.
  React.useEffect(() => {
    const pending = aborts.current;
    return () => {
      for (const abort of pending.values()) abort();
    };
  }, []);

  const update = (key: number, patch: Partial<UploadItem>) =>
    setItems((list) => list.map((i) => (i.key === key ? { ...i, ...patch } : i)));

  const begin = React.useCallback((item: UploadItem) => {
    started.current.add(item.key);
    setItems((list) => list.map((i) => (i.key === item.key ? { ...i, state: 'uploading' } : i)));
    const upload = uploadDocument(item.file, item.collection, (progress) => update(item.key, { progress }));
    aborts.current.set(item.key, upload.abort);
    upload.done
      .then((result) => {
        update(item.key, { state: result.duplicate ? 'duplicate' : 'done', progress: 1 });
        latestOnUploaded.current(result);
      })
      .catch((err: unknown) => {
        if (isAbort(err)) {
          update(item.key, { state: 'cancelled' });
          return;
        }
        const error = toApiError(err);
        update(item.key, { state: 'failed', error: failure(error.status, error.message) });
      })
      .finally(() => aborts.current.delete(item.key));
  }, []);

  // Start waiting files while fewer than CONCURRENT_UPLOADS are on their way.
  React.useEffect(() => {
    const active = items.filter((i) => i.state === 'uploading').length;
    const next = items
      .filter((i) => i.state === 'waiting' && !started.current.has(i.key))
      .slice(0, Math.max(0, CONCURRENT_UPLOADS - active));
    for (const item of next) begin(item);
  }, [items, begin]);

  const add = (files: File[]) => {
    if (files.length === 0) return;
    const problem = checkCollectionName(collection);
    setCollectionError(problem ?? undefined);
    if (problem) {
      collectionRef.current?.focus();
      return;
    }
    const target = collection.trim();
    const added: UploadItem[] = files.map((file) => {
      const refused = checkFile(file);
      return {
        key: nextKey.current++,
        file,
        collection: target,
        state: refused ? 'failed' : 'waiting',
        progress: 0,
        error: refused ? { title: 'Not added', message: refused } : null,
      };
    });
    setItems((list) => [...added, ...list]);
  };

  const onDrop = (e: React.DragEvent) => {
    e.preventDefault();
    dragDepth.current = 0;
    setDragging(false);
    add(Array.from(e.dataTransfer.files));
  };
  const hasFiles = (e: React.DragEvent) => Array.from(e.dataTransfer.types).includes('Files');

  const active = items.filter((i) => !finished(i)).length;
  const done = items.filter(finished).length;

  return (
    <div className="grid gap-5">
      <FormField
        id="kb-upload-collection"
        label="Upload to collection"
        hint="Lowercase letters, digits and dashes. A new name starts a new collection; chat can search one collection or all of them."
        error={collectionError}
        className="sm:max-w-sm"
      >
        {(a11y) => (
          <>
            <Input
              {...a11y}
              ref={collectionRef}
              list="kb-collection-names"
              value={collection}
              maxLength={40}
              spellCheck={false}
              autoComplete="off"
              onChange={(e) => {
                onCollection(e.target.value.toLowerCase());
                setCollectionError(undefined);
              }}
            />
            <datalist id="kb-collection-names">
              {collections.map((name) => (
                <option key={name} value={name} />
              ))}
            </datalist>
          </>
        )}
      </FormField>

      <div
        onDragEnter={(e) => {
          if (!hasFiles(e)) return;
          e.preventDefault();
          dragDepth.current++;
          setDragging(true);
        }}
        onDragOver={(e) => {
          if (!hasFiles(e)) return;
          e.preventDefault();
          e.dataTransfer.dropEffect = 'copy';
        }}
        onDragLeave={() => {
          dragDepth.current = Math.max(0, dragDepth.current - 1);
          if (dragDepth.current === 0) setDragging(false);
        }}
        onDrop={onDrop}
        data-dragging={dragging || undefined}
        data-testid="kb-drop-zone"
        className={cn(
          'flex flex-col items-center gap-3 rounded-xl border-2 border-dashed px-6 py-10 text-center transition-colors',
          dragging ? 'border-primary bg-primary/5' : 'border-border',
        )}
      >
        <div className="flex size-12 items-center justify-center rounded-full bg-muted">
          <FileUp className="size-6 text-muted-foreground" aria-hidden="true" />
        </div>
        <p className="font-medium">{dragging ? 'Drop to upload' : 'Drag files here'}</p>
        <Button onClick={() => inputRef.current?.click()} aria-describedby="kb-upload-types">
          <Upload aria-hidden="true" /> Choose files
        </Button>
        <p id="kb-upload-types" className="max-w-sm text-xs text-muted-foreground">
          Markdown, plain text, HTML or PDF. Several at once are fine.
        </p>
        <input
          ref={inputRef}
          type="file"
          multiple
          accept={ACCEPT_ATTRIBUTE}
          // The button above opens it; hidden, it stays out of the tab order and the accessibility tree.
          hidden
          data-testid="kb-file-input"
          onChange={(e) => {
            add(Array.from(e.target.files ?? []));
            // Choosing the same file again must fire `change` again.
            e.target.value = '';
          }}
        />
      </div>

      {items.length > 0 && (
        <div className="grid gap-2">
          <div className="flex flex-wrap items-center justify-between gap-2">
            <h3 className="text-sm font-medium">
              Uploads{' '}
              <span className="font-normal text-muted-foreground">
                {active > 0 ? `${active} in progress` : pluralize(done, 'file')}
              </span>
            </h3>
            {done > 0 && (
              <Button
                variant="ghost"
                size="sm"
                onClick={() => setItems((list) => list.filter((i) => !finished(i)))}
              >
                Clear finished
              </Button>
            )}
          </div>
          <ul className="divide-y rounded-lg border" aria-label="Uploads">
            {items.map((item) => (
              <UploadRow
                key={item.key}
                item={item}
                onCancel={() => {
                  const abort = aborts.current.get(item.key);
                  if (abort) abort();
                  else update(item.key, { state: 'cancelled' });
                }}
              />
            ))}
          </ul>
        </div>
      )}
      <p role="status" className="sr-only">
        {active > 0 ? `Uploading ${pluralize(active, 'file')}.` : ''}
      </p>
    </div>
  );
}

function UploadRow({ item, onCancel }: { item: UploadItem; onCancel: () => void }) {
  const percent = Math.round(item.progress * 100);
  return (
    <li className="grid gap-1.5 px-4 py-3" data-testid="kb-upload" data-state={item.state}>
      <div className="flex items-center justify-between gap-3">
        <p className="flex min-w-0 items-center gap-2 text-sm">
          <UploadIcon state={item.state} />
          <span className="truncate font-medium">{item.file.name}</span>
          <span className="shrink-0 text-xs text-muted-foreground">{formatBytes(item.file.size)}</span>
        </p>
        {!finished(item) && (
          <Button
            variant="ghost"
            size="sm"
            onClick={onCancel}
            aria-label={`Cancel uploading ${item.file.name}`}
            title="Cancel"
          >
            <X aria-hidden="true" />
          </Button>
        )}
      </div>
      {item.state === 'uploading' && (
        <div className="flex items-center gap-3">
          <Progress
            value={item.progress}
            aria-label={`Uploading ${item.file.name}`}
            valueText={percent >= 100 ? 'Sent, waiting for the server' : `${percent}% sent`}
          />
          <span className="w-24 shrink-0 text-right text-xs text-muted-foreground tabular-nums">
            {percent >= 100 ? 'Saving…' : `${percent}%`}
          </span>
        </div>
      )}
      <UploadNote item={item} />
    </li>
  );
}

function UploadIcon({ state }: { state: UploadState }) {
  const className = 'size-4 shrink-0';
  switch (state) {
    case 'uploading':
      return <Loader2 className={cn(className, 'animate-spin text-primary')} aria-hidden="true" />;
    case 'done':
      return <CheckCircle2 className={cn(className, 'text-success')} aria-hidden="true" />;
    case 'duplicate':
      return <Copy className={cn(className, 'text-primary')} aria-hidden="true" />;
    case 'failed':
      return <XCircle className={cn(className, 'text-destructive')} aria-hidden="true" />;
    case 'cancelled':
      return <CircleSlash className={cn(className, 'text-muted-foreground')} aria-hidden="true" />;
    default:
      return <FileUp className={cn(className, 'text-muted-foreground')} aria-hidden="true" />;
  }
}

function UploadNote({ item }: { item: UploadItem }) {
  const where = item.collection ? ` to “${item.collection}”` : '';
  switch (item.state) {
    case 'waiting':
      return <p className="text-xs text-muted-foreground">Waiting…</p>;
    case 'done':
      return <p className="text-xs text-success">Uploaded{where}. It is processed below.</p>;
    case 'duplicate':
      return (
        <p className="text-xs text-primary" data-testid="kb-upload-duplicate">
          Already in your knowledge base: the same content was uploaded before. The existing document is
          highlighted below.
        </p>
      );
    case 'cancelled':
      return <p className="text-xs text-muted-foreground">Cancelled.</p>;
    case 'failed':
      return (
        <p role="alert" className="text-xs text-destructive" data-testid="kb-upload-error">
          <span className="font-medium">{item.error?.title ?? 'Upload failed'}:</span>{' '}
          {item.error?.message ?? 'Something went wrong.'}
        </p>
      );
    default:
      return null;
  }
}
