// The JobQueue on Amazon SQS (standard queue), kept thin: SQS does the leasing (visibility
// timeout), counting (ApproximateReceiveCount) and dead-lettering (the queue's redrive policy).
// See docs/decisions/0013-job-queue.md for the mapping and what it leaves unverified.
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { DeadLetter, JobQueue, QueueStats, ReceivedJob } from '../../ports/job-queue.js';
import { backoffDelayMs, type BackoffOptions } from '../sqlite/job-queue.js';

export interface SqsJobQueueOptions {
  client: SQSClient;
  queueUrl: string;
  /** The redrive target of `queueUrl`; only read for `stats().deadLettered` (0 when absent). */
  deadLetterQueueUrl?: string;
  /**
   * Must equal the redrive policy's maxReceiveCount. On the last attempt `fail` makes the message
   * visible at once, so SQS moves it to the dead-letter queue on the next receive. Default 5.
   */
  maxAttempts?: number;
  /** Default VisibilityTimeout for `receive` (whole seconds, at most 12 h). Default 5 minutes. */
  visibilityMs?: number;
  /** Long polling: how long `receive` waits for a message when none is there (0-20). Default 0. */
  waitTimeSeconds?: number;
  /** Retry backoff (same shape as the SQLite queue's). Defaults 1 second and 5 minutes. */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  random?: () => number;
}

/** The message attribute holding the job type; the body is the JSON payload. */
export const TYPE_ATTRIBUTE = 'type';
/** SQS limits. */
const MAX_DELAY_SECONDS = 900;
const MAX_VISIBILITY_SECONDS = 43_200;
const MAX_BATCH = 10;

const seconds = (ms: number, max: number) => Math.min(max, Math.max(0, Math.ceil(ms / 1000)));

/** The shape of one record of the SQS event a Lambda function receives (only what we read). */
export interface SqsEventRecord {
  messageId: string;
  receiptHandle: string;
  body: string;
  attributes: { ApproximateReceiveCount: string };
  messageAttributes: Record<string, { stringValue?: string; dataType: string } | undefined>;
}

function toJob(
  id: string | undefined,
  receipt: string | undefined,
  body: string | undefined,
  type: string | undefined,
  receiveCount: string | undefined,
): ReceivedJob {
  if (!id || !receipt) throw new Error('SQS message without MessageId or ReceiptHandle');
  if (!type) throw new Error(`SQS message ${id} has no "${TYPE_ATTRIBUTE}" message attribute`);
  let payload: unknown;
  try {
    payload = JSON.parse(body ?? 'null');
  } catch {
    throw new Error(`SQS message ${id} (${type}) does not carry a JSON body`);
  }
  const attempt = Number.parseInt(receiveCount ?? '', 10);
  return { id, type, payload, attempt: attempt > 0 ? attempt : 1, receipt };
}

/** Turns a Lambda SQS event record into the job the worker runs (throws on a malformed message). */
export function jobFromSqsRecord(record: SqsEventRecord): ReceivedJob {
  return toJob(
    record.messageId,
    record.receiptHandle,
    record.body,
    record.messageAttributes[TYPE_ATTRIBUTE]?.stringValue,
    record.attributes.ApproximateReceiveCount,
  );
}

function fromMessage(m: Message): ReceivedJob {
  return toJob(
    m.MessageId,
    m.ReceiptHandle,
    m.Body,
    m.MessageAttributes?.[TYPE_ATTRIBUTE]?.StringValue,
    m.Attributes?.ApproximateReceiveCount,
  );
}

/**
 * True for the errors SQS answers when a receipt handle is no longer current (the message was
 * received again, deleted, or its visibility ran out): the job now belongs to someone else.
 */
function isStaleReceipt(err: unknown): boolean {
  const { name, message } = (err ?? {}) as { name?: unknown; message?: unknown };
  if (name === 'ReceiptHandleIsInvalid' || name === 'MessageNotInflight') return true;
  return name === 'InvalidParameterValue' && typeof message === 'string' && /receipthandle/i.test(message);
}

export class SqsJobQueue implements JobQueue {
  readonly kind = 'sqs' as const;
  private readonly client: SQSClient;
  private readonly queueUrl: string;
  private readonly deadLetterQueueUrl: string | undefined;
  private readonly maxAttempts: number;
  private readonly visibilityMs: number;
  private readonly waitTimeSeconds: number;
  private readonly backoff: BackoffOptions;
  private readonly random: () => number;

