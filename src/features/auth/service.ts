import { randomUUID } from 'node:crypto';
import { isStale } from '../../lib/last-used.js';
import { AppError } from '../../lib/errors.js';
import { EmailTakenError, type AccountStore, type ApiKey, type User } from '../../ports/account-store.js';
import type { PasswordHasher } from '../../ports/password-hasher.js';
import type { RateLimiter, RateRule } from '../../ports/rate-limiter.js';
import { apiKeyDisplayPrefix, API_KEY_PREFIX, newApiKey, newSecret, tokenHash } from './tokens.js';

export interface Principal {
  user: User;
  via: 'session' | 'api_key';
  /** Hash of the session token, when signed in with a cookie. */
  sessionTokenHash?: string;
  apiKeyId?: string;
}

export interface AuthOptions {
  sessionTtlSec: number;
  /** Failed sign-ins per account before it is locked for `blockSec`. */
  accountFailures: RateRule;
  /** Failed sign-ins per IP address before it is locked. */
  ipFailures: RateRule;
  /** Failures on an account after which each further failure is answered more slowly. */
  slowDownAfter: number;
  maxDelayMs: number;
}

export const DEFAULT_AUTH_OPTIONS: AuthOptions = {
  sessionTtlSec: 30 * 24 * 3600,
  accountFailures: { points: 5, durationSec: 15 * 60, blockSec: 15 * 60 },
  ipFailures: { points: 30, durationSec: 15 * 60, blockSec: 15 * 60 },
  slowDownAfter: 2,
  maxDelayMs: 2000,
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class AuthService {
  /** A real hash of a random password, verified when the email is unknown so timing does not leak it. */
  private dummyHash: Promise<string> | undefined;

  constructor(
    private readonly accounts: AccountStore,
    private readonly hasher: PasswordHasher,
    private readonly limiter: RateLimiter,
    private readonly options: AuthOptions = DEFAULT_AUTH_OPTIONS,
    private readonly now: () => Date = () => new Date(),
  ) {}

  private async startSession(user: User, meta: { userAgent: string | null; ip: string | null }) {
    const token = newSecret();
    const at = this.now();
    const expiresAt = new Date(at.getTime() + this.options.sessionTtlSec * 1000);
    await this.accounts.createSession({
      tokenHash: tokenHash(token),
      userId: user.id,
      createdAt: at.toISOString(),
      lastSeenAt: at.toISOString(),
      expiresAt: expiresAt.toISOString(),
      ...meta,
    });
    return { token, expiresAt };
  }

  async signUp(
    input: { email: string; password: string; name?: string | undefined },
    meta: { userAgent: string | null; ip: string | null },
  ) {
    if (input.password.toLowerCase() === input.email.toLowerCase()) {
      throw AppError.badRequest('invalid_request', 'Choose a password that is not your email address');
    }
    let user: User;
    try {
      user = await this.accounts.createUser({
        email: input.email,
        name: input.name ?? null,
        passwordHash: await this.hasher.hash(input.password),
        role: 'user',
        tier: 'free',
      });
    } catch (err) {
      if (err instanceof EmailTakenError) {
        throw new AppError(409, 'email_taken', 'An account with this email already exists; sign in instead');
      }
      throw err;
    }
    return { user, ...(await this.startSession(user, meta)) };
  }

  /**
   * Checks a password. Failures count per account and per IP: after `slowDownAfter` failures each
   * answer is delayed (doubling, up to `maxDelayMs`), and past the budget the account or IP is locked.
   */
  async signIn(
    input: { email: string; password: string },
    meta: { userAgent: string | null; ip: string | null },
  ) {
    const accountKey = `signin-fail:account:${input.email}`;
    const ipKey = `signin-fail:ip:${meta.ip ?? 'unknown'}`;
    for (const [key, rule] of [
      [accountKey, this.options.accountFailures],
      [ipKey, this.options.ipFailures],
    ] as const) {
      const state = await this.limiter.peek(key, rule);
      if (!state.allowed) {
        throw new AppError(
          429,
          'account_locked',
          'Too many failed sign-in attempts; try again later',
          undefined,
          {
            'Retry-After': String(state.retryAfterSec ?? state.resetSec),
          },
        );
      }
    }

    const user = await this.accounts.findUserByEmail(input.email);
    const ok = user?.passwordHash
      ? await this.hasher.verify(user.passwordHash, input.password)
      : await this.hasher.verify(await (this.dummyHash ??= this.hasher.hash(newSecret())), input.password);
    if (!user || !ok) {
      const [account] = await Promise.all([
        this.limiter.consume(accountKey, this.options.accountFailures),
        this.limiter.consume(ipKey, this.options.ipFailures),
      ]);
      const failures = account.limit - account.remaining;
      if (failures > this.options.slowDownAfter) {
        await sleep(
          Math.min(this.options.maxDelayMs, 250 * 2 ** (failures - this.options.slowDownAfter - 1)),
        );
      }
      throw new AppError(401, 'invalid_credentials', 'Email or password is incorrect');
    }
    await this.limiter.reset(accountKey, this.options.accountFailures);
    const { passwordHash: _secret, ...publicUser } = user;
    return { user: publicUser, ...(await this.startSession(publicUser, meta)) };
  }

  /**
   * Starts a session for a user the OAuth flow has already identified (src/features/auth/oauth.ts),
   * exactly as a password sign-in does.
   */
  async signInWithOAuth(user: User, meta: { userAgent: string | null; ip: string | null }) {
    return { user, ...(await this.startSession(user, meta)) };
  }

  /** Resolves a session cookie; renews it when more than a day has passed since it was last renewed. */
  async authenticateSession(token: string): Promise<Principal | null> {
    const hash = tokenHash(token);
    const session = await this.accounts.findSession(hash);
    if (!session) return null;
    const now = this.now();
    if (Date.parse(session.expiresAt) <= now.getTime()) {
      await this.accounts.deleteSession(hash);
      return null;
    }
    const user = await this.accounts.findUserById(session.userId);
    if (!user) return null;
    if (now.getTime() - Date.parse(session.lastSeenAt) > 24 * 3600 * 1000) {
      const expiresAt = new Date(now.getTime() + this.options.sessionTtlSec * 1000);
      await this.accounts.touchSession(hash, now.toISOString(), expiresAt.toISOString());
    }
    return { user, via: 'session', sessionTokenHash: hash };
  }

  async authenticateApiKey(key: string): Promise<Principal | null> {
    if (!key.startsWith(API_KEY_PREFIX) || key.length > 200) return null;
    const apiKey = await this.accounts.findApiKeyByHash(tokenHash(key));
    if (!apiKey) return null;
    const user = await this.accounts.findUserById(apiKey.userId);
    if (!user) return null;
    const now = this.now();
    // "Last used" is shown to the minute; skipping the write on every call keeps it off the hot path.
    if (isStale(apiKey.lastUsedAt, now)) await this.accounts.touchApiKey(apiKey.id, now.toISOString());
    return { user, via: 'api_key', apiKeyId: apiKey.id };
  }

  async signOut(principal: Principal, everywhere: boolean): Promise<number> {
    if (everywhere) return this.accounts.deleteUserSessions(principal.user.id);
    if (principal.sessionTokenHash) await this.accounts.deleteSession(principal.sessionTokenHash);
    return principal.sessionTokenHash ? 1 : 0;
  }

  /** Creates a personal API key. The key itself is returned once and never stored. */
  async createApiKey(userId: string, name: string): Promise<{ key: string; apiKey: ApiKey }> {
    const key = newApiKey();
    const apiKey: ApiKey = {
      id: randomUUID(),
      userId,
      name,
      prefix: apiKeyDisplayPrefix(key),
      createdAt: this.now().toISOString(),
      lastUsedAt: null,
      revokedAt: null,
    };
    await this.accounts.createApiKey({ ...apiKey, keyHash: tokenHash(key) });
    return { key, apiKey };
  }

  listApiKeys(userId: string): Promise<ApiKey[]> {
    return this.accounts.listApiKeys(userId);
  }

  async revokeApiKey(userId: string, id: string): Promise<void> {
    if (!(await this.accounts.revokeApiKey(userId, id, this.now().toISOString()))) {
      throw AppError.notFound('API key');
    }
  }
}
