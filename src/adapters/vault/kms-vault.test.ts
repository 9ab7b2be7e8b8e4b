// KmsKeyVault against aws-sdk-client-mock (test/fakes/kms.ts performs real AES-GCM, so wrapping and
// context binding are real). UNVERIFIED here, because no KMS can be reached from these machines:
// - real KMS behaviour and blob format; that GenerateDataKey/ReEncrypt return the key ARN in KeyId
//   (documented) also when KeyId is an alias; that Decrypt accepts the ARN as KeyId;
// - IAM: the role needs kms:GenerateDataKey, kms:Decrypt, kms:ReEncryptFrom/To and kms:DescribeKey
//   (for an alias), ideally conditioned on kms:EncryptionContextKeys;
// - latency, throttling and retries (SDK defaults), credentials/region resolution on Lambda;
// - that the encryption context appears in CloudTrail as intended.
import {
  DecryptCommand,
  DescribeKeyCommand,
  GenerateDataKeyCommand,
  KMSServiceException,
  ReEncryptCommand,
} from '@aws-sdk/client-kms';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VaultError, type SecretContext } from '../../ports/key-vault.js';
import { FakeKms } from '../../../test/fakes/kms.js';
import { KmsKeyVault } from './kms-vault.js';

const ctx: SecretContext = { userId: 'user-1', keyId: 'key-1', provider: 'anthropic' };
const kmsContext = { userId: 'user-1', keyId: 'key-1', provider: 'anthropic' };

function awsError(name: string): KMSServiceException {
  return new KMSServiceException({ name, $fault: 'client', $metadata: {}, message: `${name} from KMS` });
}

