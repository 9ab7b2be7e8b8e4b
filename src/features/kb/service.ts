import { createHash, randomUUID } from 'node:crypto';
import { AppError } from '../../lib/errors.js';
import type { BlobStore } from '../../ports/blob-store.js';
import { InvalidCursorError } from '../../ports/catalog-store.js';
import type { Embedder } from '../../ports/embedder.js';
import type { JobQueue } from '../../ports/job-queue.js';
import {
  BUILTIN_COLLECTION,
  DEFAULT_COLLECTION,
  type Chunk,
  type KbDocument,
  type KnowledgeStore,
  type RankedChunk,
  type SearchScope,
} from '../../ports/knowledge-store.js';
import type { Logger } from '../../ports/logger.js';
import type { VectorEntry, VectorIndex } from '../../ports/vector-index.js';
import { COLLECTION_NAME } from './collection-name.js';
import { chunkDocument, type TokenCounter } from './chunk.js';
import { ExtractError, extractText } from './extract.js';
import { detectType, type KbMediaType } from './sniff.js';

export const INGEST_JOB = 'kb.ingest';
export const REEMBED_JOB = 'kb.reembed';

export type SearchMode = 'hybrid' | 'vector' | 'keyword';

export interface SearchRequest {
  query: string;
  topK: number;
  mode: SearchMode;
  /** One collection (the shared one is `engify`); all of the user's plus the shared one when absent. */
  collection?: string | undefined;
  filter?: { documentIds?: string[] | undefined } | undefined;
}

export interface SearchResult {
  chunkId: string;
  documentId: string;
  title: string;
  heading: string | null;
  content: string;
  /** Hybrid: the reciprocal-rank-fusion score; otherwise the vector or keyword score. */
  score: number;
  /** Cosine similarity, when the vector search returned this chunk. */
  vectorScore: number | null;
  /** -BM25 (higher is better), when the keyword search returned this chunk. */
  keywordScore: number | null;
}

export interface KbServiceOptions {
  maxUploadBytes: number;
  /** Documents one user may keep; default unlimited. */
  maxDocumentsPerUser?: number;
  /** Texts per embedder call during ingestion (progress is saved after each). */
  embedBatchSize?: number;
  chunkMaxTokens?: number;
  chunkOverlapTokens?: number;
  countTokens?: TokenCounter;
}

/** RRF constant: dampens the weight of the very top ranks (60 is the value from the original RRF paper). */
const RRF_K = 60;
/** Candidates each retriever contributes to the fusion. */
const FUSION_CANDIDATES = 50;

/**
 * Fuses ranked lists by reciprocal rank fusion: score(d) = Σ 1 / (k + rank_i(d)), rank from 1.
 * Rank-based, so BM25 and cosine scores need no common scale.
 */
