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