describe('KmsKeyVault', () => {
  let kms: FakeKms;
  let keyArn: string;
  let clock: number;
  let vault: KmsKeyVault;

  beforeEach(() => {
    kms = new FakeKms();
    keyArn = kms.createKey('alias/engify');
    clock = 1_000_000;
    vault = new KmsKeyVault({ client: kms.client, keyId: keyArn, now: () => clock });
  });
  afterEach(() => kms.mock.restore());

  it('seals with GenerateDataKey (AES_256, the SecretContext as EncryptionContext)', async () => {
    const sealed = await vault.seal('sk-ant-secret', ctx);
    const calls = kms.mock.commandCalls(GenerateDataKeyCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.args[0].input).toEqual({
      KeyId: keyArn,
      KeySpec: 'AES_256',
      EncryptionContext: kmsContext,
    });
    expect(sealed.masterKeyId).toBe(keyArn);
    expect(kms.mock.commandCalls(DecryptCommand)).toHaveLength(0);
    // The SDK's copy of the plaintext data key is wiped once used.
    expect(kms.handedOut.every((k) => k.every((b) => b === 0))).toBe(true);
  });

  it('opens with Decrypt (same context and KeyId), then serves the data key from the cache', async () => {
    const sealed = await vault.seal('sk-ant-secret', ctx);
    expect(await vault.open(sealed, ctx)).toBe('sk-ant-secret');
    const calls = kms.mock.commandCalls(DecryptCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.args[0].input).toEqual({
      CiphertextBlob: Buffer.from(sealed.wrappedKey, 'base64'),
      KeyId: keyArn,
      EncryptionContext: kmsContext,
    });
    expect(await vault.open(sealed, ctx)).toBe('sk-ant-secret');
    expect(await vault.open(sealed, ctx)).toBe('sk-ant-secret');
    expect(kms.mock.commandCalls(DecryptCommand)).toHaveLength(1);
    expect(vault.cachedKeys).toBe(1);
    expect(kms.handedOut.every((k) => k.every((b) => b === 0))).toBe(true);
  });

  it('expires cached data keys after the TTL (default 5 minutes)', async () => {
    const sealed = await vault.seal('sk-ttl', ctx);
    await vault.open(sealed, ctx);
    clock += 5 * 60_000 - 1;
    await vault.open(sealed, ctx);
    expect(kms.mock.commandCalls(DecryptCommand)).toHaveLength(1);
    clock += 1;
    await vault.open(sealed, ctx);
    expect(kms.mock.commandCalls(DecryptCommand)).toHaveLength(2);
  });

  it('sweeps expired keys and caps the cache, evicting the oldest', async () => {
    const small = new KmsKeyVault({
      client: kms.client,
      keyId: keyArn,
      cacheMaxEntries: 2,
      now: () => clock,
    });
    const a = await small.seal('sk-a', ctx);
    const b = await small.seal('sk-b', ctx);
    const c = await small.seal('sk-c', ctx);
    await small.open(a, ctx);
    await small.open(b, ctx);
    await small.open(c, ctx); // evicts a
    expect(small.cachedKeys).toBe(2);
    await small.open(b, ctx);
    await small.open(c, ctx);
    expect(kms.mock.commandCalls(DecryptCommand)).toHaveLength(3);
    await small.open(a, ctx);
    expect(kms.mock.commandCalls(DecryptCommand)).toHaveLength(4);

    clock += 10 * 60_000;
    const d = await small.seal('sk-d', ctx);
    await small.open(d, ctx); // the sweep drops the expired entries
    expect(small.cachedKeys).toBe(1);
    small.clearCache();
    expect(small.cachedKeys).toBe(0);
  });

  it('does not let a cached key open a value in another context or a tampered value', async () => {
    const sealed = await vault.seal('sk-cached', ctx);
    await vault.open(sealed, ctx);
    await expect(vault.open(sealed, { ...ctx, userId: 'user-2' })).rejects.toMatchObject({
      code: 'decrypt_failed',
    });
    // The moved value went to KMS with its own context, and KMS refused it.
    const lastDecrypt = kms.mock.commandCalls(DecryptCommand).at(-1)!;
    expect(lastDecrypt.args[0].input.EncryptionContext).toEqual({ ...kmsContext, userId: 'user-2' });
    const ct = Buffer.from(sealed.ciphertext, 'base64');
    ct[0] = ct[0]! ^ 1;
    await expect(vault.open({ ...sealed, ciphertext: ct.toString('base64') }, ctx)).rejects.toMatchObject({
      code: 'decrypt_failed',
    });
  });

  it('rewraps with ReEncrypt to the configured key, never decrypting here', async () => {
    const sealed = await vault.seal('sk-rewrap', ctx);
    const nextArn = kms.createKey();
    const next = new KmsKeyVault({ client: kms.client, keyId: nextArn });
    const rewrapped = await next.rewrap(sealed, ctx);
    const calls = kms.mock.commandCalls(ReEncryptCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.args[0].input).toEqual({
      CiphertextBlob: Buffer.from(sealed.wrappedKey, 'base64'),
      SourceKeyId: keyArn,
      SourceEncryptionContext: kmsContext,
      DestinationKeyId: nextArn,
      DestinationEncryptionContext: kmsContext,
    });
    expect(kms.mock.commandCalls(DecryptCommand)).toHaveLength(0);
    expect(rewrapped).toMatchObject({ iv: sealed.iv, ciphertext: sealed.ciphertext, masterKeyId: nextArn });
    expect(await next.open(rewrapped, ctx)).toBe('sk-rewrap');
  });

  it('reports the key ARN as current master key id, resolving an alias once', async () => {
    expect(await vault.currentMasterKeyId()).toBe(keyArn);
    expect(kms.mock.commandCalls(DescribeKeyCommand)).toHaveLength(0);
    const byAlias = new KmsKeyVault({ client: kms.client, keyId: 'alias/engify' });
    expect(await byAlias.currentMasterKeyId()).toBe(keyArn);
    expect(await byAlias.currentMasterKeyId()).toBe(keyArn);
    expect(kms.mock.commandCalls(DescribeKeyCommand)).toHaveLength(1);
    expect((await byAlias.seal('sk', ctx)).masterKeyId).toBe(keyArn);
  });

  it('maps KMS errors to VaultError without leaking the secret', async () => {
    const sealed = await vault.seal('sk-ERRORS-secret', ctx);
    const cases: [string, string][] = [
      ['AccessDeniedException', 'unavailable'],
      ['ThrottlingException', 'unavailable'],
      ['KMSInvalidStateException', 'unavailable'],
      ['InvalidCiphertextException', 'decrypt_failed'],
      ['IncorrectKeyException', 'decrypt_failed'],
      ['NotFoundException', 'unknown_master_key'],
    ];
    for (const [name, code] of cases) {
      kms.mock.on(DecryptCommand).rejects(awsError(name));
      const err = (await vault.open(sealed, ctx).catch((e: unknown) => e)) as VaultError;
      expect(err).toBeInstanceOf(VaultError);
      expect(err.code).toBe(code);
      expect(err.message).toContain('Decrypt');
      expect(err.message).not.toContain('sk-ERRORS-secret');
    }
    kms.mock.on(GenerateDataKeyCommand).rejects(awsError('NotFoundException'));
    await expect(vault.seal('sk-ERRORS-secret', ctx)).rejects.toMatchObject({ code: 'unavailable' });
    kms.mock.on(ReEncryptCommand).rejects(new Error('socket hang up'));
    await expect(vault.rewrap(sealed, ctx)).rejects.toMatchObject({
      name: 'VaultError',
      code: 'unavailable',
      message: 'KMS ReEncrypt failed (Error)',
    });
    kms.mock.on(GenerateDataKeyCommand).resolves({ KeyId: keyArn, CiphertextBlob: new Uint8Array(8) });
    await expect(vault.seal('sk', ctx)).rejects.toMatchObject({ code: 'unavailable' });
  });
});
