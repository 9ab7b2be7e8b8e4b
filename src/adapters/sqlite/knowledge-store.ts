import { InvalidCursorError } from '../../ports/catalog-store.js';
import type {
  Chunk,
  DocumentListQuery,
  KbDocument,
  KnowledgeStore,
  NewChunk,
  RankedChunk,
  SearchScope,
} from '../../ports/knowledge-store.js';
import type { Db } from './database.js';

interface DocumentRow {
  id: string;
  owner_id: string | null;
  collection: string;
  title: string;
  filename: string;
  media_type: string;
  size_bytes: number;
  content_hash: string;
  blob_key: string | null;
  status: KbDocument['status'];
  chunks_done: number;
  chunks_total: number;
  error: string | null;
  created_at: string;
  updated_at: string;
}

interface ChunkRow {
  id: string;
  document_id: string;
  ordinal: number;
  heading: string | null;
  content: string;
  tokens: number;
  owner_id: string | null;
  collection: string;
  title: string;
}

const toDocument = (r: DocumentRow): KbDocument => ({
  id: r.id,
  ownerId: r.owner_id,
  collection: r.collection,
  title: r.title,
  filename: r.filename,
  mediaType: r.media_type,
  sizeBytes: r.size_bytes,
  contentHash: r.content_hash,
  blobKey: r.blob_key,
  status: r.status,
  chunksDone: r.chunks_done,
  chunksTotal: r.chunks_total,
  error: r.error,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const toChunk = (r: ChunkRow): Chunk => ({
  id: r.id,
  documentId: r.document_id,
  ordinal: r.ordinal,
  heading: r.heading,
  content: r.content,
  tokens: r.tokens,
  ownerId: r.owner_id,
  collection: r.collection,
  title: r.title,
});

const CHUNK_COLUMNS = `c.id, c.document_id, c.ordinal, c.heading, c.content, c.tokens, c.owner_id,
  c.collection, d.title`;

/** Relative weight of each FTS column in bm25 (content, heading, title). */
const BM25_WEIGHTS = '1.0, 4.0, 2.5';

/** At most this many distinct words of a query reach FTS; a pasted page gains nothing past it. */
const MAX_QUERY_TERMS = 24;

/**
 * How many matching chunks (per owner range) a keyword search may rank. Merging the words'
 * postings and scoring costs about a microsecond per matching chunk, so one common word in a
 * 100k-chunk base would eat the whole retrieval budget. Past this, the commonest words are left
 * out of the query: they are the ones bm25 weights least (a word in half the chunks scores
 * nothing at all).
 */
const MATCH_BUDGET = 5_000;

/**
 * Function words that carry no topic. Dropped from queries (unless nothing else is left): with OR
 * semantics each would match most chunks.
 */
const STOPWORDS = new Set(
  `a an and are as at be but by can could did do does for from had has have how i if in into is it
   its me my no not of on or our should so than that the their them then there these they this to
   us was we were what when where which who why will with would you your`.split(/\s+/),
);

/**
 * The distinct words of free text, lower-cased, stopwords dropped (unless that leaves nothing).
 * Only letters, digits and marks survive, so FTS syntax typed by users (`NEAR`, `*`, `:`, quotes,
 * parentheses) never reaches the query parser as syntax.
 */
export function keywordTerms(text: string): string[] {
  const words = [
    ...new Set(
      text
        .normalize('NFKC')
        .toLowerCase()
        .match(/[\p{L}\p{N}\p{M}]+/gu) ?? [],
    ),
  ];
  const topical = words.filter((w) => !STOPWORDS.has(w));
  return (topical.length > 0 ? topical : words).slice(0, MAX_QUERY_TERMS);
}

/**
 * An FTS5 query matching any of the terms: each is quoted (a phrase of one word, so `near` or
 * `and` are words, not operators) and joined with OR. OR rather than AND because a RAG question
 * ("how do I cancel a running job?") rarely has every word in the passage that answers it; bm25
 * ranks chunks that match more, and rarer, words first. No prefix matching: questions arrive
 * whole, and the porter stemmer already folds word endings.
 */
export function toKeywordQuery(terms: string[]): string | null {
  return terms.length > 0 ? terms.map((w) => `"${w}"`).join(' OR ') : null;
}

type Cursor = { c: string; i: string };

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

function decodeCursor(raw: string): Cursor {
  try {
    const value = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Partial<Cursor>;
    if (typeof value.c === 'string' && typeof value.i === 'string') return value as Cursor;
  } catch {
    // fall through
  }
  throw new InvalidCursorError();
}

/** Each owner's chunks have seqs (and FTS rowids) in [key * 2^32, key * 2^32 + 2^32). */
const OWNER_SPAN = 2n ** 32n;

/** The rowid range of one owner's chunks; the shared collection is key 0. */
interface Partition {
  ownerId: string | null;
  lo: bigint;
  hi: bigint;
}

function partition(ownerId: string | null, key: number): Partition {
  const lo = BigInt(key) * OWNER_SPAN;
  return { ownerId, lo, hi: lo + OWNER_SPAN - 1n };
}

/** Conditions on chunk alias `c` for a scope's collection and document restrictions. */
function narrowing(scope: SearchScope): { sql: string; params: Record<string, string> } {
  const where: string[] = [];
  const params: Record<string, string> = {};
  if (scope.collections) {
    where.push('AND c.collection IN (SELECT value FROM json_each(@collections))');
    params.collections = JSON.stringify(scope.collections);
  }
  if (scope.documentIds) {
    where.push('AND c.document_id IN (SELECT value FROM json_each(@documentIds))');
    params.documentIds = JSON.stringify(scope.documentIds);
  }
  return { sql: where.join(' '), params };
}

/**
 * Documents, chunks and BM25 keyword search in SQLite. Chunk text is indexed by a contentless
 * FTS5 table kept in step by triggers (migration 6), so every write path — including deletes that
 * cascade from a document or a user — updates the index. Chunks are numbered per owner (see
 * kb_chunks.seq), so a search reads only the index ranges of the owners its scope may see.
 */
export class SqliteKnowledgeStore implements KnowledgeStore {
  constructor(
    private readonly db: Db,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async createDocument(doc: KbDocument): Promise<{ document: KbDocument; created: boolean }> {
    return this.db.transaction(() => this.insertOrFind(doc))();
  }

  /** Inserts unless the (owner, collection, hash) exists, then reads back whichever row won. */
  private insertOrFind(doc: KbDocument): { document: KbDocument; created: boolean } {
    this.ownerKey(doc.ownerId, true);
    const inserted = this.db
      .prepare(
        `INSERT INTO kb_documents (id, owner_id, collection, title, filename, media_type, size_bytes,
           content_hash, blob_key, status, chunks_done, chunks_total, error, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (coalesce(owner_id, ''), collection, content_hash) DO NOTHING`,
      )
      .run(
        doc.id,
        doc.ownerId,
        doc.collection,
        doc.title,
        doc.filename,
        doc.mediaType,
        doc.sizeBytes,
        doc.contentHash,
        doc.blobKey,
        doc.status,
        doc.chunksDone,
        doc.chunksTotal,
        doc.error,
        doc.createdAt,
        doc.updatedAt,
      );
    const row = this.db
      .prepare<[string, string, string], DocumentRow>(
        `SELECT * FROM kb_documents
         WHERE coalesce(owner_id, '') = ? AND collection = ? AND content_hash = ?`,
      )
      .get(doc.ownerId ?? '', doc.collection, doc.contentHash);
    if (!row) throw new Error(`document ${doc.id} was neither inserted nor found`);
    return { document: toDocument(row), created: inserted.changes === 1 };
  }

  async getDocument(id: string): Promise<KbDocument | null> {
    const row = this.db.prepare<[string], DocumentRow>('SELECT * FROM kb_documents WHERE id = ?').get(id);
    return row ? toDocument(row) : null;
  }

  async listDocuments(query: DocumentListQuery): Promise<{ items: KbDocument[]; nextCursor: string | null }> {
    const limit = Math.max(0, Math.floor(query.limit) || 0);
    const where = ['owner_id = ?'];
    const params: (string | number)[] = [query.ownerId];
    if (query.collection !== undefined) {
      where.push('collection = ?');
      params.push(query.collection);
    }
    if (query.status !== undefined) {
      where.push('status = ?');
      params.push(query.status);
    }
    if (query.cursor) {
      const cursor = decodeCursor(query.cursor);
      where.push('(created_at < ? OR (created_at = ? AND id < ?))');
      params.push(cursor.c, cursor.c, cursor.i);
    }
    const rows = this.db
      .prepare<unknown[], DocumentRow>(
        `SELECT * FROM kb_documents WHERE ${where.join(' AND ')}
         ORDER BY created_at DESC, id DESC LIMIT ?`,
      )
      .all(...params, limit + 1);
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      items: page.map(toDocument),
      nextCursor: rows.length > limit && last ? encodeCursor({ c: last.created_at, i: last.id }) : null,
    };
  }

  async listAllDocuments(
    filter: { ownerId?: string | null; collection?: string } = {},
  ): Promise<KbDocument[]> {
    const where: string[] = [];
    const params: string[] = [];
    if (filter.ownerId === null) where.push('owner_id IS NULL');
    else if (filter.ownerId !== undefined) {
      where.push('owner_id = ?');
      params.push(filter.ownerId);
    }
    if (filter.collection !== undefined) {
      where.push('collection = ?');
      params.push(filter.collection);
    }
    return this.db
      .prepare<string[], DocumentRow>(
        `SELECT * FROM kb_documents ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY created_at, id`,
      )
      .all(...params)
      .map(toDocument);
  }

  async updateDocument(
    id: string,
    patch: Partial<Pick<KbDocument, 'status' | 'chunksDone' | 'chunksTotal' | 'error' | 'title'>>,
  ): Promise<void> {
    const columns = {
      status: 'status',
      chunksDone: 'chunks_done',
      chunksTotal: 'chunks_total',
      error: 'error',
      title: 'title',
    } as const;
    const sets: string[] = [];
    const params: (string | number | null)[] = [];
    for (const [key, column] of Object.entries(columns) as [keyof typeof columns, string][]) {
      const value = patch[key];
      if (value === undefined) continue;
      sets.push(`${column} = ?`);
      params.push(value);
    }
    sets.push('updated_at = ?');
    params.push(this.now().toISOString());
    this.db.prepare(`UPDATE kb_documents SET ${sets.join(', ')} WHERE id = ?`).run(...params, id);
  }

  async deleteDocument(id: string): Promise<string[]> {
    return this.db.transaction(() => {
      const ids = this.db
        .prepare<[string], { id: string }>('SELECT id FROM kb_chunks WHERE document_id = ? ORDER BY ordinal')
        .all(id)
        .map((r) => r.id);
      // Chunks, their FTS rows and their vectors go with the document (foreign key + triggers).
      this.db.prepare('DELETE FROM kb_documents WHERE id = ?').run(id);
      return ids;
    })();
  }

  async upsertChunks(chunks: NewChunk[]): Promise<void> {
    if (chunks.length === 0) return;
    const documentOf = this.db.prepare<[string], { owner_id: string | null; collection: string }>(
      'SELECT owner_id, collection FROM kb_documents WHERE id = ?',
    );
    // A new chunk takes the next seq of its owner's range. An existing one is updated in place
    // (not INSERT OR REPLACE): it keeps its seq, and the update trigger refreshes its FTS row.
    const upsert = this.db.prepare(
      `INSERT INTO kb_chunks (seq, id, document_id, ordinal, heading, content, tokens, owner_id, collection)
       VALUES ((SELECT coalesce(max(seq), @lo) + 1 FROM kb_chunks WHERE seq BETWEEN @lo AND @hi),
               @id, @documentId, @ordinal, @heading, @content, @tokens, @ownerId, @collection)
       ON CONFLICT (id) DO UPDATE SET
         ordinal = excluded.ordinal, heading = excluded.heading, content = excluded.content,
         tokens = excluded.tokens`,
    );
    this.db.transaction(() => {
      const documents = new Map<string, { ownerId: string | null; collection: string; range: Partition }>();
      for (const chunk of chunks) {
        let doc = documents.get(chunk.documentId);
        if (!doc) {
          const row = documentOf.get(chunk.documentId);
          if (!row) throw new Error(`chunk ${chunk.id}: document ${chunk.documentId} does not exist`);
          const range = partition(row.owner_id, this.ownerKey(row.owner_id, true)!);
          doc = { ownerId: row.owner_id, collection: row.collection, range };
          documents.set(chunk.documentId, doc);
        }
        upsert.run({
          lo: doc.range.lo,
          hi: doc.range.hi,
          id: chunk.id,
          documentId: chunk.documentId,
          ordinal: chunk.ordinal,
          heading: chunk.heading,
          content: chunk.content,
          tokens: chunk.tokens,
          ownerId: doc.ownerId,
          collection: doc.collection,
        });
      }
    })();
  }

  async deleteChunksFrom(documentId: string, fromOrdinal: number): Promise<string[]> {
    return this.db.transaction(() => {
      const ids = this.db
        .prepare<[string, number], { id: string }>(
          'SELECT id FROM kb_chunks WHERE document_id = ? AND ordinal >= ? ORDER BY ordinal',
        )
        .all(documentId, fromOrdinal)
        .map((r) => r.id);
      this.db
        .prepare('DELETE FROM kb_chunks WHERE document_id = ? AND ordinal >= ?')
        .run(documentId, fromOrdinal);
      return ids;
    })();
  }

  async getChunks(ids: string[]): Promise<Chunk[]> {
    if (ids.length === 0) return [];
    return this.db
      .prepare<[string], ChunkRow>(
        `SELECT ${CHUNK_COLUMNS} FROM kb_chunks c JOIN kb_documents d ON d.id = c.document_id
         WHERE c.id IN (SELECT value FROM json_each(?))`,
      )
      .all(JSON.stringify(ids))
      .map(toChunk);
  }

  async listChunks(documentId: string): Promise<Chunk[]> {
    return this.db
      .prepare<[string], ChunkRow>(
        `SELECT ${CHUNK_COLUMNS} FROM kb_chunks c JOIN kb_documents d ON d.id = c.document_id
         WHERE c.document_id = ? ORDER BY c.ordinal`,
      )
      .all(documentId)
      .map(toChunk);
  }

  async countChunks(): Promise<number> {
    return this.db.prepare<[], { n: number }>('SELECT count(*) AS n FROM kb_chunks').get()!.n;
  }

  async keywordSearch(query: string, k: number, scope: SearchScope): Promise<RankedChunk[]> {
    const limit = Math.floor(k);
    if (!(limit > 0) || typeof query !== 'string') return [];
    if (scope.collections?.length === 0 || scope.documentIds?.length === 0) return [];
    const partitions = this.partitions(scope);
    if (partitions.length === 0) return [];
    const match = toKeywordQuery(this.affordableTerms(keywordTerms(query), partitions));
    if (!match) return [];
    const narrow = narrowing(scope);
    // The rowid range keeps the walk inside one owner's chunks. Chunk rows are only read for
    // collection or document restrictions, and for the k best, where the owner is checked once more.
    // The inner LIMIT bounds the work when even the rarest word is everywhere (bm25 is nearly
    // flat then, so ranking the first MATCH_BUDGET chunks loses little).
    const hits = narrow.sql
      ? `SELECT c.seq, bm25(kb_chunks_fts, ${BM25_WEIGHTS}) AS rank
         FROM kb_chunks_fts JOIN kb_chunks c ON c.seq = kb_chunks_fts.rowid
         WHERE kb_chunks_fts MATCH @match AND kb_chunks_fts.rowid BETWEEN @lo AND @hi ${narrow.sql}`
      : `SELECT rowid AS seq, bm25(kb_chunks_fts, ${BM25_WEIGHTS}) AS rank
         FROM kb_chunks_fts WHERE kb_chunks_fts MATCH @match AND rowid BETWEEN @lo AND @hi`;
    const search = this.db.prepare<unknown[], { chunk_id: string; rank: number }>(
      `WITH hits AS (${hits} LIMIT ${MATCH_BUDGET}),
            best AS (SELECT seq, rank FROM hits ORDER BY rank, seq LIMIT @limit)
       SELECT c.id AS chunk_id, best.rank FROM best JOIN kb_chunks c ON c.seq = best.seq
       WHERE c.owner_id IS @owner`,
    );
    // bm25 uses whole-table statistics, so scores from different owners' ranges compare directly.
    return partitions
      .flatMap((p) => search.all({ match, lo: p.lo, hi: p.hi, owner: p.ownerId, limit, ...narrow.params }))
      .sort((a, b) => a.rank - b.rank || (a.chunk_id < b.chunk_id ? -1 : 1))
      .slice(0, limit)
      .map((r) => ({ chunkId: r.chunk_id, score: -r.rank }));
  }

  /** The owner's key (0 for the shared collection); with `create`, allocates one if missing. */
  private ownerKey(ownerId: string | null, create: boolean): number | undefined {
    if (ownerId === null) return 0;
    if (create) {
      this.db
        .prepare('INSERT INTO kb_owners (owner_id) VALUES (?) ON CONFLICT (owner_id) DO NOTHING')
        .run(ownerId);
    }
    return this.db
      .prepare<[string], { key: number }>('SELECT key FROM kb_owners WHERE owner_id = ?')
      .get(ownerId)?.key;
  }

  /** The index ranges a scope may read: the user's own chunks and/or the shared ones. */
  private partitions(scope: SearchScope): Partition[] {
    const result: Partition[] = [];
    if (scope.ownerId) {
      const key = this.ownerKey(scope.ownerId, false);
      if (key !== undefined) result.push(partition(scope.ownerId, key));
    }
    if (scope.includeShared) result.push(partition(null, 0));
    return result;
  }

  /**
   * The query terms worth matching: all of them while their matches in the scope's ranges fit
   * MATCH_BUDGET, otherwise the rarest ones that fit (at least one). Terms matching nothing there
   * are dropped.
   */
  private affordableTerms(terms: string[], partitions: Partition[]): string[] {
    if (terms.length <= 1) return terms;
    const spanOf = this.db.prepare<[{ lo: bigint; hi: bigint }], { n: number }>(
      // Two single-aggregate subqueries: each is one index probe, where min and max together scan.
      `SELECT coalesce((SELECT max(seq) FROM kb_chunks WHERE seq BETWEEN @lo AND @hi)
                     - (SELECT min(seq) FROM kb_chunks WHERE seq BETWEEN @lo AND @hi) + 1, 0) AS n`,
    );
    const span = partitions.reduce((sum, p) => sum + spanOf.get({ lo: p.lo, hi: p.hi })!.n, 0);
    if (span <= MATCH_BUDGET) return terms;
    const matchesIn = this.db.prepare<[string, bigint, bigint], { n: number }>(
      `SELECT count(*) AS n FROM (
         SELECT rowid FROM kb_chunks_fts WHERE kb_chunks_fts MATCH ? AND rowid BETWEEN ? AND ?
         LIMIT ${MATCH_BUDGET + 1}
       )`,
    );
    const counted = terms
      .map((term) => ({
        term,
        n: partitions.reduce((sum, p) => sum + matchesIn.get(`"${term}"`, p.lo, p.hi)!.n, 0),
      }))
      .filter((t) => t.n > 0)
      .sort((a, b) => a.n - b.n);
    const chosen: string[] = [];
    let total = 0;
    for (const { term, n } of counted) {
      if (chosen.length > 0 && total + n > MATCH_BUDGET) break;
      chosen.push(term);
      total += n;
    }
    return chosen;
  }
}
