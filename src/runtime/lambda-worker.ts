// AWS Lambda entry point for background jobs: SQS invokes it with a batch of messages; failed ones
// are reported back (partial batch response) so only they return to the queue, and after the
// queue's maxReceiveCount they move to its dead-letter queue.
import { jobFromSqsRecord, type SqsEventRecord } from '../adapters/aws/sqs-queue.js';
import { createLogger } from '../adapters/log/pino.js';
import { loadConfig } from '../config.js';
import { processJob } from '../features/kb/worker.js';
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
    // Failed jobs are retried with backoff: the message comes back after a jittered, growing delay
    // rather than the queue's fixed visibility timeout (on the last attempt at once, so the redrive
    // policy dead-letters it).
    const succeeded = await processJob(
      services.queue,
      job,
      (type, payload) => kb.handleJob(type, payload),
      logger,
      {
        maxAttempts: config.kb.maxAttempts,
        onGiveUp: (given, error) => kb.jobGaveUp(given.type, given.payload, error),
        acknowledge: false,
      },
    ).catch((err: unknown) => {
      logger.warn({ err, jobId: job.id }, 'could not schedule the retry');
      return false;
    });
    if (!succeeded) failures.push({ itemIdentifier: record.messageId });
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
