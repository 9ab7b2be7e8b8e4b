import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../src/adapters/sqlite/database.js';
import { SqliteProviderKeyStore } from '../src/adapters/sqlite/provider-key-store.js';
import { KEYRING_FILE, LocalKeyVault, readKeyringFile } from '../src/adapters/vault/local-vault.js';
import type { KeyVault } from '../src/ports/key-vault.js';
import { insertUser } from '../test/contract/key-vault.contract.js';
import { recordingLogger } from '../test/helpers/recording-logger.js';

const run = promisify(execFile);

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

describe('npm run keys:rotate', () => {
  let dataDir: string;
  let db: Db;
  let store: SqliteProviderKeyStore;

  const rotate = (env: Record<string, string> = {}): Promise<Outcome> =>
    run(process.execPath, ['--import', 'tsx', 'scripts/keys-rotate.ts'], {
      env: { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'silent', NODE_ENV: 'development', ...env },
    }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (err: { code: number; stdout: string; stderr: string }) => ({
        code: err.code,
        stdout: err.stdout,
        stderr: err.stderr,
      }),
    );

  const seed = async (vault: KeyVault, n: number) => {
    const secrets = new Map<string, string>();
    for (let i = 0; i < n; i++) {
      const id = `key-${i}`;
      const secret = `sk-script-${i}-${randomBytes(6).toString('hex')}`;
      secrets.set(id, secret);
      await store.create({
        id,
        userId: 'alice',
        provider: 'openai',
        label: null,
        baseURL: null,
        mask: '…',
        createdAt: new Date().toISOString(),
        lastUsedAt: null,
        sealed: await vault.seal(secret, { userId: 'alice', keyId: id, provider: 'openai' }),
      });
    }
    return secrets;
  };
  const rows = async () =>
    Promise.all((await store.list('alice')).map(async (k) => (await store.get('alice', k.id))!));

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'engify-keys-rotate-'));
    db = openDatabase(join(dataDir, 'engify.db'));
    store = new SqliteProviderKeyStore(db);
    insertUser(db, 'alice');
  });
  afterEach(async () => {
    db.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('key file: adds a new current key, rewraps every row, then drops the retired key', async () => {
    const file = join(dataDir, KEYRING_FILE);
    const running = LocalKeyVault.fromKeyFile(file, recordingLogger()); // a server started before
    const oldId = await running.currentMasterKeyId();
    const secrets = await seed(running, 3);

    const out = await rotate();
    expect(out.code).toBe(0);
    const ring = readKeyringFile(file)!;
    expect(ring.current).not.toBe(oldId);
    expect([...ring.keys.keys()]).toEqual([ring.current]);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(out.stdout).toContain(`Added master key ${ring.current} to ${file} as current (was ${oldId})`);
    expect(out.stdout).toContain(`Re-wrapped 3 of 3 stored provider keys under ${ring.current}`);
    expect(out.stdout).toContain(`Removed retired master keys no stored key uses: ${oldId}.`);
    expect(out.stdout).toMatch(/Back up .* now/);
    for (const secret of secrets.values()) expect(out.stdout + out.stderr).not.toContain(secret);

    for (const k of await rows()) {
      expect(k.sealed.masterKeyId).toBe(ring.current);
      // The server that started before the rotation still opens everything (no downtime).
      expect(await running.open(k.sealed, { userId: k.userId, keyId: k.id, provider: k.provider })).toBe(
        secrets.get(k.id),
      );
    }
    expect(await running.currentMasterKeyId()).toBe(ring.current);
  });

  it('key file: exits 1 and says so when a row cannot be rewrapped', async () => {
    const file = join(dataDir, KEYRING_FILE);
    await seed(LocalKeyVault.fromKeyFile(file, recordingLogger()), 2);
    db.prepare(
      "UPDATE provider_keys SET sealed = json_set(sealed, '$.wrappedKey', 'AAAA') WHERE id = 'key-1'",
    ).run();
    const out = await rotate();
    expect(out.code).toBe(1);
    expect(out.stdout).toContain('Re-wrapped 1 of 2 stored provider keys');
    expect(out.stdout).toContain('1 failed');
  });

  it('key file: nothing to rotate when there is no key file and no stored key', async () => {
    const out = await rotate();
    expect(out).toMatchObject({ code: 0 });
    expect(out.stdout).toMatch(/nothing to rotate/);
  });

  it('env keys: explains the procedure, then rewraps to the new key and says when the previous can go', async () => {
    const oldKey = randomBytes(32).toString('base64');
    const newKey = randomBytes(32).toString('base64');
    const secrets = await seed(LocalKeyVault.fromKeys(Buffer.from(oldKey, 'base64')), 2);

    const howTo = await rotate({ ENGIFY_MASTER_KEY: oldKey });
    expect(howTo.code).toBe(0);
    expect(howTo.stdout).toMatch(/ENGIFY_MASTER_KEYS_PREVIOUS/);
    expect(howTo.stdout).toMatch(/openssl rand -base64 32/);

    const out = await rotate({ ENGIFY_MASTER_KEY: newKey, ENGIFY_MASTER_KEYS_PREVIOUS: oldKey });
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('Re-wrapped 2 of 2');
    expect(out.stdout).toMatch(/remove ENGIFY_MASTER_KEYS_PREVIOUS/);
    expect(out.stdout + out.stderr).not.toContain(oldKey);
    expect(out.stdout + out.stderr).not.toContain(newKey);
    const after = LocalKeyVault.fromKeys(Buffer.from(newKey, 'base64'));
    for (const k of await rows()) {
      expect(k.sealed.masterKeyId).toBe(await after.currentMasterKeyId());
      expect(await after.open(k.sealed, { userId: k.userId, keyId: k.id, provider: k.provider })).toBe(
        secrets.get(k.id),
      );
    }
  });

  it('refuses a bad key without echoing it, and arguments', async () => {
    const bad = await rotate({ ENGIFY_MASTER_KEY: 'c2hvcnQta2V5LXZhbHVl' });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('ENGIFY_MASTER_KEY=<redacted>');
    expect(bad.stderr).not.toContain('c2hvcnQta2V5LXZhbHVl');
    const usage = await run(process.execPath, ['--import', 'tsx', 'scripts/keys-rotate.ts', 'now'], {
      env: { ...process.env, DATA_DIR: dataDir },
    }).catch((err: { code: number }) => err);
    expect(usage).toMatchObject({ code: 2 });
  });
});
