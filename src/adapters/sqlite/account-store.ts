import { randomUUID } from 'node:crypto';
import {
  EmailTakenError,
  type AccountStore,
  type ApiKey,
  type Role,
  type Session,
  type Tier,
  type User,
  type UserWithSecret,
} from '../../ports/account-store.js';
import { cachedPrepare, type Db } from './database.js';

interface UserRow {
  id: string;
  email: string;
  name: string | null;
  password_hash: string | null;
  role: Role;
  tier: Tier;
  created_at: string;
  updated_at: string;
}

interface ApiKeyRow {
  id: string;
  user_id: string;
  name: string;
  prefix: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

const toUser = (r: UserRow): User => ({
  id: r.id,
  email: r.email,
  name: r.name,
  role: r.role,
  tier: r.tier,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const toApiKey = (r: ApiKeyRow): ApiKey => ({
  id: r.id,
  userId: r.user_id,
  name: r.name,
  prefix: r.prefix,
  createdAt: r.created_at,
  lastUsedAt: r.last_used_at,
  revokedAt: r.revoked_at,
});

export class SqliteAccountStore implements AccountStore {
  private readonly stmt: Db['prepare'];

  constructor(
    private readonly db: Db,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.stmt = cachedPrepare(db);
  }

  async createUser(input: {
    email: string;
    name: string | null;
    passwordHash: string | null;
    role: Role;
    tier: Tier;
  }): Promise<User> {
    const id = randomUUID();
    const at = this.now().toISOString();
    try {
      // One statement: the role is decided inside the insert, so the first-user check cannot race.
      this.stmt(
        `INSERT INTO users (id, email, name, password_hash, role, tier, created_at, updated_at)
           VALUES (?, ?, ?, ?, CASE WHEN EXISTS (SELECT 1 FROM users) THEN ? ELSE 'admin' END, ?, ?, ?)`,
      ).run(id, input.email, input.name, input.passwordHash, input.role, input.tier, at, at);
    } catch (err) {
      if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') throw new EmailTakenError();
      throw err;
    }
    return (await this.findUserById(id))!;
  }

  async findUserByEmail(email: string): Promise<UserWithSecret | null> {
    const row = this.stmt<[string], UserRow>('SELECT * FROM users WHERE email = ?').get(email);
    return row ? { ...toUser(row), passwordHash: row.password_hash } : null;
  }

  async findUserById(id: string): Promise<User | null> {
    const row = this.stmt<[string], UserRow>('SELECT * FROM users WHERE id = ?').get(id);
    return row ? toUser(row) : null;
  }

  async listUsers(page: { limit: number; offset: number }): Promise<{ items: User[]; total: number }> {
    const rows = this.stmt<[number, number], UserRow>(
      'SELECT * FROM users ORDER BY created_at, id LIMIT ? OFFSET ?',
    ).all(page.limit, page.offset);
    const total = this.stmt<[], { n: number }>('SELECT count(*) AS n FROM users').get()!.n;
    return { items: rows.map(toUser), total };
  }

  async updateUser(
    id: string,
    patch: { role?: Role; tier?: Tier; passwordHash?: string },
  ): Promise<User | null> {
    const columns = { role: patch.role, tier: patch.tier, password_hash: patch.passwordHash };
    const changed = Object.entries(columns).filter(
      (entry): entry is [string, string] => entry[1] !== undefined,
    );
    const sets = changed.map(([column]) => `${column} = ?`);
    const params = changed.map(([, value]) => value);
    if (sets.length > 0) {
      this.stmt(`UPDATE users SET ${sets.join(', ')}, updated_at = ? WHERE id = ?`).run(
        ...params,
        this.now().toISOString(),
        id,
      );
    }
    return this.findUserById(id);
  }

  async createSession(session: Session & { userAgent: string | null; ip: string | null }): Promise<void> {
    this.stmt(
      `INSERT INTO sessions (token_hash, user_id, created_at, expires_at, last_seen_at, user_agent, ip)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      session.tokenHash,
      session.userId,
      session.createdAt,
      session.expiresAt,
      session.lastSeenAt,
      session.userAgent,
      session.ip,
    );
  }

  async findSession(tokenHash: string): Promise<Session | null> {
    const row = this.stmt<
      [string],
      { token_hash: string; user_id: string; created_at: string; expires_at: string; last_seen_at: string }
    >(
      'SELECT token_hash, user_id, created_at, expires_at, last_seen_at FROM sessions WHERE token_hash = ?',
    ).get(tokenHash);
    return row
      ? {
          tokenHash: row.token_hash,
          userId: row.user_id,
          createdAt: row.created_at,
          expiresAt: row.expires_at,
          lastSeenAt: row.last_seen_at,
        }
      : null;
  }

  async touchSession(tokenHash: string, lastSeenAt: string, expiresAt: string): Promise<void> {
    this.stmt('UPDATE sessions SET last_seen_at = ?, expires_at = ? WHERE token_hash = ?').run(
      lastSeenAt,
      expiresAt,
      tokenHash,
    );
  }

  async deleteSession(tokenHash: string): Promise<void> {
    this.stmt('DELETE FROM sessions WHERE token_hash = ?').run(tokenHash);
  }

  async deleteUserSessions(userId: string): Promise<number> {
    return this.stmt('DELETE FROM sessions WHERE user_id = ?').run(userId).changes;
  }

  async createApiKey(key: ApiKey & { keyHash: string }): Promise<void> {
    this.stmt(
      `INSERT INTO api_keys (id, user_id, name, prefix, key_hash, created_at, last_used_at, revoked_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      key.id,
      key.userId,
      key.name,
      key.prefix,
      key.keyHash,
      key.createdAt,
      key.lastUsedAt,
      key.revokedAt,
    );
  }

  async listApiKeys(userId: string): Promise<ApiKey[]> {
    return this.stmt<[string], ApiKeyRow>(
      'SELECT * FROM api_keys WHERE user_id = ? AND revoked_at IS NULL ORDER BY created_at DESC, id',
    )
      .all(userId)
      .map(toApiKey);
  }

  async findApiKeyByHash(keyHash: string): Promise<ApiKey | null> {
    const row = this.stmt<[string], ApiKeyRow>(
      'SELECT * FROM api_keys WHERE key_hash = ? AND revoked_at IS NULL',
    ).get(keyHash);
    return row ? toApiKey(row) : null;
  }

  async revokeApiKey(userId: string, id: string, at: string): Promise<boolean> {
    return (
      this.stmt('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at IS NULL').run(
        at,
        id,
        userId,
      ).changes > 0
    );
  }

  async touchApiKey(id: string, at: string): Promise<void> {
    this.stmt('UPDATE api_keys SET last_used_at = ? WHERE id = ?').run(at, id);
  }

  async findOAuthUser(provider: string, providerUserId: string): Promise<User | null> {
    const row = this.stmt<[string, string], UserRow>(
      `SELECT u.* FROM oauth_accounts o JOIN users u ON u.id = o.user_id
         WHERE o.provider = ? AND o.provider_user_id = ?`,
    ).get(provider, providerUserId);
    return row ? toUser(row) : null;
  }

  async linkOAuth(provider: string, providerUserId: string, userId: string): Promise<void> {
    this.stmt(
      `INSERT INTO oauth_accounts (provider, provider_user_id, user_id, created_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (provider, provider_user_id) DO NOTHING`,
    ).run(provider, providerUserId, userId, this.now().toISOString());
  }
}
