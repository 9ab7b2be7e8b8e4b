import type { JobQueue, ReceivedJob } from '../../ports/job-queue.js';
import type { Logger } from '../../ports/logger.js';

export type JobHandler = (type: string, payload: unknown) => Promise<void>;

export interface WorkerOptions {
  /** Jobs leased per receive. Embedding is CPU-bound, so jobs run one at a time. */
  batchSize?: number;
  /** How long a leased job stays hidden from other workers. */
  visibilityMs?: number;
  /** Idle poll interval; `wake()` skips the wait when work was just enqueued. */
  pollMs?: number;
  /** Attempts before the queue dead-letters a job (to tell the handler it gave up). */
  maxAttempts: number;
  onGiveUp?: (job: ReceivedJob, error: string) => Promise<void>;
}

/**
 * Polls a JobQueue and runs jobs in this process (the local deployment). On AWS, SQS invokes the
 * worker Lambda instead (src/runtime/lambda-worker.ts) with the same handler.
 */
export class JobWorker {
  private running = false;
  private loop: Promise<void> | null = null;
  private wakeUp: (() => void) | null = null;
  private pending = false;

  constructor(
    private readonly queue: JobQueue,
    private readonly handler: JobHandler,
    private readonly logger: Logger,
    private readonly options: WorkerOptions,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Starts the next poll now (new work was enqueued). */
  wake(): void {
    this.pending = true;
    this.wakeUp?.();
  }

  /** Finishes the job in hand, then stops. */
  async stop(): Promise<void> {
    this.running = false;
    this.wakeUp?.();
    await this.loop;
  }

  /** Leases and runs due jobs until none are left; returns how many ran. Used by tests and benchmarks. */
  async drain(): Promise<number> {
    let ran = 0;
    for (;;) {
      const jobs = await this.queue.receive(this.options.batchSize ?? 4, this.options.visibilityMs);
      if (jobs.length === 0) return ran;
      for (const job of jobs) {
        await processJob(this.queue, job, this.handler, this.logger, this.options);
        ran++;
      }
    }
  }

  private async run(): Promise<void> {
    while (this.running) {
      this.pending = false;
      let ran = 0;
      try {
        ran = await this.drain();
      } catch (err) {
        this.logger.error({ err }, 'job worker poll failed');
      }
      if (!this.running) break;
      if (ran > 0 || this.pending) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.options.pollMs ?? 1000);
        timer.unref?.();
        this.wakeUp = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wakeUp = null;
    }
  }
}

/**
 * Runs one received job: complete on success (unless `acknowledge` is false: SQS-triggered Lambdas
 * delete a batch's successful messages themselves), otherwise report the give-up on the last attempt
 * and fail it (retry with backoff, or dead-letter). Returns whether the handler succeeded.
 */
export async function processJob(
  queue: JobQueue,
  job: ReceivedJob,
  handler: JobHandler,
  logger: Logger,
  options: Pick<WorkerOptions, 'maxAttempts' | 'onGiveUp'> & { acknowledge?: boolean },
): Promise<boolean> {
  const started = performance.now();
  try {
    await handler(job.type, job.payload);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const last = job.attempt >= options.maxAttempts;
    logger.warn({ err, jobId: job.id, type: job.type, attempt: job.attempt, last }, 'job failed');
    if (last) await options.onGiveUp?.(job, message);
    await queue.fail(job, message);
    return false;
  }
  if (options.acknowledge !== false) await queue.complete(job);
  logger.debug({ jobId: job.id, type: job.type, ms: Math.round(performance.now() - started) }, 'job done');
  return true;
}
