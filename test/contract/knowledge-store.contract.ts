import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InvalidCursorError } from '../../src/ports/catalog-store.js';
import {
  BUILTIN_COLLECTION,
  DEFAULT_COLLECTION,
  type KbDocument,
  type KnowledgeStore,
  type NewChunk,
  type SearchScope,
} from '../../src/ports/knowledge-store.js';

export interface KnowledgeStoreHarness {
  store: KnowledgeStore;
  /** Creates a user documents can belong to and returns its id. */
  createUser(): Promise<string>;
  /** Releases everything the harness created. */
  dispose(): Promise<void>;
}

/** A document with sensible defaults; every call gets a fresh id and content hash. */
export function kbDocument(overrides: Partial<KbDocument> = {}): KbDocument {
  const at = '2024-01-01T00:00:00.000Z';
  return {
    id: randomUUID(),
    ownerId: null,
    collection: DEFAULT_COLLECTION,
    title: 'Untitled',
    filename: 'notes.md',
    mediaType: 'text/markdown',
    sizeBytes: 100,
    contentHash: randomUUID().replaceAll('-', ''),
    blobKey: null,
    status: 'queued',
    chunksDone: 0,
    chunksTotal: 0,
    error: null,
    createdAt: at,
    updatedAt: at,
    ...overrides,
  };
}

/** Chunks `${documentId}:${ordinal}` with the given texts (and optional headings). */
export function kbChunks(
  documentId: string,
  texts: (string | { heading: string; content: string })[],
): NewChunk[] {
  return texts.map((t, ordinal) => ({
    id: `${documentId}:${ordinal}`,
    documentId,
    ordinal,
    heading: typeof t === 'string' ? null : t.heading,
    content: typeof t === 'string' ? t : t.content,
    tokens: (typeof t === 'string' ? t : t.content).split(/\s+/).length,
  }));
}

/**
 * Behaviour every KnowledgeStore adapter must have. Run it from a test file per adapter:
 * `knowledgeStoreContract('sqlite', async () => ({ store, createUser, dispose }))`.
 */
