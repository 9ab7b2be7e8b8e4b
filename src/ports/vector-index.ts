import type { RankedChunk, SearchScope } from './knowledge-store.js';

export interface VectorEntry {
  chunkId: string;
  documentId: string;
  ownerId: string | null;
  collection: string;
  vector: Float32Array;
}

/** Cosine kNN over chunk vectors, filtered by scope (sqlite-vec locally, Atlas Vector Search on AWS). */
export interface VectorIndex {
  readonly kind: 'sqlite-vec' | 'atlas';
  /** The embedder id the stored vectors came from; null when nothing was ever stored. */
  embedderId(): Promise<string | null>;
  /** Records the embedder id; when it differs from the stored one, all vectors are dropped first. */
  setEmbedderId(id: string): Promise<void>;
  /** Insert-or-replace by chunk id. */
  upsert(entries: VectorEntry[]): Promise<void>;
  remove(chunkIds: string[]): Promise<void>;
  /** Best first; score = cosine similarity. */
  knn(vector: Float32Array, k: number, scope: SearchScope): Promise<RankedChunk[]>;
  count(): Promise<number>;
}
