/**
 * Envelope encryption for secrets users hand us (their provider API keys).
 *
 * Each secret is encrypted with AES-256-GCM under its own random data key, with a random 96-bit IV
 * and the SecretContext as additional authenticated data, so a ciphertext copied to another user,
 * row or provider fails to decrypt. The data key is stored only wrapped by a master key (a local
 * key file / env key, or AWS KMS).
 */
export interface SecretContext {
  userId: string;
  keyId: string;
  provider: string;
}

/** Everything needed to decrypt, and nothing that decrypts on its own. All binary fields base64. */
export interface SealedSecret {
  alg: 'A256GCM';
  iv: string;
  /** Ciphertext followed by the 16-byte GCM tag. */
  ciphertext: string;
  /** The data key, wrapped by the master key identified by `masterKeyId`. */
  wrappedKey: string;
  masterKeyId: string;
}

export interface KeyVault {
  readonly kind: string;
  seal(plaintext: string, context: SecretContext): Promise<SealedSecret>;
  /** Throws when the sealed value was tampered with or belongs to another context. */
  open(sealed: SealedSecret, context: SecretContext): Promise<string>;
  /**
   * Re-wraps the data key under the current master key. The secret's ciphertext is untouched and
   * never decrypted; only the data key is briefly in memory.
   */
  rewrap(sealed: SealedSecret, context: SecretContext): Promise<SealedSecret>;
  /** Id of the master key new secrets are sealed under. */
  currentMasterKeyId(): Promise<string>;
}

export type VaultErrorCode =
  /** Tampered, truncated or moved to another context; or wrapped under a different master key. */
  | 'decrypt_failed'
  /** Sealed under a master key this vault does not have (not even after reloading its keyring). */
  | 'unknown_master_key'
  /** The context cannot be encoded (e.g. contains a NUL character). */
  | 'invalid_context'
  /** The key source (keyring file, AWS KMS) failed or refused; may be transient. */
  | 'unavailable';

/** What every KeyVault throws. Messages never contain plaintext or key material. */
export class VaultError extends Error {
  constructor(
    readonly code: VaultErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'VaultError';
  }
}
