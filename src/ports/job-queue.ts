/** A unit of background work. `payload` is JSON. */
export interface Job {
  id: string;
  type: string;
  payload: unknown;
  /** 1 on the first delivery. */
  attempt: number;
}

/** A received job and the handle that acknowledges it. */
export interface ReceivedJob extends Job {
  /** Opaque; passed back to complete/fail (an SQS receipt handle, or a lease token). */
  receipt: string;
}

export interface DeadLetter {
  id: string;
  type: string;
  payload: unknown;
  attempts: number;
  lastError: string;
  failedAt: string;
}

export interface QueueStats {
  queued: number;
  inFlight: number;
  deadLettered: number;
}

/**
 * At-least-once background jobs: a job not completed before its visibility timeout runs again;
 * after `maxAttempts` failures it is dead-lettered. Handlers must be idempotent.
 */
export interface JobQueue {
  readonly kind: 'sqlite' | 'sqs';
  enqueue(type: string, payload: unknown, options?: { delayMs?: number }): Promise<string>;
  /** Up to `max` jobs whose time has come, hidden from other receivers for `visibilityMs`. */
  receive(max: number, visibilityMs?: number): Promise<ReceivedJob[]>;
  complete(job: ReceivedJob): Promise<void>;
  /** Schedules a retry with exponential backoff and jitter, or dead-letters after the last attempt. */
  fail(job: ReceivedJob, error: string): Promise<void>;
  /** Most recent first. SQS: reads nothing (the DLQ is inspected in the AWS console) and returns []. */
  deadLetters(limit: number): Promise<DeadLetter[]>;
  stats(): Promise<QueueStats>;
  close(): Promise<void>;
}
