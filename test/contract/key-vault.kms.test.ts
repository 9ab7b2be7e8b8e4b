// The KeyVault contract against KmsKeyVault, with AWS KMS replaced by test/fakes/kms.ts (real
// AES-GCM inside mocked GenerateDataKey/Decrypt/ReEncrypt). Real KMS is not exercised here; see the
// header of src/adapters/vault/kms-vault.test.ts for what that leaves unverified.
import { KmsKeyVault } from '../../src/adapters/vault/kms-vault.js';
import { FakeKms } from '../fakes/kms.js';
import { keyVaultContract } from './key-vault.contract.js';

keyVaultContract('kms (aws-sdk-client-mock with real AES)', async () => {
  const kms = new FakeKms();
  const vault = new KmsKeyVault({ client: kms.client, keyId: kms.createKey() });
  return {
    vault,
    rotate: async () => new KmsKeyVault({ client: kms.client, keyId: kms.createKey() }),
    dispose: async () => {
      vault.clearCache();
      kms.mock.restore();
    },
  };
});

keyVaultContract('kms (alias key id, no cache)', async () => {
  const kms = new FakeKms();
  kms.createKey('alias/engify');
  const vault = new KmsKeyVault({ client: kms.client, keyId: 'alias/engify', cacheTtlMs: 0 });
  return {
    vault,
    rotate: async () => {
      kms.createKey('alias/engify-next');
      return new KmsKeyVault({ client: kms.client, keyId: 'alias/engify-next', cacheTtlMs: 0 });
    },
    dispose: async () => kms.mock.restore(),
  };
});
