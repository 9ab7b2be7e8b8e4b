import { hash, verify } from '@node-rs/argon2';
import type { PasswordHasher } from '../../ports/password-hasher.js';

/** OWASP's minimum for argon2id: 19 MiB of memory, 2 iterations, 1 lane. */
// `algorithm: 2` is Argon2id (the package exports it as a const enum, which isolatedModules cannot inline).
export const ARGON2_PARAMS = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export class Argon2PasswordHasher implements PasswordHasher {
  constructor(private readonly params = ARGON2_PARAMS) {}

  hash(password: string): Promise<string> {
    return hash(password, this.params);
  }

  async verify(stored: string, password: string): Promise<boolean> {
    try {
      return await verify(stored, password);
    } catch {
      return false; // a malformed stored hash never verifies
    }
  }
}