export function knowledgeStoreContract(name: string, open: () => Promise<KnowledgeStoreHarness>): void {
  describe(`KnowledgeStore contract: ${name}`, () => {
    let harness: KnowledgeStoreHarness;
    let store: KnowledgeStore;
    let alice: string;
    let bob: string;

    beforeEach(async () => {
      harness = await open();
      store = harness.store;
      alice = await harness.createUser();
      bob = await harness.createUser();
    });
    afterEach(async () => harness.dispose());

    /** Creates a document with chunks and returns it. */
    async function withChunks(
      doc: Partial<KbDocument>,
      texts: Parameters<typeof kbChunks>[1],
    ): Promise<KbDocument> {
      const { document } = await store.createDocument(kbDocument(doc));
      await store.upsertChunks(kbChunks(document.id, texts));
      return document;
    }

    const ids = (hits: { chunkId: string }[]) => hits.map((h) => h.chunkId);

    describe('documents', () => {
      it('creates a document and reads it back unchanged', async () => {
        const doc = kbDocument({ ownerId: alice, title: 'Runbook', blobKey: 'kb/x', sizeBytes: 1234 });
        const result = await store.createDocument(doc);
        expect(result).toEqual({ document: doc, created: true });
        expect(await store.getDocument(doc.id)).toEqual(doc);
        expect(await store.getDocument(randomUUID())).toBeNull();
      });

      it('dedupes by (owner, collection, hash): the second upload gets the first document', async () => {
        const first = kbDocument({ ownerId: alice, contentHash: 'abc' });
        await store.createDocument(first);
        const again = await store.createDocument(
          kbDocument({ ownerId: alice, contentHash: 'abc', title: 'Other' }),
        );
        expect(again.created).toBe(false);
        expect(again.document).toEqual(first);
        expect(await store.listAllDocuments({ ownerId: alice })).toHaveLength(1);
      });

      it('dedupes shared documents too (no owner)', async () => {
        const first = kbDocument({ ownerId: null, collection: BUILTIN_COLLECTION, contentHash: 'abc' });
        await store.createDocument(first);
        const again = await store.createDocument(
          kbDocument({ ownerId: null, collection: BUILTIN_COLLECTION, contentHash: 'abc' }),
        );
        expect(again).toEqual({ document: first, created: false });
        expect(await store.listAllDocuments({ ownerId: null })).toHaveLength(1);
      });

      it('keeps the same bytes apart for different owners and collections', async () => {
        const results = await Promise.all([
          store.createDocument(kbDocument({ ownerId: alice, contentHash: 'same' })),
          store.createDocument(kbDocument({ ownerId: bob, contentHash: 'same' })),
          store.createDocument(kbDocument({ ownerId: null, contentHash: 'same' })),
          store.createDocument(kbDocument({ ownerId: alice, collection: 'work', contentHash: 'same' })),
        ]);
        expect(results.map((r) => r.created)).toEqual([true, true, true, true]);
        expect(new Set(results.map((r) => r.document.id)).size).toBe(4);
      });

      it('creates one document when the same upload races itself', async () => {
        const results = await Promise.all(
          Array.from({ length: 5 }, () =>
            store.createDocument(kbDocument({ ownerId: alice, contentHash: 'race' })),
          ),
        );
        expect(results.filter((r) => r.created)).toHaveLength(1);
        expect(new Set(results.map((r) => r.document.id)).size).toBe(1);
      });

      it('updates status, progress, error and title, and bumps updatedAt', async () => {
        const doc = kbDocument({ ownerId: alice });
        await store.createDocument(doc);
        await store.updateDocument(doc.id, { status: 'processing', chunksTotal: 4 });
        await store.updateDocument(doc.id, { chunksDone: 2 });
        let now = await store.getDocument(doc.id);
        expect(now).toMatchObject({ status: 'processing', chunksDone: 2, chunksTotal: 4, error: null });
        expect(now!.updatedAt > doc.updatedAt).toBe(true);
        expect(now!.createdAt).toBe(doc.createdAt);
        await store.updateDocument(doc.id, { status: 'failed', error: 'PDF is encrypted', title: 'Renamed' });
        now = await store.getDocument(doc.id);
        expect(now).toMatchObject({
          status: 'failed',
          error: 'PDF is encrypted',
          title: 'Renamed',
          chunksDone: 2,
        });
        await store.updateDocument(doc.id, { status: 'ready', error: null });
        expect(await store.getDocument(doc.id)).toMatchObject({ status: 'ready', error: null });
      });

      it('lists all documents by owner and collection', async () => {
        const shared = await store.createDocument(
          kbDocument({ ownerId: null, collection: BUILTIN_COLLECTION }),
        );
        const a1 = await store.createDocument(kbDocument({ ownerId: alice }));
        const a2 = await store.createDocument(kbDocument({ ownerId: alice, collection: 'work' }));
        const b1 = await store.createDocument(kbDocument({ ownerId: bob }));
        const idsOf = (docs: KbDocument[]) => docs.map((d) => d.id).sort();
        expect(idsOf(await store.listAllDocuments())).toEqual(
          [shared, a1, a2, b1].map((r) => r.document.id).sort(),
        );
        expect(idsOf(await store.listAllDocuments({ ownerId: null }))).toEqual([shared.document.id]);
        expect(idsOf(await store.listAllDocuments({ ownerId: alice }))).toEqual(
          [a1.document.id, a2.document.id].sort(),
        );
        expect(idsOf(await store.listAllDocuments({ collection: DEFAULT_COLLECTION }))).toEqual(
          [a1.document.id, b1.document.id].sort(),
        );
        expect(idsOf(await store.listAllDocuments({ ownerId: alice, collection: 'work' }))).toEqual([
          a2.document.id,
        ]);
      });
    });

    describe('listDocuments', () => {
      it('pages newest first with an opaque cursor, without gaps or repeats, also on equal timestamps', async () => {
        const created: KbDocument[] = [];
        for (let i = 0; i < 7; i++) {
          // Pairs of documents share a timestamp, so the id has to break ties.
          const at = `2024-03-0${1 + Math.floor(i / 2)}T10:00:00.000Z`;
          const doc = kbDocument({ ownerId: alice, createdAt: at, updatedAt: at });
          await store.createDocument(doc);
          created.push(doc);
        }
        await store.createDocument(kbDocument({ ownerId: bob }));
        const expected = created
          .sort((a, b) =>
            a.createdAt === b.createdAt ? (a.id < b.id ? 1 : -1) : a.createdAt < b.createdAt ? 1 : -1,
          )
          .map((d) => d.id);

        const seen: string[] = [];
        const sizes: number[] = [];
        let cursor: string | undefined;
        do {
          const page = await store.listDocuments({ ownerId: alice, limit: 3, ...(cursor ? { cursor } : {}) });
          seen.push(...page.items.map((d) => d.id));
          sizes.push(page.items.length);
          cursor = page.nextCursor ?? undefined;
        } while (cursor);
        expect(sizes).toEqual([3, 3, 1]);
        expect(seen).toEqual(expected);
      });

      it('says there is no next page when the last page is exactly full', async () => {
        for (let i = 0; i < 4; i++) await store.createDocument(kbDocument({ ownerId: alice }));
        const first = await store.listDocuments({ ownerId: alice, limit: 2 });
        const second = await store.listDocuments({ ownerId: alice, limit: 2, cursor: first.nextCursor! });
        expect(second.items).toHaveLength(2);
        expect(second.nextCursor).toBeNull();
      });

      it('filters by collection and status', async () => {
        const work = kbDocument({ ownerId: alice, collection: 'work', status: 'ready' });
        const failed = kbDocument({ ownerId: alice, status: 'failed' });
        await store.createDocument(work);
        await store.createDocument(failed);
        await store.createDocument(kbDocument({ ownerId: alice, status: 'ready' }));
        const byCollection = await store.listDocuments({ ownerId: alice, collection: 'work', limit: 10 });
        expect(byCollection.items.map((d) => d.id)).toEqual([work.id]);
        const byStatus = await store.listDocuments({ ownerId: alice, status: 'failed', limit: 10 });
        expect(byStatus.items.map((d) => d.id)).toEqual([failed.id]);
        const none = await store.listDocuments({ ownerId: bob, limit: 10 });
        expect(none).toEqual({ items: [], nextCursor: null });
      });

      it('rejects a cursor it did not make', async () => {
        await expect(
          store.listDocuments({ ownerId: alice, limit: 2, cursor: 'not-a-cursor' }),
        ).rejects.toThrow(InvalidCursorError);
      });
    });

    describe('chunks', () => {
      it('stores chunks with their document’s owner, collection and title', async () => {
        const doc = await withChunks({ ownerId: alice, collection: 'work', title: 'Deploy guide' }, [
          { heading: 'Setup > Keys', content: 'Create a deploy key.' },
          'Push the tag.',
        ]);
        const chunks = await store.listChunks(doc.id);
        expect(chunks).toEqual([
          {
            id: `${doc.id}:0`,
            documentId: doc.id,
            ordinal: 0,
            heading: 'Setup > Keys',
            content: 'Create a deploy key.',
            tokens: 4,
            ownerId: alice,
            collection: 'work',
            title: 'Deploy guide',
          },
          expect.objectContaining({ id: `${doc.id}:1`, ordinal: 1, heading: null, content: 'Push the tag.' }),
        ]);
        expect(await store.getChunks([`${doc.id}:1`, 'missing:0'])).toEqual([chunks[1]]);
        expect(await store.getChunks([])).toEqual([]);
      });

      it('upserting the same chunks again replaces them: no duplicates in lists, counts or search', async () => {
        const doc = await withChunks({ ownerId: alice }, ['alpha kestrel one', 'beta kestrel two']);
        await store.upsertChunks(kbChunks(doc.id, ['alpha kestrel one', 'beta kestrel two']));
        expect(await store.listChunks(doc.id)).toHaveLength(2);
        expect(await store.countChunks()).toBe(2);
        const hits = await store.keywordSearch('kestrel', 10, { ownerId: alice, includeShared: false });
        expect(ids(hits).sort()).toEqual([`${doc.id}:0`, `${doc.id}:1`]);

        // A retried job with different text overwrites: the old words are gone from the index.
        await store.upsertChunks(kbChunks(doc.id, ['alpha osprey one', 'beta kestrel two']));
        const scope: SearchScope = { ownerId: alice, includeShared: false };
        expect(ids(await store.keywordSearch('kestrel', 10, scope))).toEqual([`${doc.id}:1`]);
        expect(ids(await store.keywordSearch('osprey', 10, scope))).toEqual([`${doc.id}:0`]);
        expect((await store.getChunks([`${doc.id}:0`]))[0]!.content).toBe('alpha osprey one');
      });

      it('refuses chunks of a document that does not exist', async () => {
        await expect(store.upsertChunks(kbChunks(randomUUID(), ['orphan']))).rejects.toThrow();
        expect(await store.countChunks()).toBe(0);
      });

      it('deleteChunksFrom removes the tail a shorter re-run no longer produced', async () => {
        const doc = await withChunks({ ownerId: alice }, [
          'c0 text',
          'c1 text',
          'c2 text',
          'c3 lynx',
          'c4 lynx',
        ]);
        const removed = await store.deleteChunksFrom(doc.id, 3);
        expect(removed).toEqual([`${doc.id}:3`, `${doc.id}:4`]);
        expect((await store.listChunks(doc.id)).map((c) => c.ordinal)).toEqual([0, 1, 2]);
        expect(await store.keywordSearch('lynx', 10, { ownerId: alice, includeShared: false })).toEqual([]);
        expect(await store.deleteChunksFrom(doc.id, 3)).toEqual([]);
      });

      it('deleting a document removes its chunks from lists, counts and search', async () => {
        const doc = await withChunks({ ownerId: alice }, ['heron one', 'heron two', 'heron three']);
        const kept = await withChunks({ ownerId: alice }, ['heron kept']);
        const removed = await store.deleteDocument(doc.id);
        expect(removed.sort()).toEqual([`${doc.id}:0`, `${doc.id}:1`, `${doc.id}:2`]);
        expect(await store.getDocument(doc.id)).toBeNull();
        expect(await store.listChunks(doc.id)).toEqual([]);
        expect(await store.getChunks(removed)).toEqual([]);
        expect(await store.countChunks()).toBe(1);
        const hits = await store.keywordSearch('heron', 10, { ownerId: alice, includeShared: false });
        expect(ids(hits)).toEqual([`${kept.id}:0`]);
        expect(await store.deleteDocument(doc.id)).toEqual([]);
      });
    });

    describe('keywordSearch', () => {
      it('ranks the chunk containing the asked-for words first, best score first', async () => {
        const doc = await withChunks({ ownerId: alice, title: 'Runner' }, [
          'Jobs are listed on the dashboard with their status.',
          'Failed jobs are retried with exponential backoff, up to five attempts.',
          'Backoff settings live in the queue configuration file.',
          'The dashboard refreshes every few seconds.',
        ]);
        const hits = await store.keywordSearch('exponential backoff for failed jobs', 10, {
          ownerId: alice,
          includeShared: false,
        });
        expect(hits[0]!.chunkId).toBe(`${doc.id}:1`);
        const scores = hits.map((h) => h.score);
        expect(scores).toEqual([...scores].sort((a, b) => b - a));
        // OR semantics: chunks matching only some words still come back, after the full match.
        expect(ids(hits)).toContain(`${doc.id}:2`);
        expect(ids(hits)).toContain(`${doc.id}:0`);
        expect(ids(hits)).not.toContain(`${doc.id}:3`);
      });

      it('matches any word, so one unknown word does not empty the results', async () => {
        const doc = await withChunks({ ownerId: alice }, ['Rotate the signing key every quarter.']);
        const hits = await store.keywordSearch('signing xylophonist', 5, {
          ownerId: alice,
          includeShared: false,
        });
        expect(ids(hits)).toEqual([`${doc.id}:0`]);
      });

      it('weighs headings and titles above body text', async () => {
        const byHeading = await withChunks({ ownerId: alice, title: 'Notes' }, [
          { heading: 'Throttling', content: 'Requests over the limit wait for the next window to open.' },
        ]);
        const byBody = await withChunks({ ownerId: alice, title: 'Notes' }, [
          { heading: 'Overview', content: 'Requests over the limit get throttling and wait for a window.' },
        ]);
        const byTitle = await withChunks({ ownerId: alice, title: 'Sharding' }, [
          'Each tenant maps to one database and keeps its own copy of settings.',
        ]);
        const bodyOnly = await withChunks({ ownerId: alice, title: 'Notes' }, [
          'Each tenant maps to one database by sharding and keeps its settings.',
        ]);
        const scope: SearchScope = { ownerId: alice, includeShared: false };
        expect(ids(await store.keywordSearch('throttling', 5, scope))).toEqual([
          `${byHeading.id}:0`,
          `${byBody.id}:0`,
        ]);
        expect(ids(await store.keywordSearch('sharding', 5, scope))).toEqual([
          `${byTitle.id}:0`,
          `${bodyOnly.id}:0`,
        ]);
      });

      it('follows title changes', async () => {
        const doc = await withChunks({ ownerId: alice, title: 'Draft' }, ['Body text without the word.']);
        const scope: SearchScope = { ownerId: alice, includeShared: false };
        expect(await store.keywordSearch('handbook', 5, scope)).toEqual([]);
        await store.updateDocument(doc.id, { title: 'Oncall handbook' });
        expect(ids(await store.keywordSearch('handbook', 5, scope))).toEqual([`${doc.id}:0`]);
        expect((await store.getChunks([`${doc.id}:0`]))[0]!.title).toBe('Oncall handbook');
      });

      it('keeps users apart and shows shared chunks to everyone who asks for them', async () => {
        const a = await withChunks({ ownerId: alice, collection: 'work' }, ['kubernetes notes of alice']);
        const a2 = await withChunks({ ownerId: alice, collection: DEFAULT_COLLECTION }, [
          'kubernetes home lab',
        ]);
        const b = await withChunks({ ownerId: bob }, ['kubernetes notes of bob']);
        const shared = await withChunks({ ownerId: null, collection: BUILTIN_COLLECTION }, [
          'kubernetes guide for everyone',
        ]);
        const search = async (scope: SearchScope) =>
          ids(await store.keywordSearch('kubernetes', 10, scope)).sort();
        const [ca, ca2, cb, cs] = [a, a2, b, shared].map((d) => `${d.id}:0`);

        expect(await search({ ownerId: bob, includeShared: true })).toEqual([cb, cs].sort());
        expect(await search({ ownerId: bob, includeShared: false })).toEqual([cb]);
        expect(await search({ ownerId: alice, includeShared: true })).toEqual([ca, ca2, cs].sort());
        expect(await search({ ownerId: null, includeShared: true })).toEqual([cs]);
        expect(await search({ ownerId: null, includeShared: false })).toEqual([]);
        expect(await search({ ownerId: alice, includeShared: true, collections: ['work'] })).toEqual([ca]);
        expect(
          await search({ ownerId: alice, includeShared: true, collections: ['work', BUILTIN_COLLECTION] }),
        ).toEqual([ca, cs].sort());
        expect(await search({ ownerId: alice, includeShared: true, documentIds: [a2.id, b.id] })).toEqual([
          ca2,
        ]);
        expect(await search({ ownerId: alice, includeShared: true, collections: [] })).toEqual([]);
        expect(await search({ ownerId: alice, includeShared: true, documentIds: [] })).toEqual([]);
        // Bob naming Alice's document or collection still sees nothing of hers.
        expect(await search({ ownerId: bob, includeShared: false, documentIds: [a.id] })).toEqual([]);
        expect(await search({ ownerId: bob, includeShared: false, collections: ['work'] })).toEqual([]);
      });

      it('returns at most k results', async () => {
        await withChunks({ ownerId: alice }, ['falcon 1', 'falcon 2', 'falcon 3', 'falcon 4']);
        const scope: SearchScope = { ownerId: alice, includeShared: false };
        expect(await store.keywordSearch('falcon', 2, scope)).toHaveLength(2);
        expect(await store.keywordSearch('falcon', 0, scope)).toEqual([]);
        expect(await store.keywordSearch('falcon', -3, scope)).toEqual([]);
        expect(await store.keywordSearch('falcon', Number.NaN, scope)).toEqual([]);
      });

      it('treats query syntax as plain words and never throws on odd input', async () => {
        const doc = await withChunks({ ownerId: alice, title: 'Café menu' }, [
          'NEAR the station, order a crème brûlée and 日本語 text.',
          'Column content: wildcard* and "quoted" words (grouped) ^caret -minus +plus.',
        ]);
        const scope: SearchScope = { ownerId: alice, includeShared: true };
        const hostile = [
          '',
          '   ',
          '"',
          '""',
          '"unbalanced',
          '*',
          '**',
          ')(',
          '(',
          '^',
          '-',
          '+',
          ':',
          'NEAR',
          'NEAR(a b, 2)',
          'a AND OR NOT b',
          'AND',
          'OR OR OR',
          'NOT',
          'content:station',
          'title:café',
          '{content title}: x',
          'col : "x" * ^ NEAR/3',
          '\u0000',
          '\u0301',
          '🙂🚀',
          '\uD800',
          '日本語',
          'x'.repeat(10_000),
          Array.from({ length: 500 }, (_, i) => `w${i}`).join(' '),
        ];
        for (const q of hostile) {
          const hits = await store.keywordSearch(q, 5, scope);
          expect(Array.isArray(hits), q).toBe(true);
        }
        // The words inside the syntax still match as words.
        expect(ids(await store.keywordSearch('NEAR station', 5, scope))).toEqual([`${doc.id}:0`]);
        expect(ids(await store.keywordSearch('wildcard*', 5, scope))).toEqual([`${doc.id}:1`]);
        expect(ids(await store.keywordSearch('"quoted', 5, scope))).toEqual([`${doc.id}:1`]);
        expect(ids(await store.keywordSearch('crème brûlée', 5, scope))).toEqual([`${doc.id}:0`]);
        expect(ids(await store.keywordSearch('café', 5, scope)).sort()).toEqual([
          `${doc.id}:0`,
          `${doc.id}:1`,
        ]);
      });
    });
  });
}
