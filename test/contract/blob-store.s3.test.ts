// The BlobStore contract against S3BlobStore talking to a real S3 implementation (s3rver) on
// 127.0.0.1, through the AWS SDK as in production (path-style addressing, signed requests).
import { createRequire } from 'node:module';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3BlobStore } from '../../src/adapters/aws/s3-blob-store.js';
import { blobStoreContract } from './blob-store.contract.js';

/** The part of s3rver 3.7's API used here (the package ships no types). */
interface S3rverServer {
  run(): Promise<{ address: string; port: number }>;
  close(): Promise<void>;
}
type S3rverClass = new (options: {
  address: string;
  port: number;
  silent: boolean;
  directory: string;
  configureBuckets: { name: string }[];
}) => S3rverServer;
const S3rver = createRequire(import.meta.url)('s3rver') as S3rverClass;

const BUCKET = 'engify-blobs';
let dir: string;
let server: S3rverServer;
let client: S3Client;
let run = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'engify-s3rver-'));
  server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory: dir,
    configureBuckets: [{ name: BUCKET }],
  });
  const { port } = await server.run();
  client = new S3Client({
    region: 'us-east-1',
    endpoint: `http://127.0.0.1:${port}`,
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' }, // s3rver's fixed key pair
  });
});
afterAll(async () => {
  client?.destroy();
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

// Each test gets fresh prefixes in the one bucket, so tests cannot see each other's objects.
blobStoreContract('s3 (s3rver)', async () => {
  run++;
  return {
    store: new S3BlobStore({ client, bucket: BUCKET, prefix: `run-${run}/a` }),
    other: new S3BlobStore({ client, bucket: BUCKET, prefix: `run-${run}/b` }),
    dispose: async () => {},
  };
});

describe('S3BlobStore specifics', () => {
  it('writes objects under the prefix with the given content type', async () => {
    const store = new S3BlobStore({ client, bucket: BUCKET, prefix: '/uploads/' });
    await store.put('docs/d-1.md', new TextEncoder().encode('# Title'), 'text/markdown');
    const head = await client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'uploads/docs/d-1.md' }));
    expect(head.ContentType).toBe('text/markdown');
    expect(head.ContentLength).toBe(7);
    const raw = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'uploads/docs/d-1.md' }));
    expect(await raw.Body!.transformToString()).toBe('# Title');
  });

  it('without a prefix the key is the object key', async () => {
    const store = new S3BlobStore({ client, bucket: BUCKET });
    await store.put('top-level.bin', Uint8Array.of(1, 2), 'application/octet-stream');
    const head = await client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'top-level.bin' }));
    expect(head.ContentLength).toBe(2);
  });

  it('passes on errors other than a missing key', async () => {
    const store = new S3BlobStore({ client, bucket: 'no-such-bucket' });
    await expect(store.get('k')).rejects.toMatchObject({ name: 'NoSuchBucket' });
    await expect(store.put('k', Uint8Array.of(1), 'text/plain')).rejects.toMatchObject({
      name: 'NoSuchBucket',
    });
  });
});