export function reciprocalRankFusion(lists: RankedChunk[][], k = RRF_K): Map<string, number> {
  const fused = new Map<string, number>();
  for (const list of lists) {
    list.forEach((item, index) => {
      fused.set(item.chunkId, (fused.get(item.chunkId) ?? 0) + 1 / (k + index + 1));
    });
  }
  return fused;
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Longest title and file name kept (longer ones are cut). */
const MAX_TITLE_CHARS = 200;
const MAX_FILENAME_CHARS = 255;
/**
 * Chunk size in cl100k tokens. MiniLM reads at most 256 of its own word pieces (title and heading
 * included), and English text takes a few more word pieces than cl100k tokens.
 */
const DEFAULT_CHUNK_TOKENS = 180;

function titleFromFilename(filename: string): string {
  const base = filename.replace(/^.*[\\/]/, '').replace(/\.[A-Za-z0-9]+$/, '');
  return base.replace(/[-_]+/g, ' ').trim().slice(0, MAX_TITLE_CHARS) || 'Untitled';
}

/**
 * The knowledge base: uploads become documents, a background job turns them into embedded chunks,
 * and searches combine vector and keyword retrieval. Private per user, plus a shared built-in
 * collection everyone can read.
 */
export class KnowledgeBaseService {
  private embedderReady: Promise<Embedder>;
  private embedderNow: Embedder | null = null;
  private readonly batchSize: number;

  constructor(
    private readonly deps: {
      store: KnowledgeStore;
      vectors: VectorIndex;
      blobs: BlobStore;
      queue: JobQueue;
      /** Resolves once the embedder is known (the model loads in the background on start). */
      embedder: Promise<Embedder>;
      logger: Logger;
      /** Called after a job is enqueued, so an in-process worker can start at once. */
      onEnqueue?: () => void;
    },
    private readonly options: KbServiceOptions,
  ) {
    this.embedderReady = deps.embedder.then((e) => (this.embedderNow = e));
    this.batchSize = options.embedBatchSize ?? 32;
  }

  /** `minilm` or `lexical-fallback` once known; null while the model is still loading. */
  embedderKind(): Embedder['kind'] | null {
    return this.embedderNow?.kind ?? null;
  }

  embedder(): Promise<Embedder> {
    return this.embedderReady;
  }

  // -----------------------------------------------------------------------------------------------
  // Documents

  async upload(
    ownerId: string,
    file: { filename: string; bytes: Uint8Array },
    collection = DEFAULT_COLLECTION,
  ): Promise<{ document: KbDocument; duplicate: boolean }> {
    if (collection === BUILTIN_COLLECTION || !COLLECTION_NAME.test(collection)) {
      throw AppError.badRequest(
        'invalid_request',
        `collection must be 1–40 lowercase letters, digits or dashes, and not "${BUILTIN_COLLECTION}"`,
        { field: 'collection' },
      );
    }
    if (file.bytes.byteLength === 0) {
      throw AppError.badRequest('invalid_request', 'The file is empty', { field: 'file' });
    }
    if (file.bytes.byteLength > this.options.maxUploadBytes) {
      throw new AppError(
        413,
        'payload_too_large',
        `The file is over the ${this.options.maxUploadBytes}-byte upload limit`,
      );
    }
    const sniffed = detectType(file.bytes, file.filename);
    if ('rejected' in sniffed) throw new AppError(415, 'unsupported_media_type', sniffed.rejected);
    const cap = this.options.maxDocumentsPerUser;
    if (cap !== undefined && (await this.deps.store.listAllDocuments({ ownerId })).length >= cap) {
      throw new AppError(
        403,
        'quota_exceeded',
        `Your knowledge base holds its maximum of ${cap} documents; delete some to upload more`,
        { limit: cap },
      );
    }
    return this.addDocument({
      ownerId,
      collection,
      filename: file.filename.slice(0, MAX_FILENAME_CHARS),
      title: titleFromFilename(file.filename),
      mediaType: sniffed.mediaType,
      bytes: file.bytes,
    });
  }

  private async addDocument(input: {
    ownerId: string | null;
    collection: string;
    filename: string;
    title: string;
    mediaType: KbMediaType;
    bytes: Uint8Array;
  }): Promise<{ document: KbDocument; duplicate: boolean }> {
    const contentHash = sha256(input.bytes);
    // Keyed by document: deleting one document can never take the file of a newer one with it.
    const id = randomUUID();
    const blobKey = `kb/${input.ownerId ?? 'shared'}/${id}`;
    await this.deps.blobs.put(blobKey, input.bytes, input.mediaType);
    const now = new Date().toISOString();
    const { document, created } = await this.deps.store.createDocument({
      id,
      ownerId: input.ownerId,
      collection: input.collection,
      title: input.title,
      filename: input.filename,
      mediaType: input.mediaType,
      sizeBytes: input.bytes.byteLength,
      contentHash,
      blobKey,
      status: 'queued',
      chunksDone: 0,
      chunksTotal: 0,
      error: null,
      createdAt: now,
      updatedAt: now,
    });
    if (!created) await this.deps.blobs.delete(blobKey); // the existing document has its own copy
    if (!created && document.status === 'failed') {
      // Uploading a file that failed before is the way to retry it.
      await this.remove(document);
      return this.addDocument(input);
    }
    if (created) await this.enqueue(INGEST_JOB, { documentId: document.id });
    return { document, duplicate: !created };
  }

  private async enqueue(type: string, payload: unknown): Promise<void> {
    await this.deps.queue.enqueue(type, payload);
    this.deps.onEnqueue?.();
  }

  /** A document the user may read (their own, or a shared one); 404 otherwise. */
  async get(ownerId: string, id: string): Promise<KbDocument> {
    const document = await this.deps.store.getDocument(id);
    if (!document || (document.ownerId !== null && document.ownerId !== ownerId)) {
      throw AppError.notFound('Document');
    }
    return document;
  }

  async list(
    ownerId: string,
    query: { collection?: string; status?: KbDocument['status']; limit: number; cursor?: string },
  ) {
    try {
      return await this.deps.store.listDocuments({ ownerId, ...query });
    } catch (err) {
      if (err instanceof InvalidCursorError) {
        throw AppError.badRequest('invalid_cursor', 'cursor is not valid; pass back a nextCursor', {
          field: 'cursor',
        });
      }
      throw err;
    }
  }

  async collections(ownerId: string): Promise<Array<{ name: string; shared: boolean; documents: number }>> {
    const own = await this.deps.store.listAllDocuments({ ownerId });
    const shared = await this.deps.store.listAllDocuments({ ownerId: null, collection: BUILTIN_COLLECTION });
    const counts = new Map<string, number>();
    for (const doc of own) counts.set(doc.collection, (counts.get(doc.collection) ?? 0) + 1);
    return [
      { name: BUILTIN_COLLECTION, shared: true, documents: shared.length },
      ...[...counts]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([name, documents]) => ({
          name,
          shared: false,
          documents,
        })),
    ];
  }

  /** Deletes the user's document with its chunks, vectors and blob. Shared documents are read-only. */
  async delete(ownerId: string, id: string): Promise<void> {
    const document = await this.get(ownerId, id);
    if (document.ownerId === null) {
      throw new AppError(403, 'forbidden', 'Built-in documents are shared and cannot be deleted');
    }
    await this.remove(document);
  }

  private async remove(document: KbDocument): Promise<void> {
    const chunkIds = await this.deps.store.deleteDocument(document.id);
    await this.deps.vectors.remove(chunkIds);
    if (document.blobKey) await this.deps.blobs.delete(document.blobKey);
  }

  // -----------------------------------------------------------------------------------------------
  // Background work

  /**
   * Runs one job. Idempotent: chunk ids are `${documentId}:${ordinal}` and chunking is deterministic,
   * so a job retried after a crash overwrites what the first attempt wrote. Throws to ask for a retry;
   * documents that can never be processed are marked failed and the job completes.
   */
  async handleJob(type: string, payload: unknown): Promise<void> {
    const documentId = (payload as { documentId?: unknown } | null)?.documentId;
    if (typeof documentId !== 'string') {
      this.deps.logger.warn({ type, payload }, 'kb job without a documentId dropped');
      return;
    }
    if (type === INGEST_JOB) return this.ingest(documentId);
    if (type === REEMBED_JOB) return this.reembed(documentId);
    this.deps.logger.warn({ type }, 'unknown kb job type dropped');
  }

  /** Called when a job will not be retried any more. */
  async jobGaveUp(type: string, payload: unknown, error: string): Promise<void> {
    const documentId = (payload as { documentId?: unknown } | null)?.documentId;
    if (typeof documentId !== 'string') return;
    if (type === REEMBED_JOB) {
      // The document keeps its chunks; only its vectors are missing until the next embedder check.
      this.deps.logger.error({ documentId, error }, 're-embedding a document failed for good');
      return;
    }
    if (type !== INGEST_JOB) return;
    await this.deps.store.updateDocument(documentId, {
      status: 'failed',
      error: `Processing failed repeatedly (${error}); upload the file again to retry`,
    });
  }

  private async ingest(documentId: string): Promise<void> {
    const { store, vectors, blobs, logger } = this.deps;
    const document = await store.getDocument(documentId);
    if (!document) return; // deleted meanwhile
    const bytes = document.blobKey ? await blobs.get(document.blobKey) : null;
    if (!bytes) {
      await store.updateDocument(documentId, { status: 'failed', error: 'The uploaded file is gone' });
      return;
    }
    await store.updateDocument(documentId, { status: 'processing', error: null });
    let chunks;
    try {
      const extracted = await extractText(bytes, document.mediaType as KbMediaType);
      chunks = await chunkDocument(extracted, {
        maxTokens: this.options.chunkMaxTokens ?? DEFAULT_CHUNK_TOKENS,
        ...(this.options.chunkOverlapTokens !== undefined
          ? { overlapTokens: this.options.chunkOverlapTokens }
          : {}),
        ...(this.options.countTokens ? { countTokens: this.options.countTokens } : {}),
      });
      if (extracted.title && document.ownerId !== null) {
        document.title = extracted.title.slice(0, MAX_TITLE_CHARS);
        await store.updateDocument(documentId, { title: document.title });
      }
    } catch (err) {
      if (!(err instanceof ExtractError)) throw err;
      await store.updateDocument(documentId, { status: 'failed', error: err.message });
      return;
    }
    if (chunks.length === 0) {
      await store.updateDocument(documentId, { status: 'failed', error: 'The file contains no text' });
      return;
    }
    const embedder = await this.embedder();
    await vectors.setEmbedderId(embedder.id);
    await store.updateDocument(documentId, { chunksTotal: chunks.length, chunksDone: 0 });
    for (let i = 0; i < chunks.length; i += this.batchSize) {
      const batch = chunks.slice(i, i + this.batchSize).map((c) => ({
        id: `${documentId}:${c.ordinal}`,
        documentId,
        ordinal: c.ordinal,
        heading: c.heading,
        content: c.content,
        tokens: c.tokens,
      }));
      const entries = await this.embedBatch(embedder, document, batch);
      // Deleted while we were embedding: stop without resurrecting chunks.
      if (!(await store.getDocument(documentId))) return;
      await store.upsertChunks(batch);
      await vectors.upsert(entries);
      // Deleted meanwhile: the chunk rows went with it, so drop the vectors just written too.
      if (!(await store.getDocument(documentId))) {
        await vectors.remove(batch.map((c) => c.id));
        return;
      }
      await store.updateDocument(documentId, { chunksDone: Math.min(chunks.length, i + batch.length) });
    }
    // A retry after a change in chunking may produce fewer chunks than an earlier attempt stored.
    const stale = await store.deleteChunksFrom(documentId, chunks.length);
    if (stale.length > 0) await vectors.remove(stale);
    await store.updateDocument(documentId, { status: 'ready', error: null });
    logger.info({ documentId, chunks: chunks.length }, 'kb document ready');
  }

  /** Recomputes a document's vectors from its stored chunk text (after the embedder changed). */
  private async reembed(documentId: string): Promise<void> {
    const { store, vectors } = this.deps;
    const document = await store.getDocument(documentId);
    if (!document) return;
    const chunks = await store.listChunks(documentId);
    const embedder = await this.embedder();
    for (let i = 0; i < chunks.length; i += this.batchSize) {
      const batch = chunks.slice(i, i + this.batchSize);
      await vectors.upsert(await this.embedBatch(embedder, document, batch));
      // Deleted meanwhile: its chunks are gone, so these vectors must go too.
      if (!(await store.getDocument(documentId))) {
        await vectors.remove(batch.map((c) => c.id));
        return;
      }
    }
  }

  /** Vector-index entries for a batch of a document's chunks. */
  private async embedBatch(
    embedder: Embedder,
    document: KbDocument,
    batch: Array<Pick<Chunk, 'id' | 'heading' | 'content'>>,
  ): Promise<VectorEntry[]> {
    const vectors = await embedder.embed(batch.map((c) => embeddingText(document.title, c)));
    return batch.map((c, j) => ({
      chunkId: c.id,
      documentId: document.id,
      ownerId: document.ownerId,
      collection: document.collection,
      vector: vectors[j]!,
    }));
  }

  /**
   * Vectors from different embedders never mix: when the embedder differs from the one the index was
   * built with, the index is cleared and every document is queued for re-embedding.
   */
  async ensureEmbedderConsistency(): Promise<number> {
    const embedder = await this.embedder();
    const stored = await this.deps.vectors.embedderId();
    if (stored === embedder.id) return 0;
    await this.deps.vectors.setEmbedderId(embedder.id);
    if (stored === null) return 0;
    const documents = await this.deps.store.listAllDocuments();
    for (const document of documents) {
      if (document.status === 'ready') await this.enqueue(REEMBED_JOB, { documentId: document.id });
    }
    this.deps.logger.warn(
      { from: stored, to: embedder.id, documents: documents.length },
      'embedder changed: re-embedding the knowledge base',
    );
    return documents.length;
  }

  /**
   * Makes the shared collection match `sources` (built-in patterns and guides): new or changed texts are
   * added and queued, texts no longer present are removed. Unchanged ones cost one hash each.
   */
  async syncBuiltin(sources: Array<{ slug: string; title: string; markdown: string }>): Promise<{
    added: number;
    removed: number;
  }> {
    const existing = await this.deps.store.listAllDocuments({
      ownerId: null,
      collection: BUILTIN_COLLECTION,
    });
    const byHash = new Map(existing.map((d) => [d.contentHash, d]));
    const wanted = new Set<string>();
    let added = 0;
    for (const source of sources) {
      const bytes = new TextEncoder().encode(source.markdown);
      const hash = sha256(bytes);
      wanted.add(hash);
      const current = byHash.get(hash);
      if (current && current.status !== 'failed') continue;
      if (current) await this.remove(current);
      await this.addDocument({
        ownerId: null,
        collection: BUILTIN_COLLECTION,
        filename: `${source.slug}.md`,
        title: source.title,
        mediaType: 'text/markdown',
        bytes,
      });
      added++;
    }
    let removed = 0;
    for (const document of existing) {
      if (!wanted.has(document.contentHash)) {
        await this.remove(document);
        removed++;
      }
    }
    return { added, removed };
  }

  // -----------------------------------------------------------------------------------------------
  // Retrieval

  private scope(ownerId: string, request: SearchRequest): SearchScope {
    const documentIds = request.filter?.documentIds;
    const base = documentIds?.length ? { documentIds } : {};
    if (request.collection === undefined) return { ownerId, includeShared: true, ...base };
    if (request.collection === BUILTIN_COLLECTION) {
      return { ownerId: null, includeShared: true, collections: [BUILTIN_COLLECTION], ...base };
    }
    return { ownerId, includeShared: false, collections: [request.collection], ...base };
  }

  async search(
    ownerId: string,
    request: SearchRequest,
  ): Promise<{ results: SearchResult[]; embedder: Embedder['kind']; tookMs: number }> {
    const started = performance.now();
    const scope = this.scope(ownerId, request);
    const candidates = request.mode === 'hybrid' ? Math.max(FUSION_CANDIDATES, request.topK) : request.topK;
    const [vectorHits, keywordHits] = await Promise.all([
      // Keyword-only searches do not wait for the model to load.
      request.mode === 'keyword'
        ? Promise.resolve([])
        : this.embedder()
            .then((embedder) => embedder.embed([request.query]))
            .then(([vector]) => this.deps.vectors.knn(vector!, candidates, scope)),
      request.mode === 'vector'
        ? Promise.resolve([])
        : this.deps.store.keywordSearch(request.query, candidates, scope),
    ]);
    const vectorScore = new Map(vectorHits.map((h) => [h.chunkId, h.score]));
    const keywordScore = new Map(keywordHits.map((h) => [h.chunkId, h.score]));
    let ranked: Array<{ chunkId: string; score: number }>;
    if (request.mode === 'hybrid') {
      ranked = [...reciprocalRankFusion([vectorHits, keywordHits])]
        .map(([chunkId, score]) => ({ chunkId, score }))
        .sort((a, b) => b.score - a.score || a.chunkId.localeCompare(b.chunkId));
    } else {
      ranked = request.mode === 'vector' ? vectorHits : keywordHits;
    }
    ranked = ranked.slice(0, request.topK);
    const chunks = new Map(
      (await this.deps.store.getChunks(ranked.map((r) => r.chunkId))).map((c) => [c.id, c]),
    );
    const results: SearchResult[] = [];
    for (const { chunkId, score } of ranked) {
      const chunk = chunks.get(chunkId);
      if (!chunk) continue; // deleted between the two reads
      results.push({
        chunkId,
        documentId: chunk.documentId,
        title: chunk.title,
        heading: chunk.heading,
        content: chunk.content,
        score,
        vectorScore: vectorScore.get(chunkId) ?? null,
        keywordScore: keywordScore.get(chunkId) ?? null,
      });
    }
    const embedder = this.embedderNow?.kind ?? 'lexical-fallback';
    return { results, embedder, tookMs: performance.now() - started };
  }

  async embed(
    texts: string[],
  ): Promise<{ vectors: number[][]; embedder: Embedder['kind']; dimensions: number }> {
    const embedder = await this.embedder();
    const vectors = await embedder.embed(texts);
    return {
      vectors: vectors.map((v) => Array.from(v)),
      embedder: embedder.kind,
      dimensions: embedder.dimensions,
    };
  }
}

/** What gets embedded for a chunk: the document title and section heading give it context. */
function embeddingText(title: string, chunk: Pick<Chunk, 'heading' | 'content'>): string {
  return [title, chunk.heading, chunk.content].filter(Boolean).join('\n');
}
