/**
 * Browser-side client for the knowledge base (`/api/kb/*`), retrieval (`/api/ai/rag`) and chat with
 * retrieval (`/api/ai/stream` with `useRag`). Client-safe: no Node APIs, no React.
 *
 * Uploads go through XMLHttpRequest rather than fetch: only XHR reports upload progress. Like every
 * other call they are same-origin with the session cookie; the browser's Origin header is what the
 * API's CSRF check looks at, so no extra header is needed.
 */
import {
  ApiError,
  cursorPage,
  errorFromResponse,
  NETWORK_ERROR,
  query,
  request,
  streamChat,
  type ChatRunInput,
  type StreamHeartbeat,
} from './api';
import type { RunEvent } from './types';

// ---- Types (the API contract) -------------------------------------------------------------------

export type KbDocumentStatus = 'queued' | 'processing' | 'ready' | 'failed';

export interface KbDocument {
  id: string;
  collection: string;
  title: string;
  filename: string;
  mediaType: string;
  sizeBytes: number;
  status: KbDocumentStatus;
  chunksDone: number;
  chunksTotal: number;
  /** Why it failed (status `failed`). */
  error: string | null;
  /** In the shared built-in collection: readable by everyone, deletable by nobody here. */
  shared: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface KbDocumentPage {
  items: KbDocument[];
  nextCursor: string | null;
}

export interface KbCollection {
  name: string;
  shared: boolean;
  documents: number;
}

export type RagMode = 'hybrid' | 'vector' | 'keyword';
export type EmbedderKind = 'minilm' | 'lexical-fallback';

/** Scores of one retrieved chunk: `score` is the fused one; the others are null when that side missed. */
export interface ChunkScores {
  score: number;
  vectorScore: number | null;
  keywordScore: number | null;
}

export interface RagResult extends ChunkScores {
  chunkId: string;
  documentId: string;
  title: string;
  heading: string | null;
  content: string;
}

export interface RagResponse {
  results: RagResult[];
  embedder: EmbedderKind;
  tookMs: number;
}

/** A chunk the answer may cite as `[n]`. */
export interface RagSource extends ChunkScores {
  /** 1-based citation number. */
  n: number;
  title: string;
  documentId: string;
  chunkId: string;
  heading: string | null;
  content: string;
}

/** The chat stream's events: a run's, plus the retrieved sources (before the first delta). */
export type ChatEvent = RunEvent | { type: 'sources'; sources: RagSource[] };

// ---- What the pages need to know -----------------------------------------------------------------

/** The shared collection built from Engify's own documents. */
export const SHARED_COLLECTION = 'engify';
/** Where uploads go unless a collection is named. */
export const DEFAULT_COLLECTION = 'default';

/** File types the server can read, by extension (the server checks the content too). */
export const ACCEPTED_EXTENSIONS = ['.md', '.markdown', '.txt', '.html', '.htm', '.pdf'] as const;
export const ACCEPT_ATTRIBUTE = [
  ...ACCEPTED_EXTENSIONS,
  'text/markdown',
  'text/plain',
  'text/html',
  'application/pdf',
].join(',');

/**
 * A pre-check only, so nobody waits for a hopeless upload: the most any server can be configured to
 * take. Each server enforces its own (smaller) limit and answers 413, with the limit, above it.
 */
export const MAX_UPLOAD_BYTES = 100 * 1024 * 1024;

/** Collection names as the API takes them. */
const COLLECTION_NAME = /^[a-z0-9][a-z0-9-]{0,39}$/;

const size = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });

