import type { SealedSecret } from '../../ports/key-vault.js';
import type {
  Provider,
  ProviderKey,
  ProviderKeyStore,
  StoredProviderKey,
} from '../../ports/provider-key-store.js';
import { cachedPrepare, type Db } from './database.js';

interface Row {
  id: string;
  user_id: string;
  provider: Provider;
  label: string | null;
  base_url: string | null;
  mask: string;
  sealed: string;
  created_at: string;
  last_used_at: string | null;
}

const toKey = (r: Row): ProviderKey => ({
  id: r.id,
  userId: r.user_id,
  provider: r.provider,
  label: r.label,
  baseURL: r.base_url,
  mask: r.mask,
  createdAt: r.created_at,
  lastUsedAt: r.last_used_at,
});
const toStored = (r: Row): StoredProviderKey => ({
  ...toKey(r),
  sealed: JSON.parse(r.sealed) as SealedSecret,
});

export class SqliteProviderKeyStore implements ProviderKeyStore {
  private readonly stmt: Db['prepare'];

  constructor(private readonly db: Db) {
    this.stmt = cachedPrepare(db);
  }

  async create(key: StoredProviderKey): Promise<void> {
    this.stmt(
      `INSERT INTO provider_keys (id, user_id, provider, label, base_url, mask, sealed, created_at, last_used_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      key.id,
      key.userId,
      key.provider,
      key.label,
      key.baseURL,
      key.mask,
      JSON.stringify(key.sealed),
      key.createdAt,
      key.lastUsedAt,
    );
  }

  async list(userId: string): Promise<ProviderKey[]> {
    return this.stmt<[string], Row>('SELECT * FROM provider_keys WHERE user_id = ? ORDER BY created_at, id')
      .all(userId)
      .map(toKey);
  }

  async get(userId: string, id: string): Promise<StoredProviderKey | null> {
    const row = this.stmt<[string, string], Row>(
      'SELECT * FROM provider_keys WHERE user_id = ? AND id = ?',
    ).get(userId, id);
    return row ? toStored(row) : null;
  }

  async firstOfProvider(userId: string, provider: Provider): Promise<StoredProviderKey | null> {
    const row = this.stmt<[string, string], Row>(
      'SELECT * FROM provider_keys WHERE user_id = ? AND provider = ? ORDER BY created_at, id LIMIT 1',
    ).get(userId, provider);
    return row ? toStored(row) : null;
  }

  async delete(userId: string, id: string): Promise<boolean> {
    return this.stmt('DELETE FROM provider_keys WHERE user_id = ? AND id = ?').run(userId, id).changes > 0;
  }

  async touch(id: string, at: string): Promise<void> {
    this.stmt('UPDATE provider_keys SET last_used_at = ? WHERE id = ?').run(at, id);
  }

  async listAllSealed(after: string | null, limit: number): Promise<StoredProviderKey[]> {
    return this.stmt<[string, number], Row>('SELECT * FROM provider_keys WHERE id > ? ORDER BY id LIMIT ?')
      .all(after ?? '', limit)
      .map(toStored);
  }

  async replaceSealed(id: string, expected: SealedSecret, next: SealedSecret): Promise<boolean> {
    return (
      this.stmt('UPDATE provider_keys SET sealed = ? WHERE id = ? AND sealed = ?').run(
        JSON.stringify(next),
        id,
        JSON.stringify(expected),
      ).changes > 0
    );
  }

  async getDefaultProvider(userId: string): Promise<Provider | null> {
    return (
      this.stmt<[string], { default_provider: Provider | null }>(
        'SELECT default_provider FROM users WHERE id = ?',
      ).get(userId)?.default_provider ?? null
    );
  }

  async setDefaultProvider(userId: string, provider: Provider | null): Promise<void> {
    this.stmt('UPDATE users SET default_provider = ? WHERE id = ?').run(provider, userId);
  }
}
