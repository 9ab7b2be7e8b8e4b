// The embedded job queue: rows in the shared SQLite database, leased by receivers in one
// BEGIN IMMEDIATE transaction so two processes on the same file never hold the same lease.
// Semantics (at-least-once, retries, dead letters) are in docs/decisions/0013-job-queue.md.
import { randomUUID } from 'node:crypto';
import type { DeadLetter, JobQueue, QueueStats, ReceivedJob } from '../../ports/job-queue.js';
import type { Db } from './database.js';

export interface SqliteJobQueueOptions {
  /** Deliveries before a job is dead-lettered (failed or lease expired each time). Default 5. */
  maxAttempts?: number;
  /** Default lease length for `receive`. Default 5 minutes. */
  visibilityMs?: number;
  /** First retry delay ceiling; doubles per attempt. Default 1 second. */
  backoffBaseMs?: number;
  /** Largest retry delay. Default 5 minutes. */
  backoffMaxMs?: number;
  /** Epoch milliseconds. */
  now?: () => number;
  /** In [0, 1); drives the retry jitter. */
  random?: () => number;
  /**
   * Called for a job dead-lettered because its last lease ran out (its worker crashed or timed out),
   * when no handler was left to say it gave up. Failures after `fail` are the caller's to report.
   */
  onExpiredDeadLetter?: (job: { id: string; type: string; payload: unknown; error: string }) => Promise<void>;
}

export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
}

/**
 * Delay before retrying after failed attempt `attempt` (1-based): exponential with "equal jitter",
 * i.e. uniformly between half and all of min(maxMs, baseMs * 2^(attempt-1)). Half the ceiling is
 * guaranteed, so retries back off even with unlucky draws; never more than maxMs.
 */
export function backoffDelayMs(
  attempt: number,
  { baseMs, maxMs }: BackoffOptions,
  random: () => number,
): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

interface JobRow {
  id: string;
  type: string;
  payload: string;
  attempts: number;
  available_at: number;
  lease_token: string | null;
  last_error: string | null;
  created_at: number;
}

interface DeadLetterRow {
  id: string;
  type: string;
  payload: string;
  attempts: number;
  last_error: string;
  failed_at: string;
}

