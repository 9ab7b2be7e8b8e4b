'use client';

import * as React from 'react';
import Link from 'next/link';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { BookOpen, Lock, MessagesSquare, SearchX, TriangleAlert } from 'lucide-react';
import { Button } from '@/components/ui/button';
import { Label } from '@/components/ui/label';
import { NativeSelect } from '@/components/ui/native-select';
import { Skeleton } from '@/components/ui/skeleton';
import { Section } from '@/components/account/account-view';
import { DeleteDialog } from '@/components/delete-dialog';
import { LoadMore } from '@/components/my/load-more';
import { RequireSession } from '@/components/session/require-session';
import { EmptyState, ErrorAlert } from '@/components/status';
import {
  DEFAULT_COLLECTION,
  deleteDocument,
  getEmbedderKind,
  SHARED_COLLECTION,
  type EmbedderKind,
  type KbCollection,
  type KbDocument,
  type UploadResult,
} from '@/lib/kb';
import { pluralize } from '@/lib/utils';
import { DocumentList } from './document-list';
import { UploadZone } from './upload-zone';
import { useCollections, useDocuments, type CollectionsState } from './use-documents';

export function KnowledgeBasePage() {
  return (
    <RequireSession what="your knowledge base" fallback={<KbSkeleton />}>
      {() => <KnowledgeBase />}
    </RequireSession>
  );
}

/** Which embedder the server runs (null until known, or when /api/health doesn't say). */
function useEmbedder(): EmbedderKind | null {
  const [kind, setKind] = React.useState<EmbedderKind | null>(null);
  React.useEffect(() => {
    const controller = new AbortController();
    getEmbedderKind(controller.signal)
      .then(setKind)
      // Only a hint on the page: without it nothing is missing.
      .catch(() => undefined);
    return () => controller.abort();
  }, []);
  return kind;
}

function isShared(name: string, collections: CollectionsState): boolean {
  if (collections.status === 'ready') {
    const found = collections.items.find((c) => c.name === name);
    if (found) return found.shared;
  }
  return name === SHARED_COLLECTION;
}

