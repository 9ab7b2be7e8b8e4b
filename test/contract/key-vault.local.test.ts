import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  KEYRING_FILE,
  LocalKeyVault,
  addMasterKeyToFile,
  readKeyringFile,
  removeMasterKeysFromFile,
} from '../../src/adapters/vault/local-vault.js';
import { CachingKeyVault } from '../../src/adapters/vault/caching-vault.js';
import { VaultError, type SecretContext } from '../../src/ports/key-vault.js';
import { recordingLogger } from '../helpers/recording-logger.js';
import { keyVaultContract } from './key-vault.contract.js';

const tempDir = () => mkdtemp(join(tmpdir(), 'engify-vault-'));
const ctx: SecretContext = { userId: 'u1', keyId: 'k1', provider: 'openai' };

keyVaultContract('local (ENGIFY_MASTER_KEY)', async () => {
  const first = randomBytes(32);
  return {
    vault: LocalKeyVault.fromKeys(first),
    rotate: async () => LocalKeyVault.fromKeys(randomBytes(32), [first]),
    dispose: async () => {},
  };
});

// What the server runs: the vault behind the short-lived cache of opened secrets (services.ts). Opens
// after tampering, moving or rotation must still go to the vault and fail or succeed as it decides.
keyVaultContract('local (ENGIFY_MASTER_KEY) behind CachingKeyVault', async () => {
  const first = randomBytes(32);
  const cached = (inner: LocalKeyVault) => new CachingKeyVault(inner, { ttlMs: 60_000, maxEntries: 100 });
  return {
    vault: cached(LocalKeyVault.fromKeys(first)),
    rotate: async () => cached(LocalKeyVault.fromKeys(randomBytes(32), [first])),
    dispose: async () => {},
  };
});

