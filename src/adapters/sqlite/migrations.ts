/**
 * Versioned schema migrations. Append only: never edit a migration that has shipped; add a new one.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const migrations: Migration[] = [
  {
    version: 1,
    name: 'catalog',
    sql: `
      CREATE TABLE meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );

      CREATE TABLE taxonomy (
        kind TEXT NOT NULL CHECK (kind IN ('role', 'category')),
        id TEXT NOT NULL,
        label TEXT NOT NULL,
        description TEXT NOT NULL,
        position INTEGER NOT NULL,
        PRIMARY KEY (kind, id)
      );

      CREATE TABLE patterns (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        category TEXT NOT NULL,
        level TEXT NOT NULL,
        summary TEXT NOT NULL,
        body TEXT NOT NULL,
        content_hash TEXT NOT NULL,
        position INTEGER NOT NULL
      );

      CREATE TABLE prompts (
        id INTEGER PRIMARY KEY,
        slug TEXT NOT NULL UNIQUE,
        source TEXT NOT NULL CHECK (source IN ('builtin', 'user')),
        title TEXT NOT NULL,
        description TEXT NOT NULL,
        category TEXT NOT NULL,
        difficulty TEXT NOT NULL,
        roles TEXT NOT NULL,
        tags TEXT NOT NULL,
        patterns TEXT NOT NULL,
        variables TEXT NOT NULL,
        template TEXT NOT NULL,
        content_hash TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE INDEX prompts_title ON prompts (title COLLATE NOCASE, slug);
      CREATE INDEX prompts_category ON prompts (category);

      CREATE TABLE prompt_roles (
        role TEXT NOT NULL,
        prompt_id INTEGER NOT NULL REFERENCES prompts (id) ON DELETE CASCADE,
        PRIMARY KEY (role, prompt_id)
      ) WITHOUT ROWID;
      CREATE TABLE prompt_tags (
        tag TEXT NOT NULL,
        prompt_id INTEGER NOT NULL REFERENCES prompts (id) ON DELETE CASCADE,
        PRIMARY KEY (tag, prompt_id)
      ) WITHOUT ROWID;
      CREATE TABLE prompt_patterns (
        pattern_id TEXT NOT NULL,
        prompt_id INTEGER NOT NULL REFERENCES prompts (id) ON DELETE CASCADE,
        PRIMARY KEY (pattern_id, prompt_id)
      ) WITHOUT ROWID;
      CREATE INDEX prompt_roles_prompt ON prompt_roles (prompt_id);
      CREATE INDEX prompt_tags_prompt ON prompt_tags (prompt_id);
      CREATE INDEX prompt_patterns_prompt ON prompt_patterns (prompt_id);

      -- Full-text index over prompts; rowid = prompts.id. "labels" holds the human names of the
      -- prompt's category, roles and patterns so "code review" matches the Code Review category.
      CREATE VIRTUAL TABLE prompts_fts USING fts5 (
        title, description, tags, labels, template,
        tokenize = 'porter unicode61 remove_diacritics 2'
      );
    `,
  },
];
