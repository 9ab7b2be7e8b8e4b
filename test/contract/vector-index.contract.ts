import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  BUILTIN_COLLECTION,
  DEFAULT_COLLECTION,
  type KnowledgeStore,
  type SearchScope,
} from '../../src/ports/knowledge-store.js';
import type { VectorEntry, VectorIndex } from '../../src/ports/vector-index.js';
import { kbChunks, kbDocument } from './knowledge-store.contract.js';

export interface VectorIndexHarness {
  index: VectorIndex;
  /** The knowledge store the index is deployed with (same database or cluster). */
  store: KnowledgeStore;
  /** Creates a user documents can belong to and returns its id. */
  createUser(): Promise<string>;
  /** Releases everything the harness created. */
  dispose(): Promise<void>;
}

const DIMENSIONS = 384;

/** A deterministic pseudo-random generator, so a failing case can be replayed. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

function unit(values: number[]): Float32Array {
  const norm = Math.hypot(...values);
  return Float32Array.from(values, (v) => v / norm);
}

function randomVector(next: () => number): Float32Array {
  return unit(Array.from({ length: DIMENSIONS }, () => next() * 2 - 1));
}

/** A unit vector along one axis, optionally nudged towards another. */
function axis(i: number, towards?: { j: number; by: number }): Float32Array {
  const v = new Array<number>(DIMENSIONS).fill(0);
  v[i] = 1;
  if (towards) v[towards.j] = towards.by;
  return unit(v);
}

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return dot / Math.sqrt(na * nb);
}

/** What a scope may see, decided from the entry alone: the reference for the kNN checks. */
function visible(entry: VectorEntry, scope: SearchScope): boolean {
  const ownerOk =
    (scope.ownerId !== null && entry.ownerId === scope.ownerId) ||
    (scope.includeShared && entry.ownerId === null);
  return (
    ownerOk &&
    (!scope.collections || scope.collections.includes(entry.collection)) &&
    (!scope.documentIds || scope.documentIds.includes(entry.documentId))
  );
}

function bruteForce(entries: VectorEntry[], query: Float32Array, k: number, scope: SearchScope) {
  return entries
    .filter((e) => visible(e, scope))
    .map((e) => ({ chunkId: e.chunkId, score: cosine(e.vector, query) }))
    .sort((a, b) => b.score - a.score)
    .slice(0, k);
}

/**
 * Behaviour every VectorIndex adapter must have. Run it from a test file per adapter:
 * `vectorIndexContract('sqlite-vec', async () => ({ index, store, createUser, dispose }))`.
 */
