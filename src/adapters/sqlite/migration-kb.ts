/**
 * Migration 6: knowledge base (documents, chunks, FTS5 over chunks, sqlite-vec vectors).
 * See docs/decisions/0014-hybrid-search-storage.md for the reasoning.
 */
export const KB_MIGRATION_SQL = `
  -- One row per uploaded (or built-in) document. owner_id is null for the shared collection; the
  -- identity index maps null to '' because NULLs never collide in a UNIQUE index.
  CREATE TABLE kb_documents (
    id TEXT PRIMARY KEY,
    owner_id TEXT REFERENCES users (id) ON DELETE CASCADE,
    collection TEXT NOT NULL,
    title TEXT NOT NULL,
    filename TEXT NOT NULL,
    media_type TEXT NOT NULL,
    size_bytes INTEGER NOT NULL,
    content_hash TEXT NOT NULL,
    blob_key TEXT,
    status TEXT NOT NULL CHECK (status IN ('queued', 'processing', 'ready', 'failed')),
    chunks_done INTEGER NOT NULL DEFAULT 0,
    chunks_total INTEGER NOT NULL DEFAULT 0,
    error TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  CREATE UNIQUE INDEX kb_documents_identity
    ON kb_documents (coalesce(owner_id, ''), collection, content_hash);
  CREATE INDEX kb_documents_owner ON kb_documents (owner_id, created_at DESC, id DESC);

  -- A small integer per document owner; the shared collection is owner key 0 and has no row.
  CREATE TABLE kb_owners (
    key INTEGER PRIMARY KEY AUTOINCREMENT,
    owner_id TEXT NOT NULL UNIQUE REFERENCES users (id) ON DELETE CASCADE
  );

  -- seq = owner key * 2^32 + n, and is the chunk's FTS rowid: each owner's chunks form one rowid
  -- range, so a keyword search walks only the ranges its scope may see. seq is assigned on insert
  -- and kept by upserts. Owner and collection are copied from the document for filtering.
  CREATE TABLE kb_chunks (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    document_id TEXT NOT NULL REFERENCES kb_documents (id) ON DELETE CASCADE,
    ordinal INTEGER NOT NULL,
    heading TEXT,
    content TEXT NOT NULL,
    tokens INTEGER NOT NULL,
    owner_id TEXT,
    collection TEXT NOT NULL,
    UNIQUE (document_id, ordinal)
  );

  -- Keyword index over chunk text, its headings and its document's title. Contentless (the text
  -- lives in kb_chunks) with deletes enabled; the triggers below keep it in step. They delete and
  -- insert rather than INSERT OR REPLACE: a trigger's conflict clause yields to the one of the
  -- statement that fired it, and a contentless table would then keep both rows.
  CREATE VIRTUAL TABLE kb_chunks_fts USING fts5 (
    content, heading, title,
    content = '', contentless_delete = 1,
    tokenize = 'porter unicode61 remove_diacritics 2'
  );

  CREATE TRIGGER kb_chunks_fts_insert AFTER INSERT ON kb_chunks BEGIN
    INSERT INTO kb_chunks_fts (rowid, content, heading, title)
    VALUES (new.seq, new.content, coalesce(new.heading, ''),
            (SELECT title FROM kb_documents WHERE id = new.document_id));
  END;
  CREATE TRIGGER kb_chunks_fts_update AFTER UPDATE OF content, heading ON kb_chunks BEGIN
    DELETE FROM kb_chunks_fts WHERE rowid = old.seq;
    INSERT INTO kb_chunks_fts (rowid, content, heading, title)
    VALUES (new.seq, new.content, coalesce(new.heading, ''),
            (SELECT title FROM kb_documents WHERE id = new.document_id));
  END;
  CREATE TRIGGER kb_chunks_fts_delete AFTER DELETE ON kb_chunks BEGIN
    DELETE FROM kb_chunks_fts WHERE rowid = old.seq;
  END;
  CREATE TRIGGER kb_documents_fts_title AFTER UPDATE OF title ON kb_documents BEGIN
    DELETE FROM kb_chunks_fts WHERE rowid IN (SELECT seq FROM kb_chunks WHERE document_id = new.id);
    INSERT INTO kb_chunks_fts (rowid, content, heading, title)
    SELECT seq, content, coalesce(heading, ''), new.title FROM kb_chunks WHERE document_id = new.id;
  END;

  -- Chunk vectors (384-d, cosine). Partitioned by owner ('' for the shared collection: vec0
  -- columns cannot hold NULL) so a search only scans the partitions the caller may see; collection
  -- and document are metadata columns, filtered inside the kNN scan.
  CREATE VIRTUAL TABLE kb_vectors USING vec0 (
    owner TEXT PARTITION KEY,
    collection TEXT,
    document_id TEXT,
    embedding FLOAT[384] distance_metric=cosine,
    chunk_size = 256
  );
  -- vec0 keys are integers; this maps them to chunk ids. AUTOINCREMENT: keys are never reused.
  CREATE TABLE kb_vector_keys (
    key INTEGER PRIMARY KEY AUTOINCREMENT,
    chunk_id TEXT NOT NULL UNIQUE
  );
  -- A chunk's vector goes with it, also when a document or its owner is deleted.
  CREATE TRIGGER kb_chunks_vector_delete AFTER DELETE ON kb_chunks BEGIN
    DELETE FROM kb_vectors WHERE rowid = (SELECT key FROM kb_vector_keys WHERE chunk_id = old.id);
    DELETE FROM kb_vector_keys WHERE chunk_id = old.id;
  END;

  -- Knowledge-base settings, e.g. which embedder produced the stored vectors.
  CREATE TABLE kb_meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
  );
`;
