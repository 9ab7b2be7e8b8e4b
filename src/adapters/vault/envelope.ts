// AES-256-GCM helpers shared by the local and the KMS key vault (see docs/decisions/0009-key-vault.md).
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { VaultError, type SealedSecret, type SecretContext } from '../../ports/key-vault.js';

export const KEY_BYTES = 32;
export const IV_BYTES = 12;
export const TAG_BYTES = 16;

function fields(context: SecretContext): string[] {
  const values = [context.userId, context.keyId, context.provider];
  if (values.some((v) => typeof v !== 'string' || v.length === 0 || v.includes('\0'))) {
    throw new VaultError('invalid_context', 'secret context fields must be non-empty strings without NUL');
  }
  return values;
}

/** AAD of a secret's ciphertext: `engify:secret:v1\0userId\0keyId\0provider`. */
export function secretAad(context: SecretContext): Buffer {
  return Buffer.from(['engify:secret:v1', ...fields(context)].join('\0'), 'utf8');
}

/** AAD of a wrapped data key: binds the master key id and the same context. */
export function wrapAad(masterKeyId: string, context: SecretContext): Buffer {
  if (masterKeyId.includes('\0')) throw new VaultError('decrypt_failed', 'malformed master key id');
  return Buffer.from(['engify:dek:v1', masterKeyId, ...fields(context)].join('\0'), 'utf8');
}

/** Encrypts with a fresh random IV; returns the IV and ciphertext‖tag. */
export function gcmEncrypt(
  key: Uint8Array,
  plaintext: Uint8Array,
  aad: Uint8Array,
): { iv: Buffer; data: Buffer } {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad);
  const data = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  return { iv, data };
}

/** Decrypts ciphertext‖tag; any tampering (or the wrong key/AAD) throws VaultError('decrypt_failed'). */
export function gcmDecrypt(key: Uint8Array, iv: Uint8Array, data: Uint8Array, aad: Uint8Array): Buffer {
  if (key.length !== KEY_BYTES || iv.length !== IV_BYTES || data.length < TAG_BYTES) {
    throw new VaultError('decrypt_failed', 'sealed value is malformed');
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(aad);
    decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
    return Buffer.concat([decipher.update(data.subarray(0, data.length - TAG_BYTES)), decipher.final()]);
  } catch {
    throw new VaultError('decrypt_failed', 'sealed value failed authentication (tampered or wrong context)');
  }
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Strict base64 decoding of one field of a sealed value. */
export function b64(value: unknown, field: string): Buffer {
  if (typeof value !== 'string' || !BASE64.test(value)) {
    throw new VaultError('decrypt_failed', `sealed value is malformed (${field})`);
  }
  return Buffer.from(value, 'base64');
}

export function assertSealed(sealed: SealedSecret): void {
  if (sealed?.alg !== 'A256GCM' || typeof sealed.masterKeyId !== 'string' || !sealed.masterKeyId) {
    throw new VaultError('decrypt_failed', 'sealed value is malformed (alg or masterKeyId)');
  }
}

/** Encrypts the secret under a data key. The caller owns (and zeroes) the data key. */
export function encryptSecret(
  dataKey: Uint8Array,
  plaintext: string,
  context: SecretContext,
): Pick<SealedSecret, 'iv' | 'ciphertext'> {
  const bytes = Buffer.from(plaintext, 'utf8');
  try {
    const { iv, data } = gcmEncrypt(dataKey, bytes, secretAad(context));
    return { iv: iv.toString('base64'), ciphertext: data.toString('base64') };
  } finally {
    bytes.fill(0);
  }
}

export function decryptSecret(dataKey: Uint8Array, sealed: SealedSecret, context: SecretContext): string {
  const plain = gcmDecrypt(
    dataKey,
    b64(sealed.iv, 'iv'),
    b64(sealed.ciphertext, 'ciphertext'),
    secretAad(context),
  );
  try {
    return plain.toString('utf8');
  } finally {
    plain.fill(0);
  }
}
