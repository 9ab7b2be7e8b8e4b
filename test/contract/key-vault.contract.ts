import { readFile, readdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/adapters/sqlite/database.js';
import { SqliteProviderKeyStore } from '../../src/adapters/sqlite/provider-key-store.js';
import {
  VaultError,
  type KeyVault,
  type SealedSecret,
  type SecretContext,
} from '../../src/ports/key-vault.js';

export interface VaultHarness {
  vault: KeyVault;
  /**
   * Makes a new master key current. Returns a vault (the same instance or a new one) that seals and
   * rewraps under it and still opens values sealed under the previous key.
   */
  rotate(): Promise<KeyVault>;
  dispose(): Promise<void>;
}

/** Flips one bit of the decoded base64 field at byte `index` (negative counts from the end). */
export function flipBit(value: string, index: number, bit = 0): string {
  const bytes = Buffer.from(value, 'base64');
  const i = index < 0 ? bytes.length + index : index;
  bytes[i] = bytes[i]! ^ (1 << bit);
  return bytes.toString('base64');
}

/** Inserts a users row directly (columns from migrations.ts), as provider_keys references users. */
export function insertUser(db: ReturnType<typeof openDatabase>, id: string): void {
  const now = new Date().toISOString();
  db.prepare(
    `INSERT INTO users (id, email, name, password_hash, role, tier, created_at, updated_at)
     VALUES (?, ?, NULL, NULL, 'user', 'free', ?, ?)`,
  ).run(id, `${id}@example.com`, now, now);
}

const ctx: SecretContext = { userId: 'user-1', keyId: 'key-1', provider: 'openai' };

async function expectVaultError(promise: Promise<unknown>, codes: string[] = ['decrypt_failed']) {
  const err = await promise.then(
    () => {
      throw new Error('expected the vault to refuse');
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(VaultError);
  expect(codes).toContain((err as VaultError).code);
  return err as VaultError;
}

/**
 * Behaviour every KeyVault adapter must have. Run it from a test file per adapter:
 * `keyVaultContract('local (env keys)', async () => ({ vault, rotate, dispose }))`.
 */
export function keyVaultContract(name: string, open: () => Promise<VaultHarness>): void {
  describe(`KeyVault contract: ${name}`, () => {
    let harness: VaultHarness;
    let vault: KeyVault;

    beforeEach(async () => {
      harness = await open();
      vault = harness.vault;
    });
    afterEach(async () => harness.dispose());

    it('round-trips secrets, including empty, long and non-ASCII ones', async () => {
      for (const secret of ['sk-proj-abc123', '', 'ключ-🔑-キー', 'x'.repeat(10_000)]) {
        expect(await vault.open(await vault.seal(secret, ctx), ctx)).toBe(secret);
      }
    });

    it('produces an A256GCM envelope under the current master key, without the plaintext', async () => {
      const secret = 'sk-ant-api03-SHAPE-CHECK-0123456789';
      const sealed = await vault.seal(secret, ctx);
      expect(sealed.alg).toBe('A256GCM');
      expect(Buffer.from(sealed.iv, 'base64')).toHaveLength(12);
      expect(Buffer.from(sealed.ciphertext, 'base64')).toHaveLength(Buffer.byteLength(secret) + 16);
      expect(sealed.wrappedKey.length).toBeGreaterThan(0);
      expect(sealed.masterKeyId).toBe(await vault.currentMasterKeyId());
      const json = JSON.stringify(sealed);
      expect(json).not.toContain(secret);
      expect(json).not.toContain(Buffer.from(secret).toString('base64'));
    });

    it('uses a fresh IV and data key for every seal of the same plaintext', async () => {
      const sealed = await Promise.all(Array.from({ length: 5 }, () => vault.seal('sk-same', ctx)));
      for (const field of ['iv', 'ciphertext', 'wrappedKey'] as const) {
        expect(new Set(sealed.map((s) => s[field])).size).toBe(5);
      }
    });

    it('refuses a sealed value moved to another user, key row or provider', async () => {
      const sealed = await vault.seal('sk-moved', ctx);
      for (const moved of [
        { ...ctx, userId: 'user-2' },
        { ...ctx, keyId: 'key-2' },
        { ...ctx, provider: 'anthropic' },
      ]) {
        await expectVaultError(vault.open(sealed, moved));
      }
      expect(await vault.open(sealed, ctx)).toBe('sk-moved'); // a warm cache must not change that
      await expectVaultError(vault.open(sealed, { ...ctx, userId: 'user-2' }));
    });

    it('refuses flipped bits in the ciphertext, tag, IV and wrapped key', async () => {
      const secret = 'sk-tamper-0123456789';
      const sealed = await vault.seal(secret, ctx);
      expect(await vault.open(sealed, ctx)).toBe(secret); // warm any cache first
      const tampered: SealedSecret[] = [
        { ...sealed, ciphertext: flipBit(sealed.ciphertext, 0) },
        { ...sealed, ciphertext: flipBit(sealed.ciphertext, 7, 7) },
        { ...sealed, ciphertext: flipBit(sealed.ciphertext, -1) }, // GCM tag
        {
          ...sealed,
          ciphertext: Buffer.from(sealed.ciphertext, 'base64').subarray(0, 10).toString('base64'),
        },
        { ...sealed, iv: flipBit(sealed.iv, 0) },
        { ...sealed, iv: flipBit(sealed.iv, -1, 3) },
        { ...sealed, wrappedKey: flipBit(sealed.wrappedKey, 0) },
        { ...sealed, wrappedKey: flipBit(sealed.wrappedKey, 20) },
        { ...sealed, wrappedKey: flipBit(sealed.wrappedKey, -1, 5) },
        { ...sealed, wrappedKey: 'not base64!' },
      ];
      for (const t of tampered) {
        const err = await expectVaultError(vault.open(t, ctx), ['decrypt_failed', 'unknown_master_key']);
        expect(err.message).not.toContain(secret);
      }
    });

    it("refuses another secret's wrapped key and an altered master key id", async () => {
      const a = await vault.seal('sk-a', ctx);
      const b = await vault.seal('sk-b', ctx);
      await expectVaultError(vault.open({ ...a, wrappedKey: b.wrappedKey }, ctx));
      await expectVaultError(vault.open({ ...a, masterKeyId: `${a.masterKeyId}x` }, ctx), [
        'decrypt_failed',
        'unknown_master_key',
      ]);
    });

    it('rewraps under a new master key: same plaintext, same ciphertext, new masterKeyId', async () => {
      const secret = 'sk-rewrap-me';
      const sealed = await vault.seal(secret, ctx);
      const rotated = await harness.rotate();
      const current = await rotated.currentMasterKeyId();
      expect(current).not.toBe(sealed.masterKeyId);

      expect(await rotated.open(sealed, ctx)).toBe(secret); // old values still open
      const rewrapped = await rotated.rewrap(sealed, ctx);
      expect(rewrapped.masterKeyId).toBe(current);
      expect(rewrapped.iv).toBe(sealed.iv);
      expect(rewrapped.ciphertext).toBe(sealed.ciphertext);
      expect(rewrapped.wrappedKey).not.toBe(sealed.wrappedKey);
      expect(await rotated.open(rewrapped, ctx)).toBe(secret);
      expect((await rotated.seal('sk-new', ctx)).masterKeyId).toBe(current);

      await expectVaultError(rotated.open(rewrapped, { ...ctx, keyId: 'key-2' }));
      await expectVaultError(rotated.rewrap(sealed, { ...ctx, userId: 'user-2' }));
      await expectVaultError(rotated.rewrap({ ...sealed, wrappedKey: flipBit(sealed.wrappedKey, 20) }, ctx), [
        'decrypt_failed',
        'unknown_master_key',
      ]);
    });

    it('never writes the plaintext to the SQLite file (database, WAL or shared memory)', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'engify-vault-db-'));
      try {
        const db = openDatabase(join(dir, 'engify.db'));
        const store = new SqliteProviderKeyStore(db);
        insertUser(db, 'user-1');
        const secret = 'sk-DISTINCTIVE-plaintext-7f3a9c1e5b';
        const sealed = await vault.seal(secret, ctx);
        await store.create({
          id: 'key-1',
          userId: 'user-1',
          provider: 'openai',
          label: 'mine',
          baseURL: null,
          mask: 'sk-…5b',
          createdAt: new Date().toISOString(),
          lastUsedAt: null,
          sealed,
        });
        const stored = await store.get('user-1', 'key-1');
        expect(await vault.open(stored!.sealed, ctx)).toBe(secret);

        const needles = [secret, Buffer.from(secret).toString('base64'), Buffer.from(secret).toString('hex')];
        const scan = async () => {
          const files = (await readdir(dir)).filter((f) => f.startsWith('engify.db'));
          expect(files.some((f) => f.endsWith('-wal'))).toBe(db.open);
          for (const f of files) {
            const bytes = await readFile(join(dir, f));
            for (const needle of needles) expect(bytes.includes(Buffer.from(needle))).toBe(false);
            expect(bytes.includes(Buffer.from(secret, 'utf16le'))).toBe(false);
          }
        };
        await scan(); // while open: the row is in the WAL
        db.close();
        await scan(); // after the checkpoint into the main file
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });

    it('rejects contexts that cannot be encoded unambiguously', async () => {
      await expectVaultError(vault.seal('sk', { ...ctx, userId: 'a\0b' }), ['invalid_context']);
      await expectVaultError(vault.seal('sk', { ...ctx, keyId: '' }), ['invalid_context']);
    });
  });
}
