/** One-way password hashing. `verify` is constant-time with respect to the stored hash. */
export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(hash: string, password: string): Promise<boolean>;
}
