/** Uploaded files (local directory or S3). Keys are opaque, slash-separated, chosen by the caller. */
export interface BlobStore {
  readonly kind: 'fs' | 's3';
  put(key: string, body: Uint8Array, contentType: string): Promise<void>;
  /** Null when the key does not exist. */
  get(key: string): Promise<Uint8Array | null>;
  /** Deleting a missing key is not an error. */
  delete(key: string): Promise<void>;
}
