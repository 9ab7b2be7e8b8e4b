/** Migration 6: knowledge base (documents, chunks, FTS5 over chunks, sqlite-vec vectors). */
export const KB_MIGRATION_SQL = `
  -- filled in by the knowledge-store work
  SELECT 1;
`;
