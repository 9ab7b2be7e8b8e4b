import { createHash, timingSafeEqual } from 'node:crypto';
import { AppError } from '../../lib/errors.js';
import { EmailTakenError, type AccountStore, type User } from '../../ports/account-store.js';
import {
  OAUTH_PROVIDERS,
  OAuthError,
  type OAuthProfile,
  type OAuthProvider,
  type OAuthProviderName,
} from '../../ports/oauth.js';
import type { AuthService } from './service.js';
import { newSecret } from './tokens.js';

/** What the browser carries between start and callback (in a short-lived HttpOnly cookie). */
export interface OAuthFlow {
  provider: OAuthProviderName;
  state: string;
  verifier: string;
  next: string;
}

/** Why a sign-in failed; sent to the sign-in page as `?error=<reason>`. */
export type OAuthFailure = 'oauth_state' | 'oauth_failed' | 'oauth_unverified_email';

const fail = (reason: OAuthFailure, message: string, details: Record<string, unknown> = {}) =>
  new AppError(400, 'oauth_failed', message, { reason, ...details });

/** The reason carried by an error thrown from this module, if it is one of ours. */
export function oauthFailureReason(err: unknown): OAuthFailure | null {
  if (err instanceof AppError && err.code === 'oauth_failed') {
    return (err.details?.reason as OAuthFailure | undefined) ?? 'oauth_failed';
  }
  return null;
}

/**
 * Where to go after signing in: only a same-origin path (`/library?q=x`). Protocol-relative
 * (`//evil.com`), backslash (`/\evil.com`, which browsers read as `//`), absolute URLs and control
 * characters all become `/`.
 */
export function safeNext(next: string | undefined): string {
  if (!next || next.length > 2000 || !next.startsWith('/')) return '/';
  const control = [...next].some((ch) => ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f);
  if (next.startsWith('//') || next.includes('\\') || control) return '/';
  const base = 'http://engify.invalid';
  let url: URL;
  try {
    url = new URL(next, base);
  } catch {
    return '/';
  }
  return url.origin === base ? `${url.pathname}${url.search}${url.hash}` : '/';
}

const s256 = (verifier: string) => createHash('sha256').update(verifier).digest('base64url');
const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * OAuth sign-in use cases. An identity is found by (provider, provider user id); failing that, a
 * *verified* provider email links to the account with that email; failing that, a password-less
 * account is created and linked. Unverified (or missing) emails never link and never create: whoever
 * controls such an address at the provider has not proved they own it here.
 */
export class OAuthService {
  private readonly providers: Map<OAuthProviderName, OAuthProvider>;

  constructor(
    private readonly accounts: AccountStore,
    private readonly auth: AuthService,
    providers: OAuthProvider[],
  ) {
    this.providers = new Map(providers.map((p) => [p.name, p]));
  }

  /** Enabled providers, in a stable order. */
  enabled(): OAuthProviderName[] {
    return OAUTH_PROVIDERS.filter((name) => this.providers.has(name));
  }

  /** The enabled provider with this name; 404 for unknown or unconfigured ones. */
  provider(name: string): OAuthProvider {
    const provider = this.providers.get(name as OAuthProviderName);
    if (!provider) throw AppError.notFound(`Sign-in provider "${name.slice(0, 40)}"`);
    return provider;
  }

  /** A fresh state and PKCE verifier, and the provider URL to send the browser to. */
  start(name: string, next: string | undefined, redirectUri: string): { url: string; flow: OAuthFlow } {
    const provider = this.provider(name);
    const flow: OAuthFlow = {
      provider: provider.name,
      state: newSecret(32),
      verifier: newSecret(48),
      next: safeNext(next),
    };
    return { url: provider.authorizeUrl(flow.state, s256(flow.verifier), redirectUri), flow };
  }

  /**
   * Checks the returned state against the flow the browser started, exchanges the code and signs the
   * user in. Throws AppError `oauth_failed` (400) with `details.reason` for anything that went wrong.
   */
  async complete(
    name: string,
    flow: OAuthFlow | null,
    query: { code?: string | undefined; state?: string | undefined; error?: string | undefined },
    redirectUri: string,
    meta: { userAgent: string | null; ip: string | null },
  ) {
    const provider = this.provider(name);
    if (
      !flow ||
      flow.provider !== provider.name ||
      !query.state ||
      !timingSafeEqual(digest(query.state), digest(flow.state))
    ) {
      throw fail('oauth_state', 'The sign-in attempt expired or did not start here; try again');
    }
    if (query.error || !query.code) {
      throw fail('oauth_failed', `${provider.name} did not authorize the sign-in`, {
        providerError: (query.error ?? 'no_code').slice(0, 64),
      });
    }
    let profile: OAuthProfile;
    try {
      profile = await provider.exchange(query.code, flow.verifier, redirectUri);
    } catch (err) {
      if (err instanceof OAuthError) throw fail('oauth_failed', err.message, { kind: err.kind });
      throw err;
    }
    const { user, outcome } = await this.resolveUser(provider.name, profile);
    const session = await this.auth.signInWithOAuth(user, meta);
    return { ...session, outcome, next: flow.next };
  }

  /** Finds, links or creates the account for a provider identity (see the class comment). */
  async resolveUser(
    provider: OAuthProviderName,
    profile: OAuthProfile,
  ): Promise<{ user: User; outcome: 'existing' | 'linked' | 'created' }> {
    const known = await this.accounts.findOAuthUser(provider, profile.providerUserId);
    if (known) return { user: known, outcome: 'existing' };
    const email = profile.email?.trim().toLowerCase();
    if (!email || !profile.emailVerified || email.length > 254 || !email.includes('@')) {
      throw fail(
        'oauth_unverified_email',
        `Your ${provider} account has no verified email address; verify one there and try again`,
      );
    }
    let outcome: 'linked' | 'created' = 'linked';
    let user: User | null = await this.findByEmail(email);
    if (!user) {
      try {
        user = await this.accounts.createUser({
          email,
          name: profile.name?.slice(0, 100) ?? null,
          passwordHash: null,
          role: 'user',
          tier: 'free',
        });
        outcome = 'created';
      } catch (err) {
        if (!(err instanceof EmailTakenError)) throw err;
        user = await this.findByEmail(email); // created concurrently: link to it
        if (!user) throw err;
      }
    }
    await this.accounts.linkOAuth(provider, profile.providerUserId, user.id);
    // If another request linked this identity first, its link wins.
    return { user: (await this.accounts.findOAuthUser(provider, profile.providerUserId)) ?? user, outcome };
  }

  private async findByEmail(email: string): Promise<User | null> {
    const found = await this.accounts.findUserByEmail(email);
    if (!found) return null;
    const { passwordHash: _secret, ...user } = found;
    return user;
  }
}
