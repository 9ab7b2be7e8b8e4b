// SqsJobQueue against aws-sdk-client-mock: checks the exact requests sent and how answers map back.
// UNVERIFIED here, because no SQS can be reached from these machines: real SQS behaviour (rounding of
// ApproximateReceiveCount, redrive to the DLQ after maxReceiveCount, which error a stale receipt
// really gets), long polling, IAM, and the Lambda event source mapping.
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  MessageNotInflight,
  QueueDoesNotExist,
  ReceiptHandleIsInvalid,
  ReceiveMessageCommand,
  SQSClient,
  SQSServiceException,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import type { ReceivedJob } from '../../ports/job-queue.js';
import { SqsJobQueue, jobFromSqsRecord, type SqsJobQueueOptions } from './sqs-queue.js';

const QUEUE = 'https://sqs.eu-west-1.amazonaws.com/111122223333/engify-jobs';
const DLQ = 'https://sqs.eu-west-1.amazonaws.com/111122223333/engify-jobs-dlq';

const client = new SQSClient({
  region: 'eu-west-1',
  credentials: { accessKeyId: 'AKIAFAKE', secretAccessKey: 'fake' },
});
const sqs = mockClient(client);
afterEach(() => sqs.reset());

const queue = (options: Partial<SqsJobQueueOptions> = {}) =>
  new SqsJobQueue({ client, queueUrl: QUEUE, random: () => 0.5, ...options });
const job = (attempt: number): ReceivedJob => ({
  id: 'm-1',
  type: 't',
  payload: {},
  attempt,
  receipt: 'rh-1',
});
const sqsError = (name: string, message: string) =>
  new SQSServiceException({ name, message, $fault: 'client', $metadata: {} });

