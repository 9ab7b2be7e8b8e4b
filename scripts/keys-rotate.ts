// Master-key rotation: `npm run keys:rotate`. Re-wraps the data key of every stored provider key under
// a new master key; the provider keys themselves are never decrypted. Running servers keep working:
// they re-read the keyring file when they meet an unknown master key id.
//   key file (default)   generates a new master key, makes it current, re-wraps every stored key in
//                        DATA_DIR/engify.db, then removes retired keys no stored key uses any more
//   ENGIFY_MASTER_KEY    re-wraps to the current env key and says when ENGIFY_MASTER_KEYS_PREVIOUS can go
//   KMS_KEY_ID           re-wraps (KMS ReEncrypt) to the configured KMS key
// Exit code: 0 done, 1 something needs attention (printed), 2 usage.
import { join } from 'node:path';
import { pino } from 'pino';
import { createLogger } from '../src/adapters/log/pino.js';
import { SqliteProviderKeyStore } from '../src/adapters/sqlite/provider-key-store.js';
import { openDatabase } from '../src/adapters/sqlite/database.js';
import { createKeyVault, keyringFilePath } from '../src/adapters/vault/index.js';
import {
  LocalKeyVault,
  addMasterKeyToFile,
  envKeyring,
  readKeyringFile,
  removeMasterKeysFromFile,
} from '../src/adapters/vault/local-vault.js';
import { loadConfig } from '../src/config.js';
import {
  masterKeyUsage,
  rotateMasterKey,
  type RotationResult,
} from '../src/features/provider-keys/rotate.js';
import type { Logger } from '../src/ports/logger.js';
import type { ProviderKeyStore } from '../src/ports/provider-key-store.js';

const summary = (r: RotationResult) =>
  `Re-wrapped ${r.rewrapped} of ${r.scanned} stored provider keys under ${r.masterKeyId} ` +
  `(${r.alreadyCurrent} already current, ${r.deleted} deleted meanwhile, ${r.failed} failed).`;

const counts = (ids: string[], usage: Map<string, number>) =>
  ids.map((id) => `${id} (${usage.get(id)} stored keys)`).join(', ');

async function rotateKeyFile(file: string, store: ProviderKeyStore, logger: Logger): Promise<number> {
  const before = readKeyringFile(file);
  if (!before) {
    const usage = await masterKeyUsage(store);
    const stored = [...usage.values()].reduce((a, b) => a + b, 0);
    if (stored === 0) {
      console.log(`No master key file at ${file} and no stored provider keys: nothing to rotate.`);
      return 0;
    }
    console.error(
      `No master key file at ${file}, but ${stored} stored provider keys need it: restore it from backup.`,
    );
    return 1;
  }
  const added = addMasterKeyToFile(file);
  console.log(`Added master key ${added} to ${file} as current (was ${before.current}).`);

  const result = await rotateMasterKey(LocalKeyVault.fromKeyFile(file, logger), store, logger);
  console.log(summary(result));

  // Only now retire old keys, and only those no stored key uses any more.
  const usage = await masterKeyUsage(store);
  const ring = readKeyringFile(file);
  if (!ring) throw new Error(`master key file ${file} disappeared during rotation`);
  const old = [...ring.keys.keys()].filter((id) => id !== ring.current);
  const inUse = old.filter((id) => (usage.get(id) ?? 0) > 0);
  const removed = removeMasterKeysFromFile(
    file,
    old.filter((id) => !inUse.includes(id)),
  );
  if (removed.length > 0)
    console.log(`Removed retired master keys no stored key uses: ${removed.join(', ')}.`);
  if (inUse.length > 0) {
    console.error(
      `Kept master keys still in use: ${counts(inUse, usage)}. Fix the failures and run keys:rotate again.`,
    );
  }
  console.log(`Back up ${file} now: stored provider keys cannot be decrypted without it.`);
  return result.failed > 0 || inUse.length > 0 ? 1 : 0;
}

async function rotateEnvKeys(
  current: Buffer,
  previous: Buffer[],
  store: ProviderKeyStore,
  logger: Logger,
): Promise<number> {
  const ring = envKeyring(current, previous);
  const result = await rotateMasterKey(LocalKeyVault.fromKeys(current, previous), store, logger);
  const usage = await masterKeyUsage(store);
  const previousIds = [...ring.keys.keys()].filter((id) => id !== ring.current);
  if (previousIds.length === 0 && result.rewrapped === 0 && result.failed === 0) {
    console.log(
      [
        `Master keys come from ENGIFY_MASTER_KEY (${ring.current}); all ${result.scanned} stored provider keys use it.`,
        'To rotate it:',
        '  1. generate a new key: openssl rand -base64 32',
        '  2. set ENGIFY_MASTER_KEY to the new key and move the old one to ENGIFY_MASTER_KEYS_PREVIOUS',
        '     (comma-separated); restart the servers with that environment',
        '     (several instances: first deploy the new key in ENGIFY_MASTER_KEYS_PREVIOUS everywhere, then swap)',
        '  3. run `npm run keys:rotate` with the same environment',
        '  4. when it reports that no stored key uses a previous key, drop ENGIFY_MASTER_KEYS_PREVIOUS and restart.',
      ].join('\n'),
    );
    return 0;
  }
  console.log(summary(result));
  const inUse = previousIds.filter((id) => (usage.get(id) ?? 0) > 0);
  if (inUse.length > 0) {
    console.error(
      `Previous master keys still in use: ${counts(inUse, usage)}. Keep ENGIFY_MASTER_KEYS_PREVIOUS.`,
    );
  } else if (previousIds.length > 0) {
    console.log(
      `No stored key uses ${previousIds.join(', ')} any more: remove ENGIFY_MASTER_KEYS_PREVIOUS and restart.`,
    );
  }
  return result.failed > 0 || inUse.length > 0 ? 1 : 0;
}

async function main(args: string[]): Promise<number> {
  if (args.length > 0) {
    console.error(
      'usage: npm run keys:rotate   (no arguments; configured by the environment like the server)',
    );
    return 2;
  }
  const config = loadConfig();
  const logger = createLogger(config.logLevel, pino.destination(2)); // stdout is for the operator
  const db = openDatabase(join(config.dataDir, 'engify.db'));
  const store = new SqliteProviderKeyStore(db);
  try {
    const settings = config.keyVault;
    if (settings.kind === 'file') return await rotateKeyFile(keyringFilePath(config), store, logger);
    if (settings.kind === 'env') {
      return await rotateEnvKeys(settings.masterKey, settings.previousMasterKeys, store, logger);
    }
    const result = await rotateMasterKey(createKeyVault(config, logger), store, logger);
    console.log(summary(result));
    return result.failed > 0 ? 1 : 0;
  } finally {
    db.close();
  }
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
}