function KnowledgeBase() {
  const router = useRouter();
  const pathname = usePathname() ?? '/kb';
  const filter = (useSearchParams()?.get('collection') ?? '').slice(0, 40);
  const { state: collections, reload: reloadCollections } = useCollections();
  const { state, retry, loadMore, more, upsert, remove } = useDocuments(filter);
  const embedder = useEmbedder();
  const filterShared = filter !== '' && isShared(filter, collections);
  const sharedCount =
    filterShared && collections.status === 'ready'
      ? (collections.items.find((c) => c.name === filter)?.documents ?? 0)
      : 0;
  const [target, setTarget] = React.useState(filter && !filterShared ? filter : DEFAULT_COLLECTION);
  const [highlight, setHighlight] = React.useState<{ id: string; note: string } | null>(null);
  const [deleting, setDeleting] = React.useState<KbDocument | null>(null);
  const [announce, setAnnounce] = React.useState('');
  const headingRef = React.useRef<HTMLHeadingElement>(null);

  const setFilter = React.useCallback(
    (name: string) =>
      router.replace(name ? `${pathname}?collection=${encodeURIComponent(name)}` : pathname, {
        scroll: false,
      }),
    [router, pathname],
  );

  // Looking at one of your collections: uploads go there too.
  React.useEffect(() => {
    if (filter && !filterShared) setTarget(filter);
  }, [filter, filterShared]);

  const onUploaded = ({ document: doc, duplicate }: UploadResult) => {
    reloadCollections();
    // Show the collection it went to, so its progress can be followed.
    if (filter && filter !== doc.collection) setFilter(doc.collection);
    else upsert(doc);
    if (duplicate) {
      setHighlight({
        id: doc.id,
        note: `This content was uploaded before, as “${doc.filename}” in “${doc.collection}”. Nothing new was added; this is the existing document.`,
      });
      setAnnounce(`${doc.filename} was already in your knowledge base.`);
    } else {
      setHighlight((h) => (h?.id === doc.id ? null : h));
      setAnnounce(`${doc.filename} uploaded. Processing it now.`);
    }
  };

  const privateNames = React.useMemo(() => {
    const names = new Set<string>([DEFAULT_COLLECTION]);
    if (collections.status === 'ready') {
      for (const c of collections.items) if (!c.shared) names.add(c.name);
    }
    return [...names];
  }, [collections]);

  return (
    <div className="grid gap-6">
      <Section
        id="kb-upload-heading"
        title="Add documents"
        description="Upload your team’s docs, runbooks or notes. Each file is split into chunks and indexed; chat can then answer from them and cite them."
      >
        <UploadZone
          collection={target}
          onCollection={setTarget}
          collections={privateNames}
          onUploaded={onUploaded}
        />
      </Section>

      <section aria-labelledby="kb-documents-heading" className="grid gap-4">
        <div className="flex flex-wrap items-end justify-between gap-3">
          <div className="grid gap-1">
            <h2
              id="kb-documents-heading"
              ref={headingRef}
              tabIndex={-1}
              className="font-semibold tracking-tight"
            >
              Documents
            </h2>
            {state.status === 'ready' && state.items.length > 0 && (
              <p className="text-sm text-muted-foreground" data-testid="kb-count">
                {pluralize(state.items.length, 'document')}
                {state.nextCursor ? ' shown' : ''}
                {filter ? ` in “${filter}”` : ''}
              </p>
            )}
          </div>
          <CollectionFilter
            value={filter}
            onChange={(name) => {
              setHighlight(null);
              setFilter(name);
            }}
            collections={collections}
            onRetry={reloadCollections}
          />
        </div>

        {filterShared && (
          <p className="flex items-start gap-2 rounded-lg border bg-muted/40 px-4 py-3 text-sm text-muted-foreground">
            <Lock className="mt-0.5 size-4 shrink-0" aria-hidden="true" />
            <span>
              “{filter}” is shared with everyone on this server and read-only: chat can search and cite it,
              but its documents can’t be changed or deleted here.
            </span>
          </p>
        )}
        {embedder === 'lexical-fallback' && (
          <p
            className="flex items-start gap-2 rounded-lg border border-warning/50 bg-warning/10 px-4 py-3 text-sm"
            data-testid="kb-lexical-fallback"
          >
            <TriangleAlert className="mt-0.5 size-4 shrink-0 text-warning" aria-hidden="true" />
            <span>
              Keyword matching only: the embedding model isn’t available on this server, so search finds
              passages by their words rather than their meaning.
            </span>
          </p>
        )}

        {state.status === 'loading' ? (
          <ListSkeleton />
        ) : state.status === 'error' ? (
          <ErrorAlert title="Couldn’t load your documents" error={state.error} onRetry={retry} />
        ) : state.items.length === 0 ? (
          filterShared && sharedCount > 0 ? (
            // The API lists your own documents; the shared ones are only counted.
            <EmptyState
              icon={Lock}
              title={`${pluralize(sharedCount, 'shared document')} in “${filter}”`}
              actions={
                <Button asChild variant="outline">
                  <Link href="/chat">
                    <MessagesSquare aria-hidden="true" /> Ask about them in chat
                  </Link>
                </Button>
              }
            >
              Engify’s own guides and patterns, indexed on this server for everyone. Chat searches and cites
              them; they aren’t listed one by one here.
            </EmptyState>
          ) : filter ? (
            <EmptyState
              icon={SearchX}
              title={`No documents in “${filter}”`}
              actions={
                <Button variant="outline" onClick={() => setFilter('')}>
                  Show all collections
                </Button>
              }
            >
              {filterShared
                ? 'The shared collection has not been indexed on this server yet.'
                : 'Upload files above to add them to this collection.'}
            </EmptyState>
          ) : (
            <EmptyState
              icon={BookOpen}
              title="Your knowledge base is empty"
              actions={
                <Button asChild variant="outline">
                  <Link href="/chat">
                    <MessagesSquare aria-hidden="true" /> Open chat
                  </Link>
                </Button>
              }
            >
              Add Markdown, text, HTML or PDF files above. Chat then answers from them, with numbered
              citations you can check.
            </EmptyState>
          )
        ) : (
          <>
            <DocumentList
              items={state.items}
              highlightId={highlight?.id ?? null}
              highlightNote={highlight?.note ?? null}
              onDismissHighlight={() => setHighlight(null)}
              onDelete={setDeleting}
            />
            {state.nextCursor && <LoadMore pending={more.pending} error={more.error} onClick={loadMore} />}
          </>
        )}
        <p role="status" className="sr-only">
          {announce}
        </p>
      </section>

      <DeleteDialog
        item={deleting}
        remove={(doc) => deleteDocument(doc.id)}
        onClose={() => setDeleting(null)}
        onDeleted={(doc) => {
          remove(doc.id);
          reloadCollections();
          if (highlight?.id === doc.id) setHighlight(null);
          setAnnounce(`${doc.title} deleted.`);
        }}
        focusAfter={() => headingRef.current}
        title={(doc) => <>Delete {doc ? `“${doc.title}”` : 'this document'}?</>}
        description={(doc) => (
          <>
            The file
            {doc && doc.chunksTotal > 0 ? ` and its ${pluralize(doc.chunksTotal, 'chunk')}` : ''} are removed
            from your knowledge base; chat stops finding and citing it. Answers already given keep their text.
            This can’t be undone.
          </>
        )}
        errorTitle="Couldn’t delete the document"
        confirmLabel="Delete document"
      />
    </div>
  );
}

function collectionLabel(c: KbCollection): string {
  return c.shared
    ? `${c.name} — shared, read-only (${c.documents})`
    : `${c.name} (${pluralize(c.documents, 'document')})`;
}

function CollectionFilter({
  value,
  onChange,
  collections,
  onRetry,
}: {
  value: string;
  onChange: (name: string) => void;
  collections: CollectionsState;
  onRetry: () => void;
}) {
  const items = collections.status === 'ready' ? collections.items : [];
  const known = items.some((c) => c.name === value);
  return (
    <div className="grid gap-1.5">
      <Label htmlFor="kb-collection-filter">Collection</Label>
      <div className="flex items-center gap-2">
        <NativeSelect
          id="kb-collection-filter"
          value={value}
          onChange={(e) => onChange(e.target.value)}
          className="w-64 max-w-full"
        >
          <option value="">All collections</option>
          {items.map((c) => (
            <option key={c.name} value={c.name}>
              {collectionLabel(c)}
            </option>
          ))}
          {value && !known && <option value={value}>{value}</option>}
        </NativeSelect>
        {collections.status === 'error' && (
          <Button variant="ghost" size="sm" onClick={onRetry} title={collections.error.message}>
            Reload collections
          </Button>
        )}
      </div>
    </div>
  );
}

function ListSkeleton() {
  return (
    <div aria-busy="true" aria-label="Loading documents" className="grid gap-3">
      <Skeleton className="h-28 w-full rounded-xl" />
      <Skeleton className="h-28 w-full rounded-xl" />
      <Skeleton className="h-28 w-full rounded-xl" />
    </div>
  );
}

export function KbSkeleton() {
  return (
    <div aria-busy="true" aria-label="Loading" className="grid gap-6">
      <Skeleton className="h-80 w-full rounded-xl" />
      <Skeleton className="h-48 w-full rounded-xl" />
    </div>
  );
}
