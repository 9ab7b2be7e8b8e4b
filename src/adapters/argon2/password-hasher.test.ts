import { describe, expect, it } from 'vitest';
import { Argon2PasswordHasher } from './password-hasher.js';

describe('Argon2PasswordHasher', () => {
  const hasher = new Argon2PasswordHasher();

  it('hashes with argon2id at OWASP minimum parameters and a random salt', async () => {
    const a = await hasher.hash('correct horse battery staple');
    const b = await hasher.hash('correct horse battery staple');
    expect(a).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(a).not.toBe(b);
  });

  it('verifies the right password only', async () => {
    const stored = await hasher.hash('s3cret-passphrase');
    expect(await hasher.verify(stored, 's3cret-passphrase')).toBe(true);
    expect(await hasher.verify(stored, 's3cret-passphrasE')).toBe(false);
    expect(await hasher.verify('not-a-hash', 'x')).toBe(false);
  });
});