describe('SqsJobQueue', () => {
  it('enqueue sends the JSON payload with the type as a message attribute and returns the MessageId', async () => {
    sqs.on(SendMessageCommand).resolves({ MessageId: 'msg-1' });
    const q = queue();
    expect(await q.enqueue('ingest', { doc: 'd-1', n: [1, 2] })).toBe('msg-1');
    await q.enqueue('ingest', undefined, { delayMs: 1_500 });
    await q.enqueue('ingest', 'late', { delayMs: 60 * 60_000 });
    expect(sqs.commandCalls(SendMessageCommand).map((c) => c.args[0].input)).toEqual([
      {
        QueueUrl: QUEUE,
        MessageBody: '{"doc":"d-1","n":[1,2]}',
        MessageAttributes: { type: { DataType: 'String', StringValue: 'ingest' } },
        DelaySeconds: 0,
      },
      {
        QueueUrl: QUEUE,
        MessageBody: 'null',
        MessageAttributes: { type: { DataType: 'String', StringValue: 'ingest' } },
        DelaySeconds: 2, // rounded up to whole seconds
      },
      {
        QueueUrl: QUEUE,
        MessageBody: '"late"',
        MessageAttributes: { type: { DataType: 'String', StringValue: 'ingest' } },
        DelaySeconds: 900, // the SQS maximum
      },
    ]);
  });

  it('enqueue fails when SQS returns no MessageId', async () => {
    sqs.on(SendMessageCommand).resolves({});
    await expect(queue().enqueue('t', {})).rejects.toThrow(/no MessageId/);
  });

  it('receive asks for the type attribute and receive count, and maps messages to jobs', async () => {
    sqs.on(ReceiveMessageCommand).resolves({
      Messages: [
        {
          MessageId: 'm-1',
          ReceiptHandle: 'rh-1',
          Body: '{"doc":"d-1"}',
          Attributes: { ApproximateReceiveCount: '3' },
          MessageAttributes: { type: { DataType: 'String', StringValue: 'ingest' } },
        },
        {
          MessageId: 'm-2',
          ReceiptHandle: 'rh-2',
          Body: '[1,"two"]',
          Attributes: { ApproximateReceiveCount: '1' },
          MessageAttributes: { type: { DataType: 'String', StringValue: 'embed' } },
        },
      ],
    });
    const q = queue({ waitTimeSeconds: 20 });
    expect(await q.receive(4)).toEqual([
      { id: 'm-1', type: 'ingest', payload: { doc: 'd-1' }, attempt: 3, receipt: 'rh-1' },
      { id: 'm-2', type: 'embed', payload: [1, 'two'], attempt: 1, receipt: 'rh-2' },
    ]);
    await q.receive(50, 1_500);
    expect(sqs.commandCalls(ReceiveMessageCommand).map((c) => c.args[0].input)).toEqual([
      {
        QueueUrl: QUEUE,
        MaxNumberOfMessages: 4,
        VisibilityTimeout: 300,
        WaitTimeSeconds: 20,
        MessageAttributeNames: ['type'],
        MessageSystemAttributeNames: ['ApproximateReceiveCount'],
      },
      {
        QueueUrl: QUEUE,
        MaxNumberOfMessages: 10, // the SQS batch limit
        VisibilityTimeout: 2,
        WaitTimeSeconds: 20,
        MessageAttributeNames: ['type'],
        MessageSystemAttributeNames: ['ApproximateReceiveCount'],
      },
    ]);
  });

  it('receive returns [] for an empty answer and sends nothing for max 0', async () => {
    sqs.on(ReceiveMessageCommand).resolves({});
    const q = queue();
    expect(await q.receive(0)).toEqual([]);
    expect(sqs.commandCalls(ReceiveMessageCommand)).toHaveLength(0);
    expect(await q.receive(1)).toEqual([]);
    expect(sqs.commandCalls(ReceiveMessageCommand)[0]!.args[0].input).toMatchObject({ WaitTimeSeconds: 0 });
  });

  it('receive refuses a message without a type or with a body that is not JSON', async () => {
    const base = { MessageId: 'm-9', ReceiptHandle: 'rh', Attributes: { ApproximateReceiveCount: '1' } };
    sqs
      .on(ReceiveMessageCommand)
      .resolvesOnce({ Messages: [{ ...base, Body: '{}' }] })
      .resolvesOnce({
        Messages: [
          {
            ...base,
            Body: 'not json',
            MessageAttributes: { type: { DataType: 'String', StringValue: 't' } },
          },
        ],
      });
    await expect(queue().receive(1)).rejects.toThrow(/m-9 has no "type" message attribute/);
    await expect(queue().receive(1)).rejects.toThrow(/m-9 \(t\) does not carry a JSON body/);
  });

  it('complete deletes the message by its receipt handle', async () => {
    sqs.on(DeleteMessageCommand).resolves({});
    await queue().complete(job(1));
    expect(sqs.commandCalls(DeleteMessageCommand).map((c) => c.args[0].input)).toEqual([
      { QueueUrl: QUEUE, ReceiptHandle: 'rh-1' },
    ]);
  });

  it('fail hides the message for the jittered backoff of its attempt, capped', async () => {
    sqs.on(ChangeMessageVisibilityCommand).resolves({});
    const q = queue({ maxAttempts: 10, backoffBaseMs: 2_000, backoffMaxMs: 60_000 });
    for (const attempt of [1, 2, 3, 6, 9]) await q.fail(job(attempt), 'boom');
    const calls = sqs.commandCalls(ChangeMessageVisibilityCommand).map((c) => c.args[0].input);
    expect(calls.every((c) => c.QueueUrl === QUEUE && c.ReceiptHandle === 'rh-1')).toBe(true);
    // Equal jitter at 0.5 is three quarters of min(60 s, 2 s * 2^(attempt-1)), rounded up to seconds.
    expect(calls.map((c) => c.VisibilityTimeout)).toEqual([2, 3, 6, 45, 45]);
  });

  it('fail on the last attempt makes the message visible at once, for the redrive policy to dead-letter', async () => {
    sqs.on(ChangeMessageVisibilityCommand).resolves({});
    const q = queue({ maxAttempts: 3 });
    await q.fail(job(3), 'boom');
    await q.fail(job(4), 'boom'); // received once more than expected (maxReceiveCount set higher)
    expect(
      sqs.commandCalls(ChangeMessageVisibilityCommand).map((c) => c.args[0].input.VisibilityTimeout),
    ).toEqual([0, 0]);
  });

  it('ignores the answers SQS gives to a stale receipt, and passes on every other error', async () => {
    const stale = [
      new ReceiptHandleIsInvalid({ message: 'The input receipt handle is invalid.', $metadata: {} }),
      new MessageNotInflight({ message: 'The message is not in flight.', $metadata: {} }),
      sqsError(
        'InvalidParameterValue',
        'Value rh-1 for parameter ReceiptHandle is invalid. Reason: The receipt handle has expired.',
      ),
    ];
    const q = queue();
    for (const err of stale) {
      sqs.reset();
      sqs.on(DeleteMessageCommand).rejects(err).on(ChangeMessageVisibilityCommand).rejects(err);
      await expect(q.complete(job(1))).resolves.toBeUndefined();
      await expect(q.fail(job(1), 'boom')).resolves.toBeUndefined();
    }

    const other = [
      new QueueDoesNotExist({ message: 'The specified queue does not exist.', $metadata: {} }),
      sqsError('InvalidParameterValue', 'Value 50000 for parameter VisibilityTimeout is invalid.'),
      sqsError('AccessDenied', 'not authorized to perform: sqs:DeleteMessage'),
    ];
    for (const err of other) {
      sqs.reset();
      sqs.on(DeleteMessageCommand).rejects(err).on(ChangeMessageVisibilityCommand).rejects(err);
      await expect(q.complete(job(1))).rejects.toBe(err);
      await expect(q.fail(job(1), 'boom')).rejects.toBe(err);
    }
  });

  it('stats reads approximate counts of the queue and of the dead-letter queue', async () => {
    sqs
      .on(GetQueueAttributesCommand, { QueueUrl: QUEUE })
      .resolves({
        Attributes: {
          ApproximateNumberOfMessages: '7',
          ApproximateNumberOfMessagesDelayed: '2',
          ApproximateNumberOfMessagesNotVisible: '3',
        },
      })
      .on(GetQueueAttributesCommand, { QueueUrl: DLQ })
      .resolves({ Attributes: { ApproximateNumberOfMessages: '4' } });
    expect(await queue({ deadLetterQueueUrl: DLQ }).stats()).toEqual({
      queued: 9,
      inFlight: 3,
      deadLettered: 4,
    });
    expect(sqs.commandCalls(GetQueueAttributesCommand).map((c) => c.args[0].input)).toEqual([
      {
        QueueUrl: QUEUE,
        AttributeNames: [
          'ApproximateNumberOfMessages',
          'ApproximateNumberOfMessagesDelayed',
          'ApproximateNumberOfMessagesNotVisible',
        ],
      },
      { QueueUrl: DLQ, AttributeNames: ['ApproximateNumberOfMessages'] },
    ]);
  });

  it('stats without a dead-letter queue URL asks only the queue and reports 0 dead letters', async () => {
    sqs.on(GetQueueAttributesCommand).resolves({ Attributes: { ApproximateNumberOfMessages: '1' } });
    expect(await queue().stats()).toEqual({ queued: 1, inFlight: 0, deadLettered: 0 });
    expect(sqs.commandCalls(GetQueueAttributesCommand)).toHaveLength(1);
  });

  it('deadLetters reads nothing and returns []', async () => {
    expect(await queue().deadLetters(10)).toEqual([]);
    expect(sqs.calls()).toHaveLength(0);
  });
});

