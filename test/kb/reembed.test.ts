import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LexicalEmbedder } from '../../src/adapters/embeddings/lexical.js';
import { FsBlobStore } from '../../src/adapters/fs/blob-store.js';
import { createLogger } from '../../src/adapters/log/pino.js';
import { SqliteAccountStore } from '../../src/adapters/sqlite/account-store.js';
import { openDatabase } from '../../src/adapters/sqlite/database.js';
import { SqliteJobQueue } from '../../src/adapters/sqlite/job-queue.js';
import { SqliteKnowledgeStore } from '../../src/adapters/sqlite/knowledge-store.js';
import { SqliteVectorIndex } from '../../src/adapters/sqlite/vector-index.js';
import { KnowledgeBaseService } from '../../src/features/kb/service.js';
import { JobWorker } from '../../src/features/kb/worker.js';
import type { Embedder } from '../../src/ports/embedder.js';

// Vectors from different embedders never mix: when the embedder changes, the index is cleared and
// every document is re-embedded from its stored chunk text.

/** Another embedder for the same port: the lexical vectors with their coordinates reversed. */
class ReversedEmbedder implements Embedder {
  readonly id = 'reversed-lexical:v1';
  readonly kind = 'lexical-fallback' as const;
  readonly dimensions = 384;
  private readonly inner = new LexicalEmbedder();
  async embed(texts: string[]): Promise<Float32Array[]> {
    return (await this.inner.embed(texts)).map((v) => Float32Array.from(v).reverse());
  }
}

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

describe('embedder change', () => {
  it('clears the vectors and re-embeds every document with the new embedder', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'engify-reembed-'));
    dirs.push(dir);
    const db = openDatabase(join(dir, 'engify.db'));
    const logger = createLogger('silent');
    const user = await new SqliteAccountStore(db).createUser({
      email: 'r@example.com',
      name: null,
      passwordHash: null,
      role: 'user',
      tier: 'free',
    });
    const store = new SqliteKnowledgeStore(db);
    const vectors = new SqliteVectorIndex(db);
    const queue = new SqliteJobQueue(db);
    const blobs = new FsBlobStore(join(dir, 'blobs'));
    const service = (embedder: Embedder) =>
      new KnowledgeBaseService(
        { store, vectors, blobs, queue, embedder: Promise.resolve(embedder), logger },
        { maxUploadBytes: 1 << 20, embedBatchSize: 4 },
      );
    const drain = (kb: KnowledgeBaseService) =>
      new JobWorker(queue, (type, payload) => kb.handleJob(type, payload), logger, {
        maxAttempts: 3,
      }).drain();

    const before = service(new LexicalEmbedder());
    await before.ensureEmbedderConsistency();
    const text = Array.from({ length: 30 }, (_, i) => `Paragraph ${i} about the billing ledger and refunds.`);
    const { document } = await before.upload(user.id, {
      filename: 'ledger.md',
      bytes: new TextEncoder().encode(`# Ledger\n\n${text.join('\n\n')}`),
    });
    await drain(before);
    expect((await before.get(user.id, document.id)).status).toBe('ready');
    const chunkCount = await vectors.count();
    expect(chunkCount).toBeGreaterThan(0);
    expect(await vectors.embedderId()).toBe('lexical:v1');

    const reversed = new ReversedEmbedder();
    const after = service(reversed);
    expect(await after.ensureEmbedderConsistency()).toBe(1);
    expect(await vectors.embedderId()).toBe(reversed.id);
    expect(await vectors.count()).toBe(0); // nothing stale is searchable meanwhile
    await drain(after);
    expect(await vectors.count()).toBe(chunkCount);

    // The stored vectors are the new embedder's: its query vector finds the chunks with similarity ~1.
    const chunks = await store.listChunks(document.id);
    const [query] = await reversed.embed([
      ['Ledger', chunks[0]!.heading, chunks[0]!.content].filter(Boolean).join('\n'),
    ]);
    const hits = await vectors.knn(query!, 1, { ownerId: user.id, includeShared: false });
    expect(hits[0]!.chunkId).toBe(chunks[0]!.id);
    expect(hits[0]!.score).toBeCloseTo(1, 4);
    // Running the check again with the same embedder changes nothing.
    expect(await after.ensureEmbedderConsistency()).toBe(0);
    db.close();
  });
});
