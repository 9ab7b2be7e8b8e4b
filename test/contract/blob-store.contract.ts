import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BlobStore } from '../../src/ports/blob-store.js';

export interface BlobStoreHarness {
  store: BlobStore;
  /** A second store, isolated from `store` (another root or prefix) but on the same backend. */
  other: BlobStore;
  dispose(): Promise<void>;
}

const bytes = (...values: number[]) => Uint8Array.from(values);
/** Compares contents whatever the Uint8Array subclass. */
const same = (a: Uint8Array | null, b: Uint8Array) =>
  a !== null && Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;

export const INVALID_KEYS = [
  '',
  '/abs/path',
  '../escape',
  'a/../../escape',
  '..',
  '.',
  'a/./b',
  'a//b',
  'trailing/',
  'with space',
  'back\\slash',
  'ümlaut',
  'colon:x',
  'nul\0byte',
  'x'.repeat(1025),
];

/** The BlobStore contract: every adapter must pass it. */
export function blobStoreContract(name: string, create: () => Promise<BlobStoreHarness>): void {
  describe(`BlobStore contract: ${name}`, () => {
    let h: BlobStoreHarness;
    beforeEach(async () => {
      h = await create();
    });
    afterEach(() => h.dispose());

    it('returns what was put, byte for byte, as a Uint8Array', async () => {
      const body = bytes(0, 1, 2, 0xfe, 0xff, 0, 10, 13);
      await h.store.put('docs/d-1/original.pdf', body, 'application/pdf');
      const got = await h.store.get('docs/d-1/original.pdf');
      expect(got).toBeInstanceOf(Uint8Array);
      expect(same(got, body)).toBe(true);
      expect(['fs', 's3']).toContain(h.store.kind);
    });

    it('round-trips an empty body and a larger random one', async () => {
      const big = new Uint8Array(randomBytes(1024 * 1024 + 7));
      await h.store.put('empty', new Uint8Array(0), 'application/octet-stream');
      await h.store.put('big.bin', big, 'application/octet-stream');
      expect(await h.store.get('empty')).toHaveLength(0);
      expect(same(await h.store.get('big.bin'), big)).toBe(true);
    });

    it('answers null for a key that was never put', async () => {
      expect(await h.store.get('never/put.txt')).toBeNull();
      await h.store.put('dir/file.txt', bytes(1), 'text/plain');
      expect(await h.store.get('dir/file')).toBeNull();
      expect(await h.store.get('dir/file.txt/below')).toBeNull();
    });

    it('overwrites on a second put', async () => {
      await h.store.put('k.txt', bytes(1, 2, 3, 4, 5), 'text/plain');
      await h.store.put('k.txt', bytes(9), 'text/plain');
      expect(same(await h.store.get('k.txt'), bytes(9))).toBe(true);
    });

    it('keeps keys apart, including ones that share a prefix', async () => {
      const keys = ['a/b', 'a/b.txt', 'a/bc', 'A/b', 'x_y-z.v1/Ok.9'];
      for (const [i, key] of keys.entries()) await h.store.put(key, bytes(i), 'text/plain');
      for (const [i, key] of keys.entries()) expect(same(await h.store.get(key), bytes(i))).toBe(true);
    });

    it('deletes, and deleting a missing key is not an error', async () => {
      await h.store.put('gone/soon', bytes(7), 'text/plain');
      await h.store.put('gone/stays', bytes(8), 'text/plain');
      await h.store.delete('gone/soon');
      expect(await h.store.get('gone/soon')).toBeNull();
      expect(same(await h.store.get('gone/stays'), bytes(8))).toBe(true);
      await h.store.delete('gone/soon');
      await h.store.delete('never/existed');
    });

    it('refuses keys that are absolute, climb out, have empty or dot segments, or odd characters', async () => {
      for (const key of INVALID_KEYS) {
        await expect(h.store.put(key, bytes(1), 'text/plain'), key).rejects.toThrow(/Invalid blob key/);
        await expect(h.store.get(key), key).rejects.toThrow(/Invalid blob key/);
        await expect(h.store.delete(key), key).rejects.toThrow(/Invalid blob key/);
      }
      // Dots inside a segment are fine.
      await h.store.put('..hidden/file..name.', bytes(3), 'text/plain');
      expect(same(await h.store.get('..hidden/file..name.'), bytes(3))).toBe(true);
    });

    it('concurrent puts to one key leave exactly one of the bodies, never a mix', async () => {
      const size = 256 * 1024;
      const bodies = Array.from({ length: 8 }, (_, i) => new Uint8Array(size).fill(i + 1));
      await Promise.all(bodies.map((b) => h.store.put('race/key', b, 'application/octet-stream')));
      const got = await h.store.get('race/key');
      expect(got).toHaveLength(size);
      expect(new Set(got).size).toBe(1);
    });

    it('stores do not see each other', async () => {
      await h.store.put('shared/name', bytes(1), 'text/plain');
      expect(await h.other.get('shared/name')).toBeNull();
      await h.other.put('shared/name', bytes(2), 'text/plain');
      await h.other.delete('shared/name');
      expect(same(await h.store.get('shared/name'), bytes(1))).toBe(true);
    });
  });
}
