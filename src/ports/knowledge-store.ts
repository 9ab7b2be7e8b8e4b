export type DocumentStatus = 'queued' | 'processing' | 'ready' | 'failed';

/** The shared, built-in collection seeded from content/ (owner null). */
export const BUILTIN_COLLECTION = 'engify';
/** Where a user's uploads go unless they name a collection. */
export const DEFAULT_COLLECTION = 'default';

export interface KbDocument {
  id: string;
  /** Null for the shared built-in collection. */
  ownerId: string | null;
  collection: string;
  title: string;
  filename: string;
  /** text/markdown | text/plain | text/html | application/pdf */
  mediaType: string;
  sizeBytes: number;
  /** SHA-256 hex of the uploaded bytes; one document per (owner, collection, hash). */
  contentHash: string;
  blobKey: string | null;
  status: DocumentStatus;
  chunksDone: number;
  chunksTotal: number;
  /** Why it failed (status 'failed'). */
  error: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface NewChunk {
  /** Deterministic: `${documentId}:${ordinal}` so a retried job overwrites instead of duplicating. */
  id: string;
  documentId: string;
  ordinal: number;
  /** Section headings above the chunk, e.g. "Routing > Path parameters". */
  heading: string | null;
  content: string;
  tokens: number;
}

export interface Chunk extends NewChunk {
  ownerId: string | null;
  collection: string;
  title: string;
}

/** Which chunks a search may see: the user's own (all collections or one) and/or the shared ones. */
export interface SearchScope {
  /** The signed-in user; their private documents are visible. */
  ownerId: string | null;
  /** Include the shared built-in collection. */
  includeShared: boolean;
  /** Restrict to these collection names (after owner/shared rules). */
  collections?: string[];
  /** Restrict to these documents. */
  documentIds?: string[];
}

export interface RankedChunk {
  chunkId: string;
  /** Keyword: -bm25 (higher is better). Vector: cosine similarity in [-1, 1]. */
  score: number;
}

export interface DocumentListQuery {
  ownerId: string;
  collection?: string;
  status?: DocumentStatus;
  limit: number;
  cursor?: string;
}

/** Documents, their chunks and keyword search over chunk text. Vectors live in the VectorIndex. */
export interface KnowledgeStore {
  /**
   * Inserts the document, or returns the existing one with the same (owner, collection, hash):
   * `created` tells which.
   */
  createDocument(doc: KbDocument): Promise<{ document: KbDocument; created: boolean }>;
  getDocument(id: string): Promise<KbDocument | null>;
  listDocuments(query: DocumentListQuery): Promise<{ items: KbDocument[]; nextCursor: string | null }>;
  /** All documents of a collection (built-in sync) or all documents (re-embedding). */
  listAllDocuments(filter?: { ownerId?: string | null; collection?: string }): Promise<KbDocument[]>;
  updateDocument(
    id: string,
    patch: Partial<Pick<KbDocument, 'status' | 'chunksDone' | 'chunksTotal' | 'error' | 'title'>>,
  ): Promise<void>;
  /** Removes the document and its chunks (the caller removes vectors and blob). Returns chunk ids removed. */
  deleteDocument(id: string): Promise<string[]>;
  /** Insert-or-replace by chunk id. */
  upsertChunks(chunks: NewChunk[]): Promise<void>;
  /** Removes the document's chunks with ordinal >= `fromOrdinal` (a re-run produced fewer). Returns ids. */
  deleteChunksFrom(documentId: string, fromOrdinal: number): Promise<string[]>;
  getChunks(ids: string[]): Promise<Chunk[]>;
  /** Chunks of one document in order (re-embedding). */
  listChunks(documentId: string): Promise<Chunk[]>;
  countChunks(): Promise<number>;
  /** BM25 over chunk text (+ heading, title), best first. Free text in; the adapter escapes it. */
  keywordSearch(query: string, k: number, scope: SearchScope): Promise<RankedChunk[]>;
}
