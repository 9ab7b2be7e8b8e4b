/** Who may do what. The first account on a fresh install is an admin. */
export type Role = 'user' | 'admin';
/** Commercial plan; quotas (token budgets) are typed config per tier. */
export type Tier = 'free' | 'pro' | 'team';
export const TIERS: readonly Tier[] = ['free', 'pro', 'team'];

export interface User {
  id: string;
  email: string;
  name: string | null;
  role: Role;
  tier: Tier;
  createdAt: string;
  updatedAt: string;
}

export interface UserWithSecret extends User {
  passwordHash: string | null;
}

export interface Session {
  tokenHash: string;
  userId: string;
  createdAt: string;
  expiresAt: string;
  lastSeenAt: string;
}

export interface ApiKey {
  id: string;
  userId: string;
  name: string;
  /** The first characters of the key (`egk_ab12cd34`), safe to show. */
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export class EmailTakenError extends Error {
  constructor() {
    super('An account with this email already exists');
    this.name = 'EmailTakenError';
  }
}

/**
 * Accounts, sessions, API keys and OAuth links. Secrets arrive already hashed: the store never sees
 * a password, session token or API key in clear. test/contract/account-store.contract.ts defines it.
 */
export interface AccountStore {
  /**
   * Creates a user. The first user ever created gets `admin` regardless of `role`, atomically (two
   * simultaneous first sign-ups cannot both become admin). Throws EmailTakenError.
   */
  createUser(input: {
    email: string;
    name: string | null;
    passwordHash: string | null;
    role: Role;
    tier: Tier;
  }): Promise<User>;
  findUserByEmail(email: string): Promise<UserWithSecret | null>;
  findUserById(id: string): Promise<User | null>;
  listUsers(page: { limit: number; offset: number }): Promise<{ items: User[]; total: number }>;
  updateUser(id: string, patch: { role?: Role; tier?: Tier; passwordHash?: string }): Promise<User | null>;

  createSession(session: Session & { userAgent: string | null; ip: string | null }): Promise<void>;
  findSession(tokenHash: string): Promise<Session | null>;
  touchSession(tokenHash: string, lastSeenAt: string, expiresAt: string): Promise<void>;
  deleteSession(tokenHash: string): Promise<void>;
  deleteUserSessions(userId: string): Promise<number>;

  createApiKey(key: ApiKey & { keyHash: string }): Promise<void>;
  listApiKeys(userId: string): Promise<ApiKey[]>;
  /** The active (not revoked) key with this hash. */
  findApiKeyByHash(keyHash: string): Promise<ApiKey | null>;
  /** Revokes the user's key; false when the user has no such active key. */
  revokeApiKey(userId: string, id: string, at: string): Promise<boolean>;
  touchApiKey(id: string, at: string): Promise<void>;

  findOAuthUser(provider: string, providerUserId: string): Promise<User | null>;
  linkOAuth(provider: string, providerUserId: string, userId: string): Promise<void>;
}
