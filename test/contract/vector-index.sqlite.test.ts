import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SqliteAccountStore } from '../../src/adapters/sqlite/account-store.js';
import { openDatabase } from '../../src/adapters/sqlite/database.js';
import { SqliteKnowledgeStore } from '../../src/adapters/sqlite/knowledge-store.js';
import { SqliteVectorIndex, VECTOR_DIMENSIONS } from '../../src/adapters/sqlite/vector-index.js';
import { kbChunks, kbDocument } from './knowledge-store.contract.js';
import { vectorIndexContract } from './vector-index.contract.js';

async function tempDir() {
  const dir = await mkdtemp(join(tmpdir(), 'engify-vec-'));
  return { file: join(dir, 'engify.db'), cleanup: () => rm(dir, { recursive: true, force: true }) };
}

async function open() {
  const { file, cleanup } = await tempDir();
  const db = openDatabase(file);
  const accounts = new SqliteAccountStore(db);
  return {
    db,
    file,
    index: new SqliteVectorIndex(db),
    store: new SqliteKnowledgeStore(db),
    createUser: async () =>
      (
        await accounts.createUser({
          email: `${randomUUID()}@example.test`,
          name: null,
          passwordHash: null,
          role: 'user' as const,
          tier: 'free' as const,
        })
      ).id,
    dispose: async () => {
      db.close();
      await cleanup();
    },
  };
}

vectorIndexContract('sqlite-vec', open);

const vector = (i: number) => {
  const v = new Float32Array(VECTOR_DIMENSIONS);
  v[i] = 1;
  return v;
};

describe('SQLite vector index specifics', () => {
  it('rejects vectors of the wrong width, with non-finite values, or of length zero', async () => {
    const { index, dispose } = await open();
    const base = { chunkId: 'd:0', documentId: 'd', ownerId: null, collection: 'engify' };
    await expect(index.upsert([{ ...base, vector: new Float32Array(3) }])).rejects.toThrow(RangeError);
    const bad = vector(0);
    bad[5] = Number.NaN;
    await expect(index.upsert([{ ...base, vector: bad }])).rejects.toThrow(RangeError);
    await expect(index.knn(new Float32Array(10), 5, { ownerId: null, includeShared: true })).rejects.toThrow(
      RangeError,
    );
    await expect(index.upsert([{ ...base, vector: new Float32Array(VECTOR_DIMENSIONS) }])).rejects.toThrow(
      RangeError,
    );
    expect(await index.count()).toBe(0);
    // A zero query vector is similar to nothing.
    await index.upsert([{ ...base, vector: vector(0) }]);
    expect(
      await index.knn(new Float32Array(VECTOR_DIMENSIONS), 5, { ownerId: null, includeShared: true }),
    ).toEqual([]);
    await dispose();
  });

  it('drops a chunk’s vector with the chunk, also when its owner is deleted', async () => {
    const { db, index, store, createUser, dispose } = await open();
    const alice = await createUser();
    const doc = kbDocument({ ownerId: alice });
    await store.createDocument(doc);
    await store.upsertChunks(kbChunks(doc.id, ['a', 'b', 'c']));
    const entries = (await store.listChunks(doc.id)).map((c, i) => ({
      chunkId: c.id,
      documentId: c.documentId,
      ownerId: c.ownerId,
      collection: c.collection,
      vector: vector(i),
    }));
    await index.upsert(entries);
    const rows = () => db.prepare<[], { n: number }>('SELECT count(*) AS n FROM kb_vectors').get()!.n;

    await store.deleteChunksFrom(doc.id, 2);
    expect(await index.count()).toBe(2);
    expect(rows()).toBe(2);
    db.prepare('DELETE FROM users WHERE id = ?').run(alice);
    expect(await index.count()).toBe(0);
    expect(rows()).toBe(0);
    await dispose();
  });

  it('keeps vectors and the embedder id across reopening the database', async () => {
    const { file, cleanup } = await tempDir();
    let db = openDatabase(file);
    let index = new SqliteVectorIndex(db);
    await index.setEmbedderId('minilm:test');
    await index.upsert([
      { chunkId: 'd:0', documentId: 'd', ownerId: null, collection: 'engify', vector: vector(4) },
    ]);
    db.close();
    db = openDatabase(file);
    index = new SqliteVectorIndex(db);
    expect(await index.embedderId()).toBe('minilm:test');
    const hits = await index.knn(vector(4), 3, { ownerId: null, includeShared: true });
    expect(hits.map((h) => h.chunkId)).toEqual(['d:0']);
    db.close();
    await cleanup();
  });
});