keyVaultContract('local (keyring file)', async () => {
  const dir = await tempDir();
  const file = join(dir, KEYRING_FILE);
  const vault = LocalKeyVault.fromKeyFile(file, recordingLogger());
  return {
    vault,
    // The same instance: it must notice the rotated file by itself.
    rotate: async () => {
      addMasterKeyToFile(file);
      return vault;
    },
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
});

describe('LocalKeyVault keyring file', () => {
  let dir: string;
  let file: string;
  beforeEach(async () => {
    dir = await tempDir();
    file = join(dir, 'nested', KEYRING_FILE);
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('generates a 0600 key file on first start, with a warning saying where and to back it up', async () => {
    const logger = recordingLogger();
    const vault = LocalKeyVault.fromKeyFile(file, logger);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const ring = readKeyringFile(file)!;
    expect(ring.keys.size).toBe(1);
    expect(ring.current).toMatch(/^local-[0-9a-f]{8}$/);
    expect(await vault.currentMasterKeyId()).toBe(ring.current);
    const json = JSON.parse(readFileSync(file, 'utf8')) as { current: string; keys: Record<string, string> };
    expect(Object.keys(json)).toEqual(['current', 'keys']);
    expect(Buffer.from(json.keys[json.current]!, 'base64')).toHaveLength(32);

    const warnings = logger.entries.filter((e) => e.level === 'warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.msg).toContain(file);
    expect(warnings[0]!.msg).toMatch(/back it up/i);
    expect(warnings[0]!.msg).toMatch(/ENGIFY_MASTER_KEY or KMS_KEY_ID/);
    expect(JSON.stringify(logger.entries)).not.toContain(json.keys[json.current]);
  });

  it('persists: a second instance (a restart) opens what the first sealed, without a new warning', async () => {
    const first = LocalKeyVault.fromKeyFile(file, recordingLogger());
    const sealed = await first.seal('sk-persist', ctx);
    const logger = recordingLogger();
    const second = LocalKeyVault.fromKeyFile(file, logger);
    expect(await second.currentMasterKeyId()).toBe(sealed.masterKeyId);
    expect(await second.open(sealed, ctx)).toBe('sk-persist');
    expect(logger.entries.filter((e) => e.level === 'warn')).toHaveLength(0);
  });

  it('refuses to start with a key file group or others can read, saying how to fix it', async () => {
    LocalKeyVault.fromKeyFile(file, recordingLogger());
    const key = Object.values(
      (JSON.parse(readFileSync(file, 'utf8')) as { keys: Record<string, string> }).keys,
    )[0]!;
    for (const mode of [0o644, 0o640, 0o604, 0o660]) {
      chmodSync(file, mode);
      let err: unknown;
      try {
        LocalKeyVault.fromKeyFile(file, recordingLogger());
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(VaultError);
      const message = (err as Error).message;
      expect(message).toContain(file);
      expect(message).toContain(`chmod 600 ${file}`);
      expect(message).toContain(mode.toString(8));
      expect(message).not.toContain(key);
    }
  });

  it('refuses a malformed key file without echoing key material', async () => {
    const bad = randomBytes(16).toString('base64'); // 16 bytes: too short
    const flat = join(dir, KEYRING_FILE);
    writeFileSync(flat, JSON.stringify({ current: 'a', keys: { a: bad } }), { mode: 0o600 });
    expect(() => LocalKeyVault.fromKeyFile(flat, recordingLogger())).toThrow(/is invalid: key "a"/);
    expect(() => LocalKeyVault.fromKeyFile(flat, recordingLogger())).not.toThrow(bad);
    writeFileSync(flat, JSON.stringify({ current: 'b', keys: {} }), { mode: 0o600 });
    expect(() => LocalKeyVault.fromKeyFile(flat, recordingLogger())).toThrow(
      /current key "b" is not in keys/,
    );
    writeFileSync(flat, 'nope', { mode: 0o600 });
    expect(() => LocalKeyVault.fromKeyFile(flat, recordingLogger())).toThrow(/not JSON/);
  });

  it('a running instance follows a rotation: re-reads the file on an unknown id, seals under the new key', async () => {
    const running = LocalKeyVault.fromKeyFile(file, recordingLogger());
    const old = await running.seal('sk-before', ctx);

    const newId = addMasterKeyToFile(file);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const rotator = LocalKeyVault.fromKeyFile(file, recordingLogger());
    const rewrapped = await rotator.rewrap(old, ctx);
    expect(rewrapped.masterKeyId).toBe(newId);
    expect(removeMasterKeysFromFile(file, [old.masterKeyId])).toEqual([old.masterKeyId]);
    expect([...readKeyringFile(file)!.keys.keys()]).toEqual([newId]);

    expect(await running.open(rewrapped, ctx)).toBe('sk-before');
    expect((await running.seal('sk-after', ctx)).masterKeyId).toBe(newId);
    expect(await running.currentMasterKeyId()).toBe(newId);
  });

  it('fails with unknown_master_key (after re-reading the file) for a key it does not have', async () => {
    const vault = LocalKeyVault.fromKeyFile(file, recordingLogger());
    const stranger = LocalKeyVault.fromKeys(randomBytes(32));
    const sealed = await stranger.seal('sk-elsewhere', ctx);
    const err = await vault.open(sealed, ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VaultError);
    expect((err as VaultError).code).toBe('unknown_master_key');
    expect((err as VaultError).message).toContain(sealed.masterKeyId);
  });

  it('never writes a group/world-readable file when rotating, even under a permissive umask', async () => {
    const previous = process.umask(0o000);
    try {
      LocalKeyVault.fromKeyFile(file, recordingLogger());
      addMasterKeyToFile(file);
      expect(statSync(file).mode & 0o777).toBe(0o600);
    } finally {
      process.umask(previous);
    }
  });
});

describe('LocalKeyVault env keys', () => {
  it('names keys env-<first 8 hex of SHA-256> and accepts previous keys for opening', async () => {
    const oldKey = randomBytes(32);
    const newKey = randomBytes(32);
    const before = LocalKeyVault.fromKeys(oldKey);
    const sealed = await before.seal('sk-env', ctx);
    expect(sealed.masterKeyId).toBe(`env-${createHash('sha256').update(oldKey).digest('hex').slice(0, 8)}`);

    const after = LocalKeyVault.fromKeys(newKey, [oldKey]);
    expect(await after.open(sealed, ctx)).toBe('sk-env');
    expect((await after.rewrap(sealed, ctx)).masterKeyId).toBe(
      `env-${createHash('sha256').update(newKey).digest('hex').slice(0, 8)}`,
    );
    await expect(LocalKeyVault.fromKeys(newKey).open(sealed, ctx)).rejects.toMatchObject({
      code: 'unknown_master_key',
    });
  });

  it('opens values sealed under the key file once that key is given as ENGIFY_MASTER_KEY(S_PREVIOUS)', async () => {
    const dir = await tempDir();
    try {
      const file = join(dir, KEYRING_FILE);
      const fromFile = LocalKeyVault.fromKeyFile(file, recordingLogger());
      const sealed = await fromFile.seal('sk-moving', ctx);
      const fileKey = readKeyringFile(file)!.keys.get(sealed.masterKeyId)!;
      expect(await LocalKeyVault.fromKeys(fileKey).open(sealed, ctx)).toBe('sk-moving');
      expect(await LocalKeyVault.fromKeys(randomBytes(32), [fileKey]).open(sealed, ctx)).toBe('sk-moving');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
