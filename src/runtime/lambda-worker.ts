// AWS Lambda entry point for background jobs: SQS invokes it with a batch of messages; failed ones
// are reported back (partial batch response) so only they return to the queue, and after the
// queue's maxReceiveCount they move to its dead-letter queue.
import { jobFromSqsRecord, type SqsEventRecord } from '../adapters/aws/sqs-queue.js';
import { createLogger } from '../adapters/log/pino.js';
import { loadConfig } from '../config.js';
import { createServices, type Services } from '../services.js';

export interface SqsEvent {
  Records: SqsEventRecord[];
}

export interface SqsBatchResponse {
  batchItemFailures: Array<{ itemIdentifier: string }>;
}

/** Runs each record's job; one failing record does not fail the others. */
export async function processSqsEvent(services: Services, event: SqsEvent): Promise<SqsBatchResponse> {
  const failures: SqsBatchResponse['batchItemFailures'] = [];
  const { logger, kb, config } = services;
  // One at a time: embedding is CPU-bound and a Lambda has few cores.
  for (const record of event.Records) {
    let job;
    try {
      job = jobFromSqsRecord(record);
    } catch (err) {
      logger.error({ err, messageId: record.messageId }, 'unreadable job message');
      failures.push({ itemIdentifier: record.messageId });
      continue;
    }
    try {
      await kb.handleJob(job.type, job.payload);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const last = job.attempt >= config.kb.maxAttempts;
      logger.warn({ err, jobId: job.id, type: job.type, attempt: job.attempt, last }, 'job failed');
      if (last) await kb.jobGaveUp(job.type, job.payload, message);
      // Backoff: the message comes back after a jittered, growing delay rather than the queue's fixed
      // visibility timeout (on the last attempt, at once, so the redrive policy dead-letters it).
      await services.queue.fail(job, message).catch((failErr: unknown) => {
        logger.warn({ err: failErr, jobId: job.id }, 'could not schedule the retry');
      });
      failures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures: failures };
}

// Built once per execution environment and reused while it stays warm.
let ready: Promise<Services> | undefined;

async function build(env: Record<string, string | undefined>): Promise<Services> {
  // This function is the worker: no polling loop inside it.
  const config = loadConfig({ DATA_DIR: '/tmp/engify', ...env, KB_WORKER: 'off' });
  return createServices(config, createLogger(config.logLevel));
}

export const handler = async (event: SqsEvent): Promise<SqsBatchResponse> => {
  ready ??= build(process.env).catch((err: unknown) => {
    ready = undefined;
    throw err;
  });
  return processSqsEvent(await ready, event);
};
