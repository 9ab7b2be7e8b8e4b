// Blobs as objects in one S3 bucket, optionally below a key prefix. The client is injected, so the
// runtime chooses region and credentials and tests point it at a local S3 (endpoint + forcePathStyle).
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { BlobStore } from '../../ports/blob-store.js';
import { assertBlobKey } from '../fs/blob-store.js';

export interface S3BlobStoreOptions {
  client: S3Client;
  bucket: string;
  /** Prepended to every key, e.g. "uploads" → "uploads/<key>". Surrounding slashes are ignored. */
  prefix?: string;
}

/**
 * Keys follow the same rules as FsBlobStore (assertBlobKey). `get` relies on S3 answering NoSuchKey
 * for a missing object, which it does only when the caller may s3:ListBucket; without that
 * permission S3 answers AccessDenied and `get` throws instead of returning null.
 */
export class S3BlobStore implements BlobStore {
  readonly kind = 's3' as const;
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly prefix: string;

  constructor(options: S3BlobStoreOptions) {
    this.client = options.client;
    this.bucket = options.bucket;
    const prefix = (options.prefix ?? '').replace(/^\/+|\/+$/g, '');
    this.prefix = prefix ? `${prefix}/` : '';
  }

  async put(key: string, body: Uint8Array, contentType: string): Promise<void> {
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: this.objectKey(key),
        Body: body,
        ContentType: contentType,
        ContentLength: body.byteLength,
      }),
    );
  }

  async get(key: string): Promise<Uint8Array | null> {
    try {
      const out = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }),
      );
      if (!out.Body) return new Uint8Array(0);
      return await out.Body.transformToByteArray();
    } catch (err) {
      if ((err as { name?: unknown } | undefined)?.name === 'NoSuchKey') return null;
      throw err;
    }
  }

  /** S3 deletes are idempotent: deleting a missing object succeeds. */
  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }));
  }

  private objectKey(key: string): string {
    assertBlobKey(key);
    return this.prefix + key;
  }
}
