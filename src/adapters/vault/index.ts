import { KMSClient } from '@aws-sdk/client-kms';
import { join } from 'node:path';
import { ConfigError, type Config } from '../../config.js';
import type { KeyVault } from '../../ports/key-vault.js';
import type { Logger } from '../../ports/logger.js';
import { KmsKeyVault } from './kms-vault.js';
import { KEYRING_FILE, LocalKeyVault } from './local-vault.js';

export { KEYRING_FILE, LocalKeyVault } from './local-vault.js';

/** Path of the generated keyring file used when neither ENGIFY_MASTER_KEY nor KMS_KEY_ID is set. */
export const keyringFilePath = (config: Pick<Config, 'dataDir'>): string =>
  join(config.dataDir, KEYRING_FILE);

/**
 * The key vault the config asks for: AWS KMS (KMS_KEY_ID; region and credentials from the usual AWS
 * environment), env master keys (ENGIFY_MASTER_KEY), or the keyring file in DATA_DIR (generated,
 * 0600, on first start). Throws when the keyring file is unreadable or group/world accessible.
 */
export function createKeyVault(
  config: Pick<Config, 'env' | 'dataDir' | 'keyVault'>,
  logger: Logger,
  options: { kmsClient?: KMSClient } = {},
): KeyVault {
  const settings = config.keyVault;
  let vault: KeyVault;
  if (settings.kind === 'kms') {
    vault = new KmsKeyVault({ client: options.kmsClient ?? new KMSClient({}), keyId: settings.kmsKeyId });
  } else if (settings.kind === 'env') {
    vault = LocalKeyVault.fromKeys(settings.masterKey, settings.previousMasterKeys);
  } else {
    if (config.env === 'production') {
      throw new ConfigError([
        'ENGIFY_MASTER_KEY or KMS_KEY_ID: production needs one (the generated key file is for local use only)',
      ]);
    }
    vault = LocalKeyVault.fromKeyFile(keyringFilePath(config), logger);
  }
  logger.info({ keyVault: vault.kind, source: settings.kind }, 'key vault ready');
  return vault;
}
