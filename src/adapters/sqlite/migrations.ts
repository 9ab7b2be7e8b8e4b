import { JOBS_MIGRATION_SQL } from './migration-jobs.js';
import { KB_MIGRATION_SQL } from './migration-kb.js';
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
  {
    version: 2,
    name: 'accounts and user library data',
    sql: `
      CREATE TABLE users (
        id TEXT PRIMARY KEY,
        email TEXT NOT NULL UNIQUE COLLATE NOCASE,
        name TEXT,
        password_hash TEXT,
        role TEXT NOT NULL CHECK (role IN ('user', 'admin')),
        tier TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );

      -- Only a SHA-256 of the session token is stored; the token lives in the user's cookie.
      CREATE TABLE sessions (
        token_hash TEXT PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        last_seen_at TEXT NOT NULL,
        user_agent TEXT,
        ip TEXT
      );
      CREATE INDEX sessions_user ON sessions (user_id);

      CREATE TABLE api_keys (
        id TEXT PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        prefix TEXT NOT NULL,
        key_hash TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL,
        last_used_at TEXT,
        revoked_at TEXT
      );
      CREATE INDEX api_keys_user ON api_keys (user_id);

      CREATE TABLE oauth_accounts (
        provider TEXT NOT NULL,
        provider_user_id TEXT NOT NULL,
        user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        created_at TEXT NOT NULL,
        PRIMARY KEY (provider, provider_user_id)
      );

      ALTER TABLE prompts ADD COLUMN owner_id TEXT REFERENCES users (id) ON DELETE CASCADE;
      ALTER TABLE prompts ADD COLUMN visibility TEXT NOT NULL DEFAULT 'public'
        CHECK (visibility IN ('public', 'private'));
      CREATE INDEX prompts_owner ON prompts (owner_id);

      CREATE TABLE favorites (
        user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        prompt_id INTEGER NOT NULL REFERENCES prompts (id) ON DELETE CASCADE,
        created_at TEXT NOT NULL,
        PRIMARY KEY (user_id, prompt_id)
      ) WITHOUT ROWID;

      CREATE TABLE ratings (
        user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        prompt_id INTEGER NOT NULL REFERENCES prompts (id) ON DELETE CASCADE,
        stars INTEGER NOT NULL CHECK (stars BETWEEN 1 AND 5),
        updated_at TEXT NOT NULL,
        PRIMARY KEY (user_id, prompt_id)
      ) WITHOUT ROWID;
      CREATE INDEX ratings_prompt ON ratings (prompt_id);
    `,
  },
  {
    version: 3,
    name: 'provider keys',
    sql: `
      -- Users' own provider API keys, sealed by the key vault (envelope encryption). Never in clear.
      CREATE TABLE provider_keys (
        id TEXT PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        provider TEXT NOT NULL CHECK (provider IN ('openai', 'anthropic', 'google', 'openai-compatible')),
        label TEXT,
        base_url TEXT,
        mask TEXT NOT NULL,
        sealed TEXT NOT NULL,
        created_at TEXT NOT NULL,
        last_used_at TEXT
      );
      CREATE INDEX provider_keys_user ON provider_keys (user_id, created_at);
      ALTER TABLE users ADD COLUMN default_provider TEXT;
    `,
  },
  {
    version: 4,
    name: 'executions',
    sql: `
      CREATE TABLE executions (
        id TEXT PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        prompt_slug TEXT,
        provider TEXT NOT NULL,
        model TEXT NOT NULL,
        key_id TEXT,
        options TEXT NOT NULL,
        compare_id TEXT,
        input_tokens INTEGER,
        output_tokens INTEGER,
        tokens_estimated INTEGER NOT NULL DEFAULT 0,
        cost_usd REAL,
        price_version TEXT,
        latency_ms INTEGER,
        ttft_ms INTEGER,
        status TEXT NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'aborted')),
        error_code TEXT,
        output TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL,
        finished_at TEXT
      );
      CREATE INDEX executions_user ON executions (user_id, created_at DESC, id DESC);
    `,
  },
  {
    version: 5,
    name: 'covering index for the daily token quota',
    sql: `
      -- The quota sums today's tokens per user on every run; this index answers it without reading
      -- the rows (and their output text).
      CREATE INDEX executions_usage ON executions (user_id, created_at, input_tokens, output_tokens);
    `,
  },
  { version: 6, name: 'knowledge base', sql: KB_MIGRATION_SQL },
  { version: 7, name: 'job queue', sql: JOBS_MIGRATION_SQL },
  {
    version: 8,
    name: 'daily token counters',
    sql: `
      -- The daily quota is checked before every model call. Summing the day's executions grows with
      -- the day's runs; these counters, kept by triggers, answer it with one row read. The day is the
      -- UTC day the execution was created, as the sum was.
      CREATE TABLE token_usage_daily (
        user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        day TEXT NOT NULL,
        tokens INTEGER NOT NULL,
        PRIMARY KEY (user_id, day)
      ) WITHOUT ROWID;
      INSERT INTO token_usage_daily (user_id, day, tokens)
        SELECT user_id, substr(created_at, 1, 10),
               sum(coalesce(input_tokens, 0) + coalesce(output_tokens, 0))
          FROM executions GROUP BY user_id, substr(created_at, 1, 10);
      CREATE TRIGGER executions_tokens_insert AFTER INSERT ON executions
        WHEN coalesce(NEW.input_tokens, 0) + coalesce(NEW.output_tokens, 0) <> 0
      BEGIN
        INSERT INTO token_usage_daily (user_id, day, tokens)
          VALUES (NEW.user_id, substr(NEW.created_at, 1, 10),
                  coalesce(NEW.input_tokens, 0) + coalesce(NEW.output_tokens, 0))
          ON CONFLICT (user_id, day) DO UPDATE SET tokens = tokens + excluded.tokens;
      END;
      CREATE TRIGGER executions_tokens_update AFTER UPDATE OF input_tokens, output_tokens ON executions
        WHEN coalesce(NEW.input_tokens, 0) + coalesce(NEW.output_tokens, 0)
             <> coalesce(OLD.input_tokens, 0) + coalesce(OLD.output_tokens, 0)
      BEGIN
        INSERT INTO token_usage_daily (user_id, day, tokens)
          VALUES (NEW.user_id, substr(NEW.created_at, 1, 10),
                  coalesce(NEW.input_tokens, 0) + coalesce(NEW.output_tokens, 0)
                  - coalesce(OLD.input_tokens, 0) - coalesce(OLD.output_tokens, 0))
          ON CONFLICT (user_id, day) DO UPDATE SET tokens = tokens + excluded.tokens;
      END;
      CREATE TRIGGER executions_tokens_delete AFTER DELETE ON executions
        WHEN coalesce(OLD.input_tokens, 0) + coalesce(OLD.output_tokens, 0) <> 0
      BEGIN
        UPDATE token_usage_daily
           SET tokens = tokens - coalesce(OLD.input_tokens, 0) - coalesce(OLD.output_tokens, 0)
         WHERE user_id = OLD.user_id AND day = substr(OLD.created_at, 1, 10);
      END;
      DROP INDEX executions_usage;
    `,
  },
];