/** "820 B", "14.2 KB", "3.1 MB". */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${size.format(bytes / 1024)} KB`;
  return `${size.format(bytes / (1024 * 1024))} MB`;
}

/** Why this file won't be accepted, or null when it is worth sending. */
export function checkFile(file: { name: string; size: number }): string | null {
  const dot = file.name.lastIndexOf('.');
  const ext = dot === -1 ? '' : file.name.slice(dot).toLowerCase();
  if (!(ACCEPTED_EXTENSIONS as readonly string[]).includes(ext)) {
    return 'Only Markdown, plain text, HTML and PDF files can be added.';
  }
  if (file.size === 0) return 'The file is empty.';
  if (file.size > MAX_UPLOAD_BYTES) {
    return `The file is ${formatBytes(file.size)}; files can be at most ${formatBytes(MAX_UPLOAD_BYTES)}.`;
  }
  return null;
}

/** Why a collection name won't do for an upload, or null. */
export function checkCollectionName(name: string): string | null {
  const trimmed = name.trim();
  if (!trimmed) return `Name a collection, or use “${DEFAULT_COLLECTION}”.`;
  if (trimmed === SHARED_COLLECTION) {
    return `“${SHARED_COLLECTION}” is the shared collection; it can’t be changed. Pick another name.`;
  }
  if (!COLLECTION_NAME.test(trimmed)) {
    return 'Use lowercase letters, digits and dashes (up to 40), starting with a letter or digit.';
  }
  return null;
}

export const isInProgress = (doc: Pick<KbDocument, 'status'>) =>
  doc.status === 'queued' || doc.status === 'processing';

/** "0.812", or "—" when there is no score. */
export function formatScore(score: number | null | undefined): string {
  return score === null || score === undefined || !Number.isFinite(score) ? '—' : score.toFixed(3);
}

// ---- Requests ------------------------------------------------------------------------------------

const documentPath = (id: string) => `/api/kb/documents/${encodeURIComponent(id)}`;

export interface DocumentListParams {
  collection?: string;
  status?: KbDocumentStatus;
  limit?: number;
  cursor?: string | null;
}

export async function listDocuments(
  params: DocumentListParams,
  signal?: AbortSignal,
): Promise<KbDocumentPage> {
  const page = await request<KbDocumentPage>(`/api/kb/documents${query({ ...params })}`, { signal });
  return cursorPage(page, '/api/kb/documents');
}

export function getDocument(id: string, signal?: AbortSignal): Promise<KbDocument> {
  return request(documentPath(id), { signal });
}

export function deleteDocument(id: string): Promise<void> {
  return request(documentPath(id), { method: 'DELETE' });
}

export async function listCollections(signal?: AbortSignal): Promise<KbCollection[]> {
  const body = await request<{ items: KbCollection[] }>('/api/kb/collections', { signal });
  if (!body || !Array.isArray(body.items)) {
    throw new ApiError('Unexpected response from /api/kb/collections.', 200, 'BAD_RESPONSE');
  }
  return body.items;
}

export interface RagQuery {
  query: string;
  top_k?: number;
  mode?: RagMode;
  collection?: string;
  filter?: { documentIds?: string[] };
}

/** `POST /api/ai/rag`: the chunks retrieval finds for a query, without asking a model. */
export function searchKnowledge(input: RagQuery, signal?: AbortSignal): Promise<RagResponse> {
  return request('/api/ai/rag', { method: 'POST', body: input, signal });
}

/** Which embedder the server runs: the real model, or the keyword-only fallback. */
export async function getEmbedderKind(signal?: AbortSignal): Promise<EmbedderKind | null> {
  const health = await request<{ embeddings?: unknown }>('/api/health', { signal });
  return health.embeddings === 'minilm' || health.embeddings === 'lexical-fallback'
    ? health.embeddings
    : null;
}

// ---- Upload --------------------------------------------------------------------------------------

export interface UploadResult {
  document: KbDocument;
  /** The same content was uploaded before: `document` is that earlier one. */
  duplicate: boolean;
}

export interface Upload {
  done: Promise<UploadResult>;
  abort: () => void;
}

/**
 * `POST /api/kb/documents` as multipart/form-data. `onProgress` gets the fraction of the body sent
 * (0–1). Rejects with an ApiError (413 and 415 carry the server's message), or an AbortError after
 * `abort()`.
 */
/** As any call's error, except that a 413 from something in front of the API still speaks of the file. */
function uploadError(xhr: XMLHttpRequest, body: unknown): ApiError {
  const error = errorFromResponse(
    { status: xhr.status, headers: { get: (name) => xhr.getResponseHeader(name) } },
    body,
  );
  return xhr.status === 413 && error.code === 'HTTP_ERROR'
    ? new ApiError(
        'The file is larger than this server accepts.',
        413,
        'HTTP_ERROR',
        undefined,
        undefined,
        error.retryAfter,
      )
    : error;
}

export function uploadDocument(
  file: File,
  collection: string,
  onProgress: (fraction: number) => void,
): Upload {
  const xhr = new XMLHttpRequest();
  const done = new Promise<UploadResult>((resolve, reject) => {
    const form = new FormData();
    form.append('file', file, file.name);
    if (collection.trim()) form.append('collection', collection.trim());
    xhr.open('POST', '/api/kb/documents');
    xhr.setRequestHeader('accept', 'application/json');
    xhr.responseType = 'text';
    xhr.upload.addEventListener('progress', (e) => {
      if (e.lengthComputable && e.total > 0) onProgress(Math.min(1, e.loaded / e.total));
    });
    xhr.addEventListener('load', () => {
      let body: unknown;
      try {
        body = xhr.responseText ? JSON.parse(xhr.responseText) : undefined;
      } catch {
        body = undefined;
      }
      if (xhr.status < 200 || xhr.status >= 300) {
        reject(uploadError(xhr, body));
        return;
      }
      const result = body as Partial<UploadResult> | undefined;
      if (!result?.document || typeof result.document.id !== 'string') {
        reject(new ApiError('Unexpected response to the upload.', xhr.status, 'BAD_RESPONSE'));
        return;
      }
      onProgress(1);
      resolve({ document: result.document, duplicate: result.duplicate === true });
    });
    xhr.addEventListener('error', () => reject(new ApiError(NETWORK_ERROR, 0, 'NETWORK_ERROR')));
    xhr.addEventListener('abort', () => reject(new DOMException('The upload was cancelled.', 'AbortError')));
    xhr.send(form);
  });
  return { done, abort: () => xhr.abort() };
}

// ---- Chat with retrieval -------------------------------------------------------------------------

export interface RagChatInput extends ChatRunInput {
  /** Retrieve from the knowledge base and let the model cite it. */
  useRag?: boolean;
  /** Only this collection (all the user may read when absent). */
  collection?: string;
}

/**
 * `POST /api/ai/stream` with retrieval: the run's events, plus `sources` before the first delta.
 * The stream reader passes every named event through, so the run client serves here too.
 */
export function streamRagChat(
  input: RagChatInput,
  signal: AbortSignal,
): AsyncGenerator<ChatEvent | StreamHeartbeat> {
  return streamChat(input, signal) as AsyncGenerator<ChatEvent | StreamHeartbeat>;
}
