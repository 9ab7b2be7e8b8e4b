import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SqliteAccountStore } from '../../src/adapters/sqlite/account-store.js';
import { openDatabase, type Db } from '../../src/adapters/sqlite/database.js';
import { SqliteKnowledgeStore } from '../../src/adapters/sqlite/knowledge-store.js';
import { kbChunks, kbDocument, knowledgeStoreContract } from './knowledge-store.contract.js';

async function tempDb() {
  const dir = await mkdtemp(join(tmpdir(), 'engify-kb-'));
  const db = openDatabase(join(dir, 'engify.db'));
  const accounts = new SqliteAccountStore(db);
  return {
    db,
    createUser: async () =>
      (
        await accounts.createUser({
          email: `${randomUUID()}@example.test`,
          name: null,
          passwordHash: null,
          role: 'user',
          tier: 'free',
        })
      ).id,
    cleanup: async () => {
      db.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

knowledgeStoreContract('sqlite', async () => {
  const { db, createUser, cleanup } = await tempDb();
  return { store: new SqliteKnowledgeStore(db), createUser, dispose: cleanup };
});

const ftsRows = (db: Db, word: string) =>
  db
    .prepare<[string], { rowid: number }>('SELECT rowid FROM kb_chunks_fts WHERE kb_chunks_fts MATCH ?')
    .all(`"${word}"`);

describe('SQLite knowledge store specifics', () => {
  it('deleting a user deletes their documents, chunks and index entries, and nothing shared', async () => {
    const { db, createUser, cleanup } = await tempDb();
    const store = new SqliteKnowledgeStore(db);
    const alice = await createUser();
    const mine = kbDocument({ ownerId: alice });
    const shared = kbDocument({ ownerId: null });
    for (const doc of [mine, shared]) {
      await store.createDocument(doc);
      await store.upsertChunks(kbChunks(doc.id, ['pelican notes', 'more pelican notes']));
    }
    expect(ftsRows(db, 'pelican')).toHaveLength(4);
    db.prepare('DELETE FROM users WHERE id = ?').run(alice);
    expect(await store.getDocument(mine.id)).toBeNull();
    expect(await store.countChunks()).toBe(2);
    expect(ftsRows(db, 'pelican')).toHaveLength(2);
    expect(await store.getDocument(shared.id)).not.toBeNull();
    await cleanup();
  });

  it('keeps exactly one FTS row per chunk through upserts, tail deletes and document deletes', async () => {
    const { db, cleanup } = await tempDb();
    const store = new SqliteKnowledgeStore(db);
    const doc = kbDocument({ title: 'Atlas' });
    await store.createDocument(doc);
    const rows = (word: string) => ftsRows(db, word).map((r) => r.rowid);
    await store.upsertChunks(kbChunks(doc.id, ['old words', 'old words', 'old words', 'old words']));
    await store.upsertChunks(kbChunks(doc.id, ['new words', 'new words', 'new words', 'new words']));
    expect(rows('old')).toEqual([]);
    expect(rows('new')).toHaveLength(4);
    expect(new Set(rows('words')).size).toBe(4);
    expect(rows('words')).toHaveLength(4);
    await store.updateDocument(doc.id, { title: 'Globe' });
    expect(rows('atlas')).toEqual([]);
    expect(rows('globe')).toHaveLength(4);
    await store.deleteChunksFrom(doc.id, 2);
    expect(rows('words')).toHaveLength(2);
    await store.deleteDocument(doc.id);
    expect(rows('words')).toEqual([]);
    await cleanup();
  });

  it('drops the commonest words of a query when they would match more chunks than it ranks, per scope', async () => {
    const { db, createUser, cleanup } = await tempDb();
    const store = new SqliteKnowledgeStore(db);
    const alice = await createUser();
    const shared = kbDocument();
    const mine = kbDocument({ ownerId: alice });
    await store.createDocument(shared);
    await store.createDocument(mine);
    // Every shared chunk says "widget"; four also say "sprocket".
    const texts = Array.from({ length: 10_050 }, (_, i) =>
      i % 3000 === 7 ? 'widget sprocket' : `widget ${i}`,
    );
    await store.upsertChunks(kbChunks(shared.id, texts));
    await store.upsertChunks(kbChunks(mine.id, ['my widget', 'my other widget', 'no match here']));

    const sharedScope = { ownerId: null, includeShared: true };
    const rare = await store.keywordSearch('widget sprocket', 10, sharedScope);
    expect(rare.map((h) => h.chunkId).sort()).toEqual(
      [7, 3007, 6007, 9007].map((i) => `${shared.id}:${i}`).sort(),
    );
    // A query of common words only still answers.
    expect(await store.keywordSearch('widget', 10, sharedScope)).toHaveLength(10);
    // What is common elsewhere is not common in Alice's own few chunks: nothing is dropped there.
    const own = await store.keywordSearch('widget sprocket', 10, { ownerId: alice, includeShared: false });
    expect(own.map((h) => h.chunkId).sort()).toEqual([`${mine.id}:0`, `${mine.id}:1`]);
    await cleanup();
  });
});
