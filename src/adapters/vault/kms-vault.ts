// Envelope encryption with AWS KMS holding the master key. Kept thin: KMS makes and wraps the data
// keys; we only run AES-256-GCM on the secret. See docs/decisions/0009-key-vault.md.
import {
  DecryptCommand,
  DescribeKeyCommand,
  GenerateDataKeyCommand,
  ReEncryptCommand,
  type KMSClient,
} from '@aws-sdk/client-kms';
import { VaultError, type KeyVault, type SealedSecret, type SecretContext } from '../../ports/key-vault.js';
import { KEY_BYTES, assertSealed, b64, decryptSecret, encryptSecret, secretAad } from './envelope.js';

export interface KmsKeyVaultOptions {
  client: KMSClient;
  /** Key id, key ARN, alias name or alias ARN of the KMS key new secrets are sealed under. */
  keyId: string;
  /** How long a decrypted data key stays cached (0 disables the cache). Default 5 minutes. */
  cacheTtlMs?: number;
  /** Most data keys cached at once; the oldest is evicted first. Default 1,000. */
  cacheMaxEntries?: number;
  now?: () => number;
}

/** The KMS encryption context of a secret: exactly its SecretContext. */
export const encryptionContext = (c: SecretContext): Record<string, string> => ({
  userId: c.userId,
  keyId: c.keyId,
  provider: c.provider,
});

/** Maps an SDK error to a VaultError naming only the operation and the error's name. */
function toVaultError(err: unknown, operation: string): VaultError {
  if (err instanceof VaultError) return err;
  const name = (err as { name?: unknown })?.name;
  const label = typeof name === 'string' ? name : 'Error';
  if (label === 'InvalidCiphertextException' || label === 'IncorrectKeyException') {
    return new VaultError('decrypt_failed', `KMS ${operation} refused the wrapped key (${label})`, {
      cause: err,
    });
  }
  if (label === 'NotFoundException' && operation !== 'GenerateDataKey') {
    return new VaultError('unknown_master_key', `KMS ${operation}: master key not found`, { cause: err });
  }
  return new VaultError('unavailable', `KMS ${operation} failed (${label})`, { cause: err });
}

function takeKey(plaintext: Uint8Array | undefined, operation: string): Buffer {
  if (!plaintext || plaintext.length !== KEY_BYTES) {
    plaintext?.fill(0);
    throw new VaultError('unavailable', `KMS ${operation} returned no 32-byte data key`);
  }
  const key = Buffer.from(plaintext); // a copy we own; wipe the SDK's
  plaintext.fill(0);
  return key;
}

/** Short-lived plaintext data keys, keyed by wrapped key + context. Expired entries are zeroed. */
class DataKeyCache {
  private readonly entries = new Map<string, { key: Buffer; expiresAt: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
    private readonly now: () => number,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  get(id: string): Buffer | undefined {
    const entry = this.entries.get(id);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.evict(id);
      return undefined;
    }
    return entry.key;
  }

  set(id: string, key: Buffer): void {
    if (this.ttlMs <= 0 || this.maxEntries <= 0) return;
    this.evict(id);
    this.sweep();
    while (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.evict(oldest);
    }
    this.entries.set(id, { key: Buffer.from(key), expiresAt: this.now() + this.ttlMs });
  }

  /** Entries are in insertion order, which is expiry order (one TTL for all). */
  private sweep(): void {
    const now = this.now();
    for (const [id, entry] of this.entries) {
      if (entry.expiresAt > now) break;
      this.evict(id);
    }
  }

  private evict(id: string): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    entry.key.fill(0);
    this.entries.delete(id);
  }

  clear(): void {
    for (const id of [...this.entries.keys()]) this.evict(id);
  }
}

const KEY_ARN = /^arn:aws[a-z-]*:kms:[^:]+:\d{12}:key\/.+$/;

/**
 * KeyVault on AWS KMS: GenerateDataKey per seal, Decrypt (through a short-lived cache) per open,
 * ReEncrypt to rewrap. The master key never leaves KMS; masterKeyId is the KMS key ARN.
 */
export class KmsKeyVault implements KeyVault {
  readonly kind = 'kms';
  private readonly client: KMSClient;
  private readonly keyId: string;
  private readonly cache: DataKeyCache;
  private readonly now: () => number;
  private resolved?: { arn: string; until: number };

