import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FsBlobStore, assertBlobKey } from '../../src/adapters/fs/blob-store.js';
import { INVALID_KEYS, blobStoreContract } from './blob-store.contract.js';

const tempDir = () => mkdtemp(join(tmpdir(), 'engify-blobs-'));

blobStoreContract('fs', async () => {
  const dir = await tempDir();
  return {
    store: new FsBlobStore(join(dir, 'blobs')),
    other: new FsBlobStore(join(dir, 'other')),
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
});

/** Every file below `dir`, as paths relative to it. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort();
}

describe('FsBlobStore specifics', () => {
  let dir: string;
  let root: string;
  beforeEach(async () => {
    dir = await tempDir();
    root = join(dir, 'blobs');
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('keeps a blob at <root>/<key>, with no temporary files left behind', async () => {
    const store = new FsBlobStore(root);
    await store.put('docs/d-1/original.txt', new TextEncoder().encode('hello'), 'text/plain');
    await Promise.all(
      Array.from({ length: 5 }, (_, i) => store.put('docs/d-1/original.txt', Uint8Array.of(i), 'text/plain')),
    );
    expect(await filesUnder(root)).toEqual(['docs/d-1/original.txt']);
    await store.put('docs/d-2', Uint8Array.of(1), 'text/plain');
    await store.delete('docs/d-1/original.txt');
    expect(await filesUnder(root)).toEqual(['docs/d-2']);
  });

  it('reads a file placed under the root by other means (the layout is the key)', async () => {
    const store = new FsBlobStore(root);
    await store.put('seed/a', Uint8Array.of(0), 'text/plain');
    await writeFile(join(root, 'seed', 'b'), 'outside');
    expect(new TextDecoder().decode((await store.get('seed/b'))!)).toBe('outside');
  });

  it('never touches anything outside the root', async () => {
    const secret = join(dir, 'secret.txt');
    await writeFile(secret, 'keep me');
    const store = new FsBlobStore(root);
    for (const key of ['../secret.txt', 'a/../../secret.txt', secret]) {
      await expect(store.get(key)).rejects.toThrow(RangeError);
      await expect(store.put(key, Uint8Array.of(1), 'text/plain')).rejects.toThrow(RangeError);
      await expect(store.delete(key)).rejects.toThrow(RangeError);
    }
    expect(await readFile(secret, 'utf8')).toBe('keep me');
  });

  it('a reader racing writers sees a whole old or whole new blob, never a partial one', async () => {
    const store = new FsBlobStore(root);
    const size = 512 * 1024;
    await store.put('hot', new Uint8Array(size).fill(1), 'application/octet-stream');
    const writes = Array.from({ length: 6 }, (_, i) =>
      store.put('hot', new Uint8Array(size).fill(i + 2), 'application/octet-stream'),
    );
    const reads = Array.from({ length: 30 }, () => store.get('hot'));
    const [, seen] = await Promise.all([Promise.all(writes), Promise.all(reads)]);
    for (const got of seen) {
      expect(got).toHaveLength(size);
      expect(new Set(got).size).toBe(1);
    }
  });

  it('assertBlobKey names the problem', () => {
    expect(() => assertBlobKey('../x')).toThrow(/"\.\." segments/);
    expect(() => assertBlobKey('/x')).toThrow(/absolute/);
    expect(() => assertBlobKey('a b')).toThrow(/only A-Z/);
    for (const key of INVALID_KEYS) expect(() => assertBlobKey(key), key).toThrow(RangeError);
    expect(() => assertBlobKey('uploads/2025/doc-1.v2_final.pdf')).not.toThrow();
  });
});