  constructor(options: SqsJobQueueOptions) {
    this.client = options.client;
    this.queueUrl = options.queueUrl;
    this.deadLetterQueueUrl = options.deadLetterQueueUrl;
    this.maxAttempts = options.maxAttempts ?? 5;
    this.visibilityMs = options.visibilityMs ?? 5 * 60_000;
    this.waitTimeSeconds = options.waitTimeSeconds ?? 0;
    this.backoff = { baseMs: options.backoffBaseMs ?? 1_000, maxMs: options.backoffMaxMs ?? 5 * 60_000 };
    this.random = options.random ?? Math.random;
  }

  /** `delayMs` is rounded up to whole seconds and capped at SQS's 15 minutes. */
  async enqueue(type: string, payload: unknown, options: { delayMs?: number } = {}): Promise<string> {
    const out = await this.client.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: JSON.stringify(payload ?? null),
        MessageAttributes: { [TYPE_ATTRIBUTE]: { DataType: 'String', StringValue: type } },
        DelaySeconds: seconds(options.delayMs ?? 0, MAX_DELAY_SECONDS),
      }),
    );
    if (!out.MessageId) throw new Error('SQS SendMessage returned no MessageId');
    return out.MessageId;
  }

  /** At most 10 jobs per call (the SQS batch limit). */
  async receive(max: number, visibilityMs = this.visibilityMs): Promise<ReceivedJob[]> {
    const n = Math.min(MAX_BATCH, Math.floor(max));
    if (!(n > 0)) return [];
    const out = await this.client.send(
      new ReceiveMessageCommand({
        QueueUrl: this.queueUrl,
        MaxNumberOfMessages: n,
        VisibilityTimeout: seconds(visibilityMs, MAX_VISIBILITY_SECONDS),
        WaitTimeSeconds: this.waitTimeSeconds,
        MessageAttributeNames: [TYPE_ATTRIBUTE],
        MessageSystemAttributeNames: ['ApproximateReceiveCount'],
      }),
    );
    return (out.Messages ?? []).map(fromMessage);
  }

  /** Deletes the message. A receipt SQS no longer accepts is ignored (see isStaleReceipt). */
  async complete(job: ReceivedJob): Promise<void> {
    await this.ignoreStale(
      this.client.send(new DeleteMessageCommand({ QueueUrl: this.queueUrl, ReceiptHandle: job.receipt })),
    );
  }

  /**
   * Hides the message for a jittered backoff (it becomes visible again then), or, on the last
   * attempt, makes it visible now so the redrive policy moves it to the dead-letter queue. `error`
   * is not stored: SQS cannot attach it to the message, so the worker must log it.
   */
  async fail(job: ReceivedJob, _error: string): Promise<void> {
    const delayMs =
      job.attempt >= this.maxAttempts ? 0 : backoffDelayMs(job.attempt, this.backoff, this.random);
    await this.ignoreStale(
      this.client.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: this.queueUrl,
          ReceiptHandle: job.receipt,
          VisibilityTimeout: seconds(delayMs, MAX_VISIBILITY_SECONDS),
        }),
      ),
    );
  }

  /** The dead-letter queue is inspected (and redriven) in the AWS console. */
  async deadLetters(_limit: number): Promise<DeadLetter[]> {
    return [];
  }

  /** Approximate counts (SQS's own); `queued` includes delayed messages. */
  async stats(): Promise<QueueStats> {
    const [main, dead] = await Promise.all([
      this.attributes(this.queueUrl, [
        'ApproximateNumberOfMessages',
        'ApproximateNumberOfMessagesDelayed',
        'ApproximateNumberOfMessagesNotVisible',
      ]),
      this.deadLetterQueueUrl
        ? this.attributes(this.deadLetterQueueUrl, ['ApproximateNumberOfMessages'])
        : {},
    ]);
    const count = (attrs: Record<string, string>, name: string) => Number(attrs[name] ?? 0) || 0;
    return {
      queued: count(main, 'ApproximateNumberOfMessages') + count(main, 'ApproximateNumberOfMessagesDelayed'),
      inFlight: count(main, 'ApproximateNumberOfMessagesNotVisible'),
      deadLettered: count(dead, 'ApproximateNumberOfMessages'),
    };
  }

  /** The client is the caller's; nothing to release. */
  async close(): Promise<void> {}

  private async attributes(
    url: string,
    names: (
      | 'ApproximateNumberOfMessages'
      | 'ApproximateNumberOfMessagesDelayed'
      | 'ApproximateNumberOfMessagesNotVisible'
    )[],
  ): Promise<Record<string, string>> {
    const out = await this.client.send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: names }),
    );
    return out.Attributes ?? {};
  }

  private async ignoreStale(request: Promise<unknown>): Promise<void> {
    try {
      await request;
    } catch (err) {
      if (!isStaleReceipt(err)) throw err;
    }
  }
}
