import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../config.js';
import { recordingLogger } from '../../../test/helpers/recording-logger.js';
import { FakeKms } from '../../../test/fakes/kms.js';
import { KEYRING_FILE, LocalKeyVault, createKeyVault } from './index.js';
import { KmsKeyVault } from './kms-vault.js';

const key = () => randomBytes(32).toString('base64');

function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('key vault configuration', () => {
  it('defaults to the key file in DATA_DIR', () => {
    expect(loadConfig({}).keyVault).toEqual({ kind: 'file' });
  });

  it('reads ENGIFY_MASTER_KEY and ENGIFY_MASTER_KEYS_PREVIOUS as 32-byte keys', () => {
    const [current, p1, p2] = [key(), key(), key()];
    const config = loadConfig({ ENGIFY_MASTER_KEY: current, ENGIFY_MASTER_KEYS_PREVIOUS: ` ${p1}, ${p2} ,` });
    expect(config.keyVault).toEqual({
      kind: 'env',
      masterKey: Buffer.from(current, 'base64'),
      previousMasterKeys: [Buffer.from(p1, 'base64'), Buffer.from(p2, 'base64')],
    });
  });

  it('uses KMS when KMS_KEY_ID is set', () => {
    expect(loadConfig({ KMS_KEY_ID: 'alias/engify' }).keyVault).toEqual({
      kind: 'kms',
      kmsKeyId: 'alias/engify',
    });
  });

  it('names a bad key without echoing it', () => {
    const short = randomBytes(16).toString('base64');
    const notBase64 = 'this is not base64 at all, but it is secret!!';
    const err = configError({
      ENGIFY_MASTER_KEY: short,
      ENGIFY_MASTER_KEYS_PREVIOUS: `${key()},${notBase64}`,
    });
    expect(err.problems).toEqual([
      expect.stringMatching(/^ENGIFY_MASTER_KEY=<redacted>: must be base64 of exactly 32 random bytes/),
      expect.stringMatching(/^ENGIFY_MASTER_KEYS_PREVIOUS=<redacted>: comma-separated keys, each must be/),
    ]);
    expect(err.message).not.toContain(short);
    expect(err.message).not.toContain('secret!!');
    // 33 bytes, and base64url, are refused too.
    expect(() => loadConfig({ ENGIFY_MASTER_KEY: randomBytes(33).toString('base64') })).toThrow(
      /ENGIFY_MASTER_KEY=<redacted>/,
    );
    expect(() => loadConfig({ ENGIFY_MASTER_KEY: '_'.repeat(43) + '=' })).toThrow(/ENGIFY_MASTER_KEY/);
  });

  it('refuses previous keys without a current one, and KMS together with env keys', () => {
    expect(configError({ ENGIFY_MASTER_KEYS_PREVIOUS: key() }).problems).toEqual([
      expect.stringMatching(/^ENGIFY_MASTER_KEYS_PREVIOUS: requires ENGIFY_MASTER_KEY/),
    ]);
    expect(configError({ KMS_KEY_ID: 'alias/x', ENGIFY_MASTER_KEY: key() }).problems).toEqual([
      expect.stringMatching(/^KMS_KEY_ID: set either KMS_KEY_ID or ENGIFY_MASTER_KEY/),
    ]);
  });

  it('production refuses the generated key file: it needs ENGIFY_MASTER_KEY or KMS_KEY_ID', () => {
    const prod = { NODE_ENV: 'production', PUBLIC_URL: 'https://engify.example.com' };
    expect(configError(prod).problems).toEqual([
      expect.stringMatching(/^ENGIFY_MASTER_KEY or KMS_KEY_ID: production needs one/),
    ]);
    expect(loadConfig({ ...prod, ENGIFY_MASTER_KEY: key() }).keyVault.kind).toBe('env');
    expect(loadConfig({ ...prod, KMS_KEY_ID: 'alias/engify' }).keyVault.kind).toBe('kms');
  });
});

describe('createKeyVault', () => {
  it('builds the vault the config names', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'engify-vault-factory-'));
    try {
      const logger = recordingLogger();
      const fileVault = createKeyVault(loadConfig({ DATA_DIR: dir }), logger);
      expect(fileVault).toBeInstanceOf(LocalKeyVault);
      expect(existsSync(join(dir, KEYRING_FILE))).toBe(true);
      expect(logger.entries.some((e) => e.level === 'warn' && e.msg.includes(join(dir, KEYRING_FILE)))).toBe(
        true,
      );

      const current = randomBytes(32);
      const envVault = createKeyVault(loadConfig({ ENGIFY_MASTER_KEY: current.toString('base64') }), logger);
      expect(await envVault.currentMasterKeyId()).toMatch(/^env-[0-9a-f]{8}$/);

      const kms = new FakeKms();
      const arn = kms.createKey();
      const kmsVault = createKeyVault(loadConfig({ KMS_KEY_ID: arn }), logger, {
        kmsClient: kms.client,
      });
      expect(kmsVault).toBeInstanceOf(KmsKeyVault);
      expect(await kmsVault.currentMasterKeyId()).toBe(arn);
      kms.mock.restore();

      expect(() =>
        createKeyVault({ env: 'production', dataDir: dir, keyVault: { kind: 'file' } }, logger),
      ).toThrow(ConfigError);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
