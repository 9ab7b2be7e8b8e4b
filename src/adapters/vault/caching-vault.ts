import type { KeyVault, SealedSecret, SecretContext } from '../../ports/key-vault.js';

export interface CachingKeyVaultOptions {
  /** How long an opened secret is kept (0 turns the cache off). */
  ttlMs: number;
  /** Most secrets kept at once; the oldest goes first. */
  maxEntries: number;
  now?: () => number;
}

/**
 * Keeps recently opened secrets for a short while, so a user's runs do not each unwrap a data key and
 * decrypt the same provider key again (two AES-GCM operations locally, a KMS call when its data-key
 * cache is cold). An entry is keyed by the whole sealed value and its context: a rewrapped, re-sealed
 * or tampered value is a different key and goes to the vault, which checks it. Only successful opens
 * are kept.
 *
 * What it holds is what the vault's own caches already make reachable in memory (the local master keys;
 * KMS data keys for five minutes), so it widens nothing; see docs/decisions/0009-key-vault.md.
 */
export class CachingKeyVault implements KeyVault {
  private readonly entries = new Map<string, { plaintext: string; expiresAt: number }>();
  private readonly now: () => number;

  constructor(
    private readonly inner: KeyVault,
    private readonly options: CachingKeyVaultOptions,
  ) {
    this.now = options.now ?? (() => performance.now());
  }

  get kind(): string {
    return this.inner.kind;
  }

  /** Number of secrets currently kept (for tests). */
  get size(): number {
    return this.entries.size;
  }

  seal(plaintext: string, context: SecretContext): Promise<SealedSecret> {
    return this.inner.seal(plaintext, context);
  }

  async open(sealed: SealedSecret, context: SecretContext): Promise<string> {
    const id = cacheKey(sealed, context);
    const entry = id === null ? undefined : this.entries.get(id);
    if (entry) {
      if (entry.expiresAt > this.now()) return entry.plaintext;
      this.entries.delete(id!);
    }
    const plaintext = await this.inner.open(sealed, context);
    if (id !== null) this.remember(id, plaintext);
    return plaintext;
  }

  rewrap(sealed: SealedSecret, context: SecretContext): Promise<SealedSecret> {
    return this.inner.rewrap(sealed, context);
  }

  currentMasterKeyId(): Promise<string> {
    return this.inner.currentMasterKeyId();
  }

  /** Forgets every kept secret. */
  clear(): void {
    this.entries.clear();
  }

  private remember(id: string, plaintext: string): void {
    const { ttlMs, maxEntries } = this.options;
    if (ttlMs <= 0 || maxEntries <= 0) return;
    const now = this.now();
    this.entries.delete(id);
    // Insertion order is expiry order (one TTL for all): drop the expired, then the oldest over the cap.
    for (const [key, entry] of this.entries) {
      if (entry.expiresAt > now && this.entries.size < maxEntries) break;
      this.entries.delete(key);
    }
    this.entries.set(id, { plaintext, expiresAt: now + ttlMs });
  }
}

/** Every field that decides what a sealed value opens to; null when a field is not a string. */
function cacheKey(sealed: SealedSecret, context: SecretContext): string | null {
  const parts = [
    context.userId,
    context.keyId,
    context.provider,
    sealed?.alg,
    sealed?.masterKeyId,
    sealed?.wrappedKey,
    sealed?.iv,
    sealed?.ciphertext,
  ];
  return parts.every((p) => typeof p === 'string' && !p.includes('\0')) ? parts.join('\0') : null;
}