  constructor(options: KmsKeyVaultOptions) {
    this.client = options.client;
    this.keyId = options.keyId;
    this.now = options.now ?? Date.now;
    this.cache = new DataKeyCache(
      options.cacheTtlMs ?? 5 * 60_000,
      options.cacheMaxEntries ?? 1000,
      this.now,
    );
  }

  /** Number of data keys currently cached (for tests and metrics). */
  get cachedKeys(): number {
    return this.cache.size;
  }

  /** Zeroes and drops every cached data key. */
  clearCache(): void {
    this.cache.clear();
  }

  async seal(plaintext: string, context: SecretContext): Promise<SealedSecret> {
    secretAad(context); // validates the context before calling KMS
    let out;
    try {
      out = await this.client.send(
        new GenerateDataKeyCommand({
          KeyId: this.keyId,
          KeySpec: 'AES_256',
          EncryptionContext: encryptionContext(context),
        }),
      );
    } catch (err) {
      throw toVaultError(err, 'GenerateDataKey');
    }
    const dataKey = takeKey(out.Plaintext, 'GenerateDataKey');
    try {
      if (!out.CiphertextBlob?.length || !out.KeyId) {
        throw new VaultError('unavailable', 'KMS GenerateDataKey returned no wrapped key');
      }
      const { iv, ciphertext } = encryptSecret(dataKey, plaintext, context);
      return {
        alg: 'A256GCM',
        iv,
        ciphertext,
        wrappedKey: Buffer.from(out.CiphertextBlob).toString('base64'),
        masterKeyId: out.KeyId,
      };
    } finally {
      dataKey.fill(0);
    }
  }

  async open(sealed: SealedSecret, context: SecretContext): Promise<string> {
    assertSealed(sealed);
    const wrapped = b64(sealed.wrappedKey, 'wrappedKey');
    const cacheId = [
      sealed.masterKeyId,
      ...Object.values(encryptionContext(context)),
      sealed.wrappedKey,
    ].join('\0');
    secretAad(context);
    let dataKey = this.cache.get(cacheId);
    if (!dataKey) {
      let out;
      try {
        out = await this.client.send(
          new DecryptCommand({
            CiphertextBlob: wrapped,
            KeyId: sealed.masterKeyId,
            EncryptionContext: encryptionContext(context),
          }),
        );
      } catch (err) {
        throw toVaultError(err, 'Decrypt');
      }
      dataKey = takeKey(out.Plaintext, 'Decrypt');
      try {
        // Cache only keys that really open this secret, so a tampered value is never "warm".
        const plaintext = decryptSecret(dataKey, sealed, context);
        this.cache.set(cacheId, dataKey);
        return plaintext;
      } finally {
        dataKey.fill(0);
      }
    }
    return decryptSecret(dataKey, sealed, context);
  }

  async rewrap(sealed: SealedSecret, context: SecretContext): Promise<SealedSecret> {
    assertSealed(sealed);
    const wrapped = b64(sealed.wrappedKey, 'wrappedKey');
    let out;
    try {
      out = await this.client.send(
        new ReEncryptCommand({
          CiphertextBlob: wrapped,
          SourceKeyId: sealed.masterKeyId,
          SourceEncryptionContext: encryptionContext(context),
          DestinationKeyId: this.keyId,
          DestinationEncryptionContext: encryptionContext(context),
        }),
      );
    } catch (err) {
      throw toVaultError(err, 'ReEncrypt');
    }
    if (!out.CiphertextBlob?.length || !out.KeyId) {
      throw new VaultError('unavailable', 'KMS ReEncrypt returned no wrapped key');
    }
    return {
      alg: 'A256GCM',
      iv: sealed.iv,
      ciphertext: sealed.ciphertext,
      wrappedKey: Buffer.from(out.CiphertextBlob).toString('base64'),
      masterKeyId: out.KeyId,
    };
  }

  /** The ARN of the configured key (an alias or bare id is resolved with DescribeKey, cached). */
  async currentMasterKeyId(): Promise<string> {
    if (KEY_ARN.test(this.keyId)) return this.keyId;
    if (this.resolved && this.resolved.until > this.now()) return this.resolved.arn;
    let out;
    try {
      out = await this.client.send(new DescribeKeyCommand({ KeyId: this.keyId }));
    } catch (err) {
      throw toVaultError(err, 'DescribeKey');
    }
    const arn = out.KeyMetadata?.Arn;
    if (!arn) throw new VaultError('unavailable', 'KMS DescribeKey returned no key ARN');
    this.resolved = { arn, until: this.now() + 5 * 60_000 };
    return arn;
  }
}
