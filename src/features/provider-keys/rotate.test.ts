import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../adapters/sqlite/database.js';
import { SqliteProviderKeyStore } from '../../adapters/sqlite/provider-key-store.js';
import {
  KEYRING_FILE,
  LocalKeyVault,
  addMasterKeyToFile,
  readKeyringFile,
  removeMasterKeysFromFile,
} from '../../adapters/vault/local-vault.js';
import type { SealedSecret } from '../../ports/key-vault.js';
import type { Provider, ProviderKeyStore, StoredProviderKey } from '../../ports/provider-key-store.js';
import { insertUser } from '../../../test/contract/key-vault.contract.js';
import { recordingLogger } from '../../../test/helpers/recording-logger.js';
import { masterKeyUsage, rotateMasterKey } from './rotate.js';

const PROVIDERS: Provider[] = ['openai', 'anthropic', 'google', 'openai-compatible'];

describe('rotateMasterKey (SQLite store, keyring file)', () => {
  let dir: string;
  let file: string;
  let db: Db;
  let store: SqliteProviderKeyStore;
  let running: LocalKeyVault; // a server that started before the rotation
  const secrets = new Map<string, string>();

  const addKey = async (id: string, userId: string, vault: LocalKeyVault = running) => {
    const provider = PROVIDERS[secrets.size % PROVIDERS.length]!;
    const secret = `sk-${id}-${randomBytes(8).toString('hex')}`;
    secrets.set(id, secret);
    await store.create({
      id,
      userId,
      provider,
      label: null,
      baseURL: null,
      mask: '…',
      createdAt: new Date().toISOString(),
      lastUsedAt: null,
      sealed: await vault.seal(secret, { userId, keyId: id, provider }),
    });
  };
  const all = async () => {
    const rows: StoredProviderKey[] = [];
    for (const u of ['alice', 'bob']) {
      for (const k of await store.list(u)) rows.push((await store.get(u, k.id))!);
    }
    return rows;
  };
  const openRow = (vault: LocalKeyVault, k: StoredProviderKey) =>
    vault.open(k.sealed, { userId: k.userId, keyId: k.id, provider: k.provider });

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'engify-rotate-'));
    file = join(dir, KEYRING_FILE);
    db = openDatabase(join(dir, 'engify.db'));
    store = new SqliteProviderKeyStore(db);
    insertUser(db, 'alice');
    insertUser(db, 'bob');
    secrets.clear();
    running = LocalKeyVault.fromKeyFile(file, recordingLogger());
    for (let i = 0; i < 7; i++) await addKey(`key-${String(i).padStart(2, '0')}`, i % 2 ? 'bob' : 'alice');
  });
  afterEach(async () => {
    db.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('rewraps every row (in pages) under the new key; old servers still open all of them', async () => {
    const oldId = await running.currentMasterKeyId();
    const before = await all();
    const newId = addMasterKeyToFile(file);
    const logger = recordingLogger();
    const result = await rotateMasterKey(LocalKeyVault.fromKeyFile(file, logger), store, logger, {
      pageSize: 3,
    });
    expect(result).toEqual({
      masterKeyId: newId,
      scanned: 7,
      rewrapped: 7,
      alreadyCurrent: 0,
      deleted: 0,
      failed: 0,
    });

    const after = await all();
    expect(after.map((k) => k.sealed.masterKeyId)).toEqual(after.map(() => newId));
    for (const k of after) {
      const old = before.find((b) => b.id === k.id)!;
      expect(k.sealed.ciphertext).toBe(old.sealed.ciphertext); // the secret itself was not re-encrypted
      expect(await openRow(running, k)).toBe(secrets.get(k.id));
    }
    expect(await masterKeyUsage(store, 2)).toEqual(new Map([[newId, 7]]));

    expect(removeMasterKeysFromFile(file, [oldId])).toEqual([oldId]);
    expect([...readKeyringFile(file)!.keys.keys()]).toEqual([newId]);
    const restarted = LocalKeyVault.fromKeyFile(file, recordingLogger());
    for (const k of after) expect(await openRow(restarted, k)).toBe(secrets.get(k.id));
    expect(await running.currentMasterKeyId()).toBe(newId);

    // Idempotent: a second run has nothing to do.
    const again = await rotateMasterKey(restarted, store, recordingLogger(), { pageSize: 3 });
    expect(again).toMatchObject({ scanned: 7, rewrapped: 0, alreadyCurrent: 7 });
    expect(JSON.stringify(logger.entries)).not.toMatch(/sk-key-/);
  });

  it('compare-and-swap: skips rows deleted or rewrapped meanwhile, retries a replaced row once', async () => {
    const rows = await all();
    const row = (id: string) => rows.find((k) => k.id === id)!;
    // What the user stores when replacing key-02 mid-rotation, sealed by a server under the old key.
    const replacement = await running.seal('sk-replaced', ctxOf(row('key-02')));
    addMasterKeyToFile(file);
    const vault = LocalKeyVault.fromKeyFile(file, recordingLogger());
    const raced = new Set<string>();
    const racing: ProviderKeyStore = Object.assign(Object.create(store) as ProviderKeyStore, {
      replaceSealed: async (id: string, expected: SealedSecret, next: SealedSecret) => {
        if (!raced.has(id)) {
          raced.add(id);
          if (id === 'key-00') await store.delete('alice', id); // the user deleted it
          if (id === 'key-01') {
            // another rotator got there first
            await store.replaceSealed(id, expected, await vault.rewrap(expected, ctxOf(row(id))));
          }
          if (id === 'key-02') await store.replaceSealed(id, expected, replacement); // the user replaced it
        }
        return store.replaceSealed(id, expected, next);
      },
    });
    const result = await rotateMasterKey(vault, racing, recordingLogger(), { pageSize: 100 });
    expect(result).toMatchObject({ scanned: 7, deleted: 1, alreadyCurrent: 1, failed: 0, rewrapped: 5 });
    expect(await store.get('alice', 'key-00')).toBeNull();
    const replaced = (await store.get('alice', 'key-02'))!;
    expect(replaced.sealed.masterKeyId).toBe(await vault.currentMasterKeyId());
    expect(await openRow(vault, replaced)).toBe('sk-replaced'); // the user's new key, not the old one
  });

  it('counts rows it cannot rewrap as failed, logs their ids only, and carries on', async () => {
    await addKey('key-zz', 'bob', LocalKeyVault.fromKeys(randomBytes(32))); // under a key we do not have
    addMasterKeyToFile(file);
    const logger = recordingLogger();
    const result = await rotateMasterKey(LocalKeyVault.fromKeyFile(file, logger), store, logger);
    expect(result).toMatchObject({ scanned: 8, rewrapped: 7, failed: 1 });
    const warning = logger.entries.find((e) => e.level === 'warn')!;
    expect(warning.obj).toMatchObject({ providerKeyId: 'key-zz', err: { code: 'unknown_master_key' } });
    expect(JSON.stringify(logger.entries)).not.toContain(secrets.get('key-zz'));
  });
});

const ctxOf = (k: StoredProviderKey) => ({ userId: k.userId, keyId: k.id, provider: k.provider });