describe('jobFromSqsRecord', () => {
  const record = {
    messageId: '059f36b4-87a3-44ab-83d2-661975830a7d',
    receiptHandle: 'AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a',
    body: '{"documentId":"doc-1"}',
    attributes: {
      ApproximateReceiveCount: '2',
      SentTimestamp: '1545082649183',
      SenderId: 'AIDAIENQZJOLO23YVJ4VO',
      ApproximateFirstReceiveTimestamp: '1545082649185',
    },
    messageAttributes: {
      type: { stringValue: 'ingest', stringListValues: [], binaryListValues: [], dataType: 'String' },
    },
    md5OfBody: 'e4e68fb7bd0e697a0ae8f1bb342846b3',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:eu-west-1:111122223333:engify-jobs',
    awsRegion: 'eu-west-1',
  };

  it('maps a Lambda SQS event record to the received job', () => {
    expect(jobFromSqsRecord(record)).toEqual({
      id: '059f36b4-87a3-44ab-83d2-661975830a7d',
      type: 'ingest',
      payload: { documentId: 'doc-1' },
      attempt: 2,
      receipt: 'AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a',
    });
  });

  it('refuses a record without a type attribute', () => {
    expect(() => jobFromSqsRecord({ ...record, messageAttributes: {} })).toThrow(
      /no "type" message attribute/,
    );
  });

  it('and what it maps can be failed through the queue (ChangeMessageVisibility on its receipt)', async () => {
    sqs.on(ChangeMessageVisibilityCommand).resolves({});
    await queue({ backoffBaseMs: 10_000 }).fail(jobFromSqsRecord(record), 'boom');
    expect(sqs.commandCalls(ChangeMessageVisibilityCommand)[0]!.args[0].input).toEqual({
      QueueUrl: QUEUE,
      ReceiptHandle: 'AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a',
      VisibilityTimeout: 15, // attempt 2: three quarters of 20 s
    });
  });
});
