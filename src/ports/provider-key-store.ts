import type { SealedSecret } from './key-vault.js';

export type Provider = 'openai' | 'anthropic' | 'google' | 'openai-compatible';
export const PROVIDERS: readonly Provider[] = ['openai', 'anthropic', 'google', 'openai-compatible'];

export interface ProviderKey {
  id: string;
  userId: string;
  provider: Provider;
  label: string | null;
  baseURL: string | null;
  /** Safe to show: `sk-…abcd`. */
  mask: string;
  createdAt: string;
  lastUsedAt: string | null;
}

export interface StoredProviderKey extends ProviderKey {
  sealed: SealedSecret;
}

/** Users' provider keys, stored sealed. test/contract/provider-key-store.contract.ts defines it. */
export interface ProviderKeyStore {
  create(key: StoredProviderKey): Promise<void>;
  list(userId: string): Promise<ProviderKey[]>;
  /** The user's key with its sealed secret, or null (also for other users' keys). */
  get(userId: string, id: string): Promise<StoredProviderKey | null>;
  /** The user's oldest key for `provider` with its sealed secret (the one runs use by default), or null. */
  firstOfProvider(userId: string, provider: Provider): Promise<StoredProviderKey | null>;
  delete(userId: string, id: string): Promise<boolean>;
  touch(id: string, at: string): Promise<void>;
  /** Every stored key, in pages, for master-key rotation. */
  listAllSealed(after: string | null, limit: number): Promise<StoredProviderKey[]>;
  /** Replaces the sealed value only if it still equals `expected` (rotation races with nothing). */
  replaceSealed(id: string, expected: SealedSecret, next: SealedSecret): Promise<boolean>;
  getDefaultProvider(userId: string): Promise<Provider | null>;
  setDefaultProvider(userId: string, provider: Provider | null): Promise<void>;
}