export function vectorIndexContract(name: string, open: () => Promise<VectorIndexHarness>): void {
  describe(`VectorIndex contract: ${name}`, () => {
    let harness: VectorIndexHarness;
    let index: VectorIndex;
    let alice: string;
    let bob: string;

    beforeEach(async () => {
      harness = await open();
      index = harness.index;
      alice = await harness.createUser();
      bob = await harness.createUser();
    });
    afterEach(async () => harness.dispose());

    const entry = (
      chunkId: string,
      vector: Float32Array,
      rest: Partial<Omit<VectorEntry, 'chunkId' | 'vector'>> = {},
    ): VectorEntry => ({
      chunkId,
      documentId: chunkId.split(':')[0]!,
      ownerId: null,
      collection: DEFAULT_COLLECTION,
      vector,
      ...rest,
    });
    const ids = (hits: { chunkId: string }[]) => hits.map((h) => h.chunkId);
    const everyone: SearchScope = { ownerId: null, includeShared: true };

    it('remembers the embedder id, and a different one drops every vector', async () => {
      expect(await index.embedderId()).toBeNull();
      await index.setEmbedderId('minilm:test');
      await index.upsert([entry('d:0', axis(0)), entry('d:1', axis(1))]);
      await index.setEmbedderId('minilm:test');
      expect(await index.count()).toBe(2);
      expect(await index.embedderId()).toBe('minilm:test');

      await index.setEmbedderId('lexical:v1');
      expect(await index.embedderId()).toBe('lexical:v1');
      expect(await index.count()).toBe(0);
      expect(await index.knn(axis(0), 5, everyone)).toEqual([]);
      // New vectors go in under the new embedder as usual.
      await index.upsert([entry('d:0', axis(0))]);
      expect(ids(await index.knn(axis(0), 5, everyone))).toEqual(['d:0']);
    });

    it('finds the nearest vector with score = cosine similarity', async () => {
      await index.upsert([
        entry('d:0', axis(0)),
        entry('d:1', axis(1)),
        entry('d:2', axis(0, { j: 1, by: 1 })),
        entry('d:3', unit([-1, ...new Array<number>(DIMENSIONS - 1).fill(0)])),
      ]);
      const hits = await index.knn(axis(0), 4, everyone);
      expect(ids(hits)).toEqual(['d:0', 'd:2', 'd:1', 'd:3']);
      expect(hits[0]!.score).toBeCloseTo(1, 5);
      expect(hits[1]!.score).toBeCloseTo(Math.SQRT1_2, 5);
      expect(hits[2]!.score).toBeCloseTo(0, 5);
      expect(hits[3]!.score).toBeCloseTo(-1, 5);
      expect(ids(await index.knn(axis(0), 2, everyone))).toEqual(['d:0', 'd:2']);
      expect(await index.knn(axis(0), 0, everyone)).toEqual([]);
    });

    it('upserting the same chunk again replaces its vector instead of adding one', async () => {
      await index.upsert([entry('d:0', axis(0)), entry('d:1', axis(1))]);
      await index.upsert([entry('d:0', axis(0)), entry('d:1', axis(1))]);
      expect(await index.count()).toBe(2);
      expect(ids(await index.knn(axis(0), 10, everyone))).toEqual(['d:0', 'd:1']);

      await index.upsert([entry('d:0', axis(2))]);
      expect(await index.count()).toBe(2);
      const hits = await index.knn(axis(2), 10, everyone);
      expect(ids(hits)).toEqual(['d:0', 'd:1']);
      expect(hits[0]!.score).toBeCloseTo(1, 5);
    });

    it('removes vectors by chunk id and ignores unknown ids', async () => {
      await index.upsert([entry('d:0', axis(0)), entry('d:1', axis(1)), entry('d:2', axis(2))]);
      await index.remove(['d:1', 'nope:7']);
      await index.remove([]);
      expect(await index.count()).toBe(2);
      expect(ids(await index.knn(axis(1), 10, everyone)).sort()).toEqual(['d:0', 'd:2']);
    });

    it('is exact: the same top 10 as brute-force cosine, unfiltered and filtered', async () => {
      const next = generator(42);
      const docs = [
        { id: 'shared-a', ownerId: null, collection: BUILTIN_COLLECTION, n: 320 },
        { id: 'shared-b', ownerId: null, collection: BUILTIN_COLLECTION, n: 180 },
        { id: 'alice-a', ownerId: alice, collection: DEFAULT_COLLECTION, n: 120 },
        { id: 'alice-b', ownerId: alice, collection: 'work', n: 60 },
        { id: 'bob-a', ownerId: bob, collection: DEFAULT_COLLECTION, n: 90 },
      ];
      const entries = docs.flatMap((d) =>
        Array.from({ length: d.n }, (_, i) =>
          entry(`${d.id}:${i}`, randomVector(next), { ownerId: d.ownerId, collection: d.collection }),
        ),
      );
      for (let i = 0; i < entries.length; i += 100) await index.upsert(entries.slice(i, i + 100));
      expect(await index.count()).toBe(entries.length);

      const scopes: SearchScope[] = [
        everyone,
        { ownerId: alice, includeShared: true },
        { ownerId: alice, includeShared: false },
        { ownerId: bob, includeShared: true },
        { ownerId: bob, includeShared: false },
        { ownerId: alice, includeShared: true, collections: ['work', BUILTIN_COLLECTION] },
        { ownerId: alice, includeShared: true, collections: [DEFAULT_COLLECTION] },
        { ownerId: alice, includeShared: true, documentIds: ['alice-b', 'shared-b', 'bob-a'] },
        { ownerId: bob, includeShared: false, documentIds: ['alice-a'] },
      ];
      for (const scope of scopes) {
        for (let q = 0; q < 8; q++) {
          const query = randomVector(next);
          const expected = bruteForce(entries, query, 10, scope);
          const hits = await index.knn(query, 10, scope);
          expect(ids(hits), JSON.stringify(scope)).toEqual(ids(expected));
          hits.forEach((h, i) => expect(h.score).toBeCloseTo(expected[i]!.score, 4));
        }
      }
    });

    it('filters inside the search: a user with few chunks gets all of them despite many closer shared ones', async () => {
      const next = generator(7);
      const shared = Array.from({ length: 600 }, (_, i) =>
        entry(`shared:${i}`, unit([1, ...Array.from({ length: DIMENSIONS - 1 }, () => next() * 0.05)]), {
          collection: BUILTIN_COLLECTION,
        }),
      );
      const mine = [
        entry('mine:0', axis(1, { j: 0, by: 0.3 }), { ownerId: alice }),
        entry('mine:1', axis(2), { ownerId: alice }),
        entry('mine:2', axis(0, { j: 3, by: 2 }), { ownerId: alice }),
      ];
      await index.upsert(shared);
      await index.upsert(mine);
      const query = axis(0);

      const own = await index.knn(query, 10, { ownerId: alice, includeShared: false });
      expect(ids(own)).toEqual(['mine:2', 'mine:0', 'mine:1']);
      const both = await index.knn(query, 10, { ownerId: alice, includeShared: true });
      expect(both).toHaveLength(10);
      expect(ids(both).every((id) => id.startsWith('shared:'))).toBe(true);
      const byCollection = await index.knn(query, 10, {
        ownerId: alice,
        includeShared: true,
        collections: [DEFAULT_COLLECTION],
      });
      expect(ids(byCollection)).toEqual(['mine:2', 'mine:0', 'mine:1']);
      const byDocument = await index.knn(query, 10, {
        ownerId: alice,
        includeShared: true,
        documentIds: ['mine'],
      });
      expect(ids(byDocument)).toEqual(['mine:2', 'mine:0', 'mine:1']);
    });

    it('never shows one user’s vectors to another', async () => {
      await index.upsert([
        entry('a:0', axis(0), { ownerId: alice }),
        entry('b:0', axis(0, { j: 1, by: 0.1 }), { ownerId: bob }),
        entry('s:0', axis(0, { j: 1, by: 0.2 }), { collection: BUILTIN_COLLECTION }),
      ]);
      const search = async (scope: SearchScope) => ids(await index.knn(axis(0), 10, scope));
      expect(await search({ ownerId: bob, includeShared: true })).toEqual(['b:0', 's:0']);
      expect(await search({ ownerId: bob, includeShared: false })).toEqual(['b:0']);
      expect(await search({ ownerId: alice, includeShared: true })).toEqual(['a:0', 's:0']);
      expect(await search({ ownerId: null, includeShared: true })).toEqual(['s:0']);
      expect(await search({ ownerId: null, includeShared: false })).toEqual([]);
      expect(await search({ ownerId: bob, includeShared: true, documentIds: ['a'] })).toEqual([]);
      expect(await search({ ownerId: bob, includeShared: true, collections: [] })).toEqual([]);
      expect(await search({ ownerId: bob, includeShared: true, documentIds: [] })).toEqual([]);
    });

    it('after a document is deleted and the caller removes its vectors, none of them come back', async () => {
      const store = harness.store;
      const { document } = await store.createDocument(kbDocument({ ownerId: alice }));
      const other = (await store.createDocument(kbDocument({ ownerId: alice }))).document;
      await store.upsertChunks(kbChunks(document.id, ['one', 'two', 'three']));
      await store.upsertChunks(kbChunks(other.id, ['kept']));
      const vectors = [...(await store.listChunks(document.id)), ...(await store.listChunks(other.id))].map(
        (c, i) =>
          entry(c.id, axis(i), { documentId: c.documentId, ownerId: c.ownerId, collection: c.collection }),
      );
      await index.upsert(vectors);

      const removed = await store.deleteDocument(document.id);
      await index.remove(removed);
      expect(await index.count()).toBe(1);
      const hits = await index.knn(axis(0), 10, { ownerId: alice, includeShared: true });
      expect(ids(hits)).toEqual([`${other.id}:0`]);
    });

    it('returns unique chunk ids, at most k, best first', async () => {
      const next = generator(3);
      await index.upsert(Array.from({ length: 50 }, (_, i) => entry(`d:${i}`, randomVector(next))));
      const hits = await index.knn(randomVector(next), 20, everyone);
      expect(hits).toHaveLength(20);
      expect(new Set(ids(hits)).size).toBe(20);
      const scores = hits.map((h) => h.score);
      expect(scores).toEqual([...scores].sort((a, b) => b - a));
      expect(await index.knn(randomVector(next), 500, everyone)).toHaveLength(50);
    });
  });
}