const MINUTE = 60_000;

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${name} must be a positive number`);
  return value;
}

export class SqliteJobQueue implements JobQueue {
  readonly kind = 'sqlite' as const;
  private readonly maxAttempts: number;
  private readonly visibilityMs: number;
  private readonly backoff: BackoffOptions;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly onExpiredDeadLetter: SqliteJobQueueOptions['onExpiredDeadLetter'];

  constructor(
    private readonly db: Db,
    options: SqliteJobQueueOptions = {},
  ) {
    this.maxAttempts = Math.floor(positive('maxAttempts', options.maxAttempts ?? 5));
    this.visibilityMs = positive('visibilityMs', options.visibilityMs ?? 5 * MINUTE);
    this.backoff = {
      baseMs: positive('backoffBaseMs', options.backoffBaseMs ?? 1_000),
      maxMs: positive('backoffMaxMs', options.backoffMaxMs ?? 5 * MINUTE),
    };
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    this.onExpiredDeadLetter = options.onExpiredDeadLetter;
  }

  /** `payload` must be JSON-serialisable; `undefined` is stored as null. */
  async enqueue(type: string, payload: unknown, options: { delayMs?: number } = {}): Promise<string> {
    const id = randomUUID();
    const now = this.now();
    const delay = Math.max(0, options.delayMs ?? 0);
    if (!Number.isFinite(delay)) throw new RangeError('delayMs must be a finite number');
    this.db
      .prepare(
        `INSERT INTO jobs (id, type, payload, attempts, available_at, lease_token, last_error, created_at)
         VALUES (?, ?, ?, 0, ?, NULL, NULL, ?)`,
      )
      .run(id, type, JSON.stringify(payload ?? null), now + delay, now);
    return id;
  }

  /**
   * Leases up to `max` due jobs, oldest due first. Each delivery counts as an attempt; a due job that
   * has already been delivered `maxAttempts` times (its last lease expired without complete/fail) is
   * dead-lettered here instead of being delivered again, so a job that crashes its worker stops.
   */
  async receive(max: number, visibilityMs = this.visibilityMs): Promise<ReceivedJob[]> {
    positive('visibilityMs', visibilityMs);
    const limit = Math.floor(max);
    if (!(limit > 0)) return [];
    const expired: Array<{ id: string; type: string; payload: unknown; error: string }> = [];
    const lease = this.db.transaction((now: number): ReceivedJob[] => {
      expired.push(...this.deadLetterExpired(now));
      const due = this.db
        .prepare<[number, number], JobRow>(
          'SELECT * FROM jobs WHERE available_at <= ? ORDER BY available_at, rowid LIMIT ?',
        )
        .all(now, limit);
      const update = this.db.prepare<[string, number, string]>(
        'UPDATE jobs SET attempts = attempts + 1, lease_token = ?, available_at = ? WHERE id = ?',
      );
      return due.map((row) => {
        const receipt = randomUUID();
        update.run(receipt, now + visibilityMs, row.id);
        return {
          id: row.id,
          type: row.type,
          payload: JSON.parse(row.payload) as unknown,
          attempt: row.attempts + 1,
          receipt,
        };
      });
    });
    // IMMEDIATE takes the write lock before reading, so no other connection can lease in between.
    const jobs = lease.immediate(this.now());
    for (const job of expired) await this.onExpiredDeadLetter?.(job);
    return jobs;
  }

  /** Deletes the job. A stale receipt (the job was since re-leased, or is gone) is ignored. */
  async complete(job: ReceivedJob): Promise<void> {
    this.db.prepare('DELETE FROM jobs WHERE id = ? AND lease_token = ?').run(job.id, job.receipt);
  }

  /**
   * Schedules a retry after an exponential, jittered backoff, or dead-letters the job when this was
   * attempt `maxAttempts`. A stale receipt is ignored: the current holder decides the job's fate.
   */
  async fail(job: ReceivedJob, error: string): Promise<void> {
    const failJob = this.db.transaction((now: number) => {
      const row = this.db
        .prepare<[string, string], JobRow>('SELECT * FROM jobs WHERE id = ? AND lease_token = ?')
        .get(job.id, job.receipt);
      if (!row) return;
      if (row.attempts >= this.maxAttempts) {
        this.moveToDeadLetters(row, error, now);
        return;
      }
      const retryAt = now + backoffDelayMs(row.attempts, this.backoff, this.random);
      this.db
        .prepare('UPDATE jobs SET lease_token = NULL, available_at = ?, last_error = ? WHERE id = ?')
        .run(retryAt, error, row.id);
    });
    failJob.immediate(this.now());
  }

  async deadLetters(limit: number): Promise<DeadLetter[]> {
    const n = Math.floor(limit);
    if (!(n > 0)) return [];
    return this.db
      .prepare<[number], DeadLetterRow>(
        'SELECT * FROM job_dead_letters ORDER BY failed_at DESC, rowid DESC LIMIT ?',
      )
      .all(n)
      .map((r) => ({
        id: r.id,
        type: r.type,
        payload: JSON.parse(r.payload) as unknown,
        attempts: r.attempts,
        lastError: r.last_error,
        failedAt: r.failed_at,
      }));
  }

  /**
   * Puts a dead-lettered job back on the queue, due now, with a fresh attempt count (for an admin
   * after fixing the cause). False when there is no dead letter with that id.
   */
  async retryDeadLetter(id: string): Promise<boolean> {
    const retry = this.db.transaction((now: number): boolean => {
      const row = this.db
        .prepare<[string], DeadLetterRow & { created_at: number }>(
          'SELECT * FROM job_dead_letters WHERE id = ?',
        )
        .get(id);
      if (!row) return false;
      this.db.prepare('DELETE FROM job_dead_letters WHERE id = ?').run(id);
      this.db
        .prepare(
          `INSERT INTO jobs (id, type, payload, attempts, available_at, lease_token, last_error, created_at)
           VALUES (?, ?, ?, 0, ?, NULL, ?, ?)`,
        )
        .run(row.id, row.type, row.payload, now, row.last_error, row.created_at);
      return true;
    });
    return retry.immediate(this.now());
  }

  /**
   * `inFlight`: leased and the lease has not expired. `queued`: everything else still in the queue
   * (due, delayed, backing off, or with an expired lease waiting to be received again).
   */
  async stats(): Promise<QueueStats> {
    const row = this.db
      .prepare<[number], { total: number; in_flight: number | null; dead: number }>(
        `SELECT COUNT(*) AS total,
                SUM(lease_token IS NOT NULL AND available_at > ?) AS in_flight,
                (SELECT COUNT(*) FROM job_dead_letters) AS dead
         FROM jobs`,
      )
      .get(this.now())!;
    const inFlight = row.in_flight ?? 0;
    return { queued: row.total - inFlight, inFlight, deadLettered: row.dead };
  }

  /** The database is shared and owned by the caller, so there is nothing to release. */
  async close(): Promise<void> {}

  /** Dead-letters due jobs that already used their last delivery (their final lease ran out). */
  private deadLetterExpired(
    now: number,
  ): Array<{ id: string; type: string; payload: unknown; error: string }> {
    const exhausted = this.db
      .prepare<[number, number], JobRow>(
        'SELECT * FROM jobs WHERE available_at <= ? AND lease_token IS NOT NULL AND attempts >= ?',
      )
      .all(now, this.maxAttempts);
    return exhausted.map((row) => {
      const expired = `lease expired on attempt ${row.attempts} without complete or fail (worker crashed or timed out)`;
      const error = row.last_error ? `${expired}; previous error: ${row.last_error}` : expired;
      this.moveToDeadLetters(row, error, now);
      return { id: row.id, type: row.type, payload: JSON.parse(row.payload) as unknown, error };
    });
  }

  private moveToDeadLetters(row: JobRow, error: string, now: number): void {
    this.db.prepare('DELETE FROM jobs WHERE id = ?').run(row.id);
    this.db
      .prepare(
        `INSERT INTO job_dead_letters (id, type, payload, attempts, last_error, failed_at, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(row.id, row.type, row.payload, row.attempts, error, new Date(now).toISOString(), row.created_at);
  }
}
