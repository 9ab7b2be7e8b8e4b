import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { KeyVault, SealedSecret, SecretContext } from '../../ports/key-vault.js';
import { CachingKeyVault } from './caching-vault.js';
import { LocalKeyVault } from './local-vault.js';

const ctx: SecretContext = { userId: 'u1', keyId: 'k1', provider: 'openai' };

/** A real local vault that counts the opens that reach it. */
function counted(inner: KeyVault = LocalKeyVault.fromKeys(randomBytes(32))) {
  const calls = { open: 0 };
  const vault: KeyVault = {
    kind: inner.kind,
    seal: (p, c) => inner.seal(p, c),
    open: (s, c) => {
      calls.open++;
      return inner.open(s, c);
    },
    rewrap: (s, c) => inner.rewrap(s, c),
    currentMasterKeyId: () => inner.currentMasterKeyId(),
  };
  return { vault, calls };
}

function clock(start = 1_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
}

describe('CachingKeyVault', () => {
  it('opens a secret through the vault once, then from memory until the TTL runs out', async () => {
    const { vault, calls } = counted();
    const time = clock();
    const cache = new CachingKeyVault(vault, { ttlMs: 1_000, maxEntries: 10, now: time.now });
    const sealed = await cache.seal('sk-cache-me', ctx);
    expect(await cache.open(sealed, ctx)).toBe('sk-cache-me');
    expect(await cache.open(sealed, ctx)).toBe('sk-cache-me');
    expect(calls.open).toBe(1);
    time.advance(999);
    await cache.open(sealed, ctx);
    expect(calls.open).toBe(1);
    time.advance(1);
    expect(await cache.open(sealed, ctx)).toBe('sk-cache-me');
    expect(calls.open).toBe(2);
  });

  it('sends a value moved to another context, or tampered with, to the vault, which refuses it', async () => {
    const { vault, calls } = counted();
    const cache = new CachingKeyVault(vault, { ttlMs: 60_000, maxEntries: 10 });
    const sealed = await cache.seal('sk-moved', ctx);
    await cache.open(sealed, ctx); // cached under its own context
    const flipped = Buffer.from(sealed.ciphertext, 'base64');
    flipped[0] = flipped[0]! ^ 1;
    const tampered: SealedSecret = { ...sealed, ciphertext: flipped.toString('base64') };
    await expect(cache.open(sealed, { ...ctx, userId: 'u2' })).rejects.toMatchObject({
      code: 'decrypt_failed',
    });
    await expect(cache.open(sealed, { ...ctx, keyId: 'k2' })).rejects.toMatchObject({
      code: 'decrypt_failed',
    });
    await expect(cache.open(tampered, ctx)).rejects.toMatchObject({ code: 'decrypt_failed' });
    expect(calls.open).toBe(4);
    expect(cache.size).toBe(1); // failures are not kept
  });

  it('sends a rewrapped value to the vault (a different sealed value)', async () => {
    const { vault, calls } = counted();
    const cache = new CachingKeyVault(vault, { ttlMs: 60_000, maxEntries: 10 });
    const sealed = await cache.seal('sk-rewrap', ctx);
    await cache.open(sealed, ctx);
    const rewrapped = await cache.rewrap(sealed, ctx);
    expect(rewrapped.wrappedKey).not.toBe(sealed.wrappedKey);
    expect(await cache.open(rewrapped, ctx)).toBe('sk-rewrap');
    expect(calls.open).toBe(2);
  });

  it('keeps at most maxEntries, dropping the oldest first', async () => {
    const { vault, calls } = counted();
    const cache = new CachingKeyVault(vault, { ttlMs: 60_000, maxEntries: 2 });
    const contexts = ['k1', 'k2', 'k3'].map((keyId) => ({ ...ctx, keyId }));
    const sealed = await Promise.all(contexts.map((c, i) => cache.seal(`sk-${i}`, c)));
    for (let i = 0; i < 3; i++) await cache.open(sealed[i]!, contexts[i]!);
    expect(cache.size).toBe(2);
    expect(calls.open).toBe(3);
    expect(await cache.open(sealed[2]!, contexts[2]!)).toBe('sk-2'); // newest: kept
    expect(calls.open).toBe(3);
    expect(await cache.open(sealed[0]!, contexts[0]!)).toBe('sk-0'); // oldest: dropped
    expect(calls.open).toBe(4);
  });

  it('keeps nothing with a TTL of 0, and nothing for values it cannot key', async () => {
    const { vault, calls } = counted();
    const off = new CachingKeyVault(vault, { ttlMs: 0, maxEntries: 10 });
    const sealed = await off.seal('sk-off', ctx);
    await off.open(sealed, ctx);
    await off.open(sealed, ctx);
    expect(calls.open).toBe(2);
    expect(off.size).toBe(0);
    const on = new CachingKeyVault(vault, { ttlMs: 60_000, maxEntries: 10 });
    await expect(on.open(sealed, { ...ctx, keyId: 'k\0x' })).rejects.toMatchObject({
      code: 'invalid_context',
    });
    expect(on.size).toBe(0);
  });

  it('passes kind, sealing and the current master key id through', async () => {
    const inner = LocalKeyVault.fromKeys(randomBytes(32));
    const cache = new CachingKeyVault(inner, { ttlMs: 60_000, maxEntries: 10 });
    expect(cache.kind).toBe(inner.kind);
    expect(await cache.currentMasterKeyId()).toBe(await inner.currentMasterKeyId());
    const sealed = await cache.seal('sk-pass', ctx);
    expect(await inner.open(sealed, ctx)).toBe('sk-pass');
  });
});
