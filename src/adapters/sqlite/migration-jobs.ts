/** Migration 7: the durable job queue and its dead letters. */
export const JOBS_MIGRATION_SQL = `
  -- One row per job that is waiting, delayed, backing off or in flight. Times are epoch milliseconds.
  -- available_at is when the job may next be handed out: its enqueue time (+ delay), the end of a
  -- retry backoff, or, while leased, the end of the lease (so an expired lease is simply due again).
  -- lease_token is the receipt of the latest delivery; NULL until the first one and after a fail.
  CREATE TABLE jobs (
    id TEXT PRIMARY KEY,
    type TEXT NOT NULL,
    payload TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    available_at INTEGER NOT NULL,
    lease_token TEXT,
    last_error TEXT,
    created_at INTEGER NOT NULL
  );
  -- "Due" lookups: available_at <= now in arrival order (rowid is part of every index entry).
  CREATE INDEX jobs_due ON jobs (available_at);

  -- Jobs that failed maxAttempts times, or whose last allowed lease expired.
  CREATE TABLE job_dead_letters (
    id TEXT PRIMARY KEY,
    type TEXT NOT NULL,
    payload TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    last_error TEXT NOT NULL,
    failed_at TEXT NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE INDEX job_dead_letters_recent ON job_dead_letters (failed_at);
`;
