// Blobs as files under one root directory (DATA_DIR/blobs locally). A blob's key is its path below
// the root, so keys are checked strictly before they touch the file system.
import { randomUUID } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, unlink } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import type { BlobStore } from '../../ports/blob-store.js';

const KEY_CHARS = /^[A-Za-z0-9/_.-]+$/;
const MAX_KEY_LENGTH = 1024;

/**
 * Throws a RangeError unless `key` is a relative, slash-separated path of segments made of
 * [A-Za-z0-9_.-], none empty, "." or "..". Keys are chosen by our code, so a bad one is a bug.
 * Shared by every BlobStore adapter so a key valid on one is valid on all.
 */
export function assertBlobKey(key: string): void {
  const refuse = (why: string): never => {
    throw new RangeError(`Invalid blob key ${JSON.stringify(key.slice(0, 100))}: ${why}`);
  };
  if (typeof key !== 'string' || key.length === 0) refuse('empty');
  if (key.length > MAX_KEY_LENGTH) refuse(`longer than ${MAX_KEY_LENGTH} characters`);
  if (!KEY_CHARS.test(key)) refuse('only A-Z a-z 0-9 / _ . - are allowed');
  for (const segment of key.split('/')) {
    if (segment === '') refuse('absolute, or with an empty segment');
    if (segment === '.' || segment === '..') refuse('"." and ".." segments are not allowed');
  }
}

const missing = (err: unknown) => {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  // ENOTDIR: a parent is a file; EISDIR: the key names a directory (a prefix of other keys).
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR';
};

/**
 * Writes go to a temporary file beside the target (its name has a "~", which no key may contain),
 * are flushed, then renamed over it, so readers see the old or the new blob, never part of one.
 * The content type is not kept: `get` returns bytes only. One limit of a file tree: a key cannot
 * also be a "directory" of other keys ("a" and "a/b" cannot both exist).
 */
export class FsBlobStore implements BlobStore {
  readonly kind = 'fs' as const;
  private readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  async put(key: string, body: Uint8Array, _contentType: string): Promise<void> {
    const file = this.pathOf(key);
    await mkdir(dirname(file), { recursive: true });
    const temp = `${file}.~${randomUUID()}`;
    try {
      const handle = await open(temp, 'wx', 0o600);
      try {
        await handle.writeFile(body);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, file);
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
  }

  async get(key: string): Promise<Uint8Array | null> {
    try {
      const data = await readFile(this.pathOf(key));
      return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    } catch (err) {
      if (missing(err)) return null;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    try {
      await unlink(this.pathOf(key));
    } catch (err) {
      if (!missing(err)) throw err;
    }
  }

  private pathOf(key: string): string {
    assertBlobKey(key);
    const file = join(this.root, ...key.split('/'));
    // Belt and braces: the checks above already keep every key below the root.
    if (!file.startsWith(this.root + sep)) throw new RangeError(`Blob key escapes the store: ${key}`);
    return file;
  }
}
