import type { RankedChunk, SearchScope } from '../../ports/knowledge-store.js';
import type { VectorEntry, VectorIndex } from '../../ports/vector-index.js';
import type { Db } from './database.js';

/** The width of kb_vectors.embedding (migration 6). */
export const VECTOR_DIMENSIONS = 384;

/** sqlite-vec refuses larger k. */
const MAX_K = 4096;

/** The owner partition of the shared collection (vec0 partition keys cannot be NULL). */
const SHARED_OWNER = '';

/**
 * A kNN scans every vector of the partitions it may see; reading them through a memory map
 * instead of the page cache takes about a third off a 100k-vector scan. Per connection.
 */
const MMAP_BYTES = 1024 ** 3;

const EMBEDDER_KEY = 'embedder_id';

function toBlob(vector: Float32Array): Buffer {
  if (vector.length !== VECTOR_DIMENSIONS) {
    throw new RangeError(`expected a ${VECTOR_DIMENSIONS}-d vector, got ${vector.length}`);
  }
  if (!vector.every(Number.isFinite)) throw new RangeError('vector has non-finite components');
  return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength);
}

/**
 * Cosine kNN with sqlite-vec on the application database. Vectors live in the vec0 table
 * kb_vectors, partitioned by owner, with collection and document as metadata columns, so scope
 * filters run inside the scan: a search returns the k nearest chunks the caller may see, however
 * many chunks others have. kb_vector_keys maps vec0's integer keys to chunk ids. Deleting a chunk
 * from the knowledge store also deletes its vector (a trigger), so `remove` after a document
 * delete finds nothing left to do.
 */
export class SqliteVectorIndex implements VectorIndex {
  readonly kind = 'sqlite-vec' as const;

  constructor(private readonly db: Db) {
    if (Number(db.pragma('mmap_size', { simple: true })) < MMAP_BYTES) db.pragma(`mmap_size = ${MMAP_BYTES}`);
  }

  async embedderId(): Promise<string | null> {
    return (
      this.db
        .prepare<[string], { value: string }>('SELECT value FROM kb_meta WHERE key = ?')
        .get(EMBEDDER_KEY)?.value ?? null
    );
  }

  async setEmbedderId(id: string): Promise<void> {
    this.db.transaction(() => {
      const current = this.db
        .prepare<[string], { value: string }>('SELECT value FROM kb_meta WHERE key = ?')
        .get(EMBEDDER_KEY)?.value;
      if (current === id) return;
      // Vectors from another model (or of unknown origin) are not comparable with the new ones.
      this.db.exec('DELETE FROM kb_vectors; DELETE FROM kb_vector_keys;');
      this.db
        .prepare(
          'INSERT INTO kb_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
        )
        .run(EMBEDDER_KEY, id);
    })();
  }

  async upsert(entries: VectorEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const blobs = entries.map((e) => {
      // sqlite-vec gives a zero vector a NULL cosine distance, which it then ranks ahead of every
      // real neighbour; embedders never produce one, so one here is a bug worth failing on.
      if (e.vector.every((x) => x === 0)) throw new RangeError(`zero vector for chunk ${e.chunkId}`);
      return toBlob(e.vector);
    });
    const findKey = this.db.prepare<[string], { key: number }>(
      'SELECT key FROM kb_vector_keys WHERE chunk_id = ?',
    );
    const newKey = this.db.prepare<[string], { key: number }>(
      'INSERT INTO kb_vector_keys (chunk_id) VALUES (?) RETURNING key',
    );
    // vec0 has no upsert: an existing vector is deleted and inserted again under the same key.
    const remove = this.db.prepare('DELETE FROM kb_vectors WHERE rowid = ?');
    const insert = this.db.prepare(
      'INSERT INTO kb_vectors (rowid, owner, collection, document_id, embedding) VALUES (?, ?, ?, ?, ?)',
    );
    this.db.transaction(() => {
      entries.forEach((entry, i) => {
        const existing = findKey.get(entry.chunkId)?.key;
        // vec0 only accepts integer-typed keys; a JS number would be bound as a REAL.
        const key = BigInt(existing ?? newKey.get(entry.chunkId)!.key);
        if (existing !== undefined) remove.run(key);
        insert.run(key, entry.ownerId || SHARED_OWNER, entry.collection, entry.documentId, blobs[i]);
      });
    })();
  }

  async remove(chunkIds: string[]): Promise<void> {
    if (chunkIds.length === 0) return;
    const findKey = this.db.prepare<[string], { key: number }>(
      'SELECT key FROM kb_vector_keys WHERE chunk_id = ?',
    );
    const removeVector = this.db.prepare('DELETE FROM kb_vectors WHERE rowid = ?');
    const removeKey = this.db.prepare('DELETE FROM kb_vector_keys WHERE key = ?');
    this.db.transaction(() => {
      for (const chunkId of chunkIds) {
        const key = findKey.get(chunkId)?.key;
        if (key === undefined) continue;
        removeVector.run(BigInt(key));
        removeKey.run(key);
      }
    })();
  }

  async knn(vector: Float32Array, k: number, scope: SearchScope): Promise<RankedChunk[]> {
    const blob = toBlob(vector);
    const limit = Math.min(Math.floor(k), MAX_K);
    // A zero query has no direction: nothing is similar to it.
    if (!(limit > 0) || vector.every((x) => x === 0)) return [];
    if (scope.collections?.length === 0 || scope.documentIds?.length === 0) return [];
    const owners: string[] = [];
    if (scope.ownerId) owners.push(scope.ownerId);
    if (scope.includeShared) owners.push(SHARED_OWNER);

    const where = ['embedding MATCH ?', 'k = ?', 'owner = ?'];
    const filters: string[] = [];
    if (scope.collections) {
      where.push('collection IN (SELECT value FROM json_each(?))');
      filters.push(JSON.stringify(scope.collections));
    }
    if (scope.documentIds) {
      where.push('document_id IN (SELECT value FROM json_each(?))');
      filters.push(JSON.stringify(scope.documentIds));
    }
    const search = this.db.prepare<unknown[], { key: number; distance: number }>(
      `SELECT rowid AS key, distance FROM kb_vectors WHERE ${where.join(' AND ')}`,
    );
    // One exact kNN per visible partition (the user's own, the shared one); the best k overall
    // are among the best k of each.
    const hits = owners
      .flatMap((owner) => search.all(blob, BigInt(limit), owner, ...filters))
      .sort((a, b) => a.distance - b.distance || a.key - b.key)
      .slice(0, limit);
    if (hits.length === 0) return [];
    const chunkIds = new Map(
      this.db
        .prepare<[string], { key: number; chunk_id: string }>(
          'SELECT key, chunk_id FROM kb_vector_keys WHERE key IN (SELECT value FROM json_each(?))',
        )
        .all(JSON.stringify(hits.map((h) => h.key)))
        .map((r) => [r.key, r.chunk_id]),
    );
    return hits.flatMap((h) => {
      const chunkId = chunkIds.get(h.key);
      return chunkId === undefined ? [] : [{ chunkId, score: 1 - h.distance }];
    });
  }

  async count(): Promise<number> {
    return this.db.prepare<[], { n: number }>('SELECT count(*) AS n FROM kb_vector_keys').get()!.n;
  }
}
