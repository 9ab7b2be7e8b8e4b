/** OAuth 2.0 sign-in providers Engify knows how to talk to. */
export type OAuthProviderName = 'github' | 'google';
export const OAUTH_PROVIDERS: readonly OAuthProviderName[] = ['github', 'google'];

/** Who the provider says signed in. */
export interface OAuthProfile {
  /** The provider's stable id for the user (GitHub numeric id, Google `sub`), never the email. */
  providerUserId: string;
  /** Lower-cased; null when the provider shared none. */
  email: string | null;
  /** True only when the provider vouches that the user controls `email`. */
  emailVerified: boolean;
  name: string | null;
}

/**
 * Why an exchange failed: `rejected` — the provider refused the code, verifier, redirect URI or our
 * client credentials; `unavailable` — it timed out, answered 5xx or something we could not read.
 * Messages never contain secrets, codes or tokens.
 */
export class OAuthError extends Error {
  constructor(
    readonly kind: 'rejected' | 'unavailable',
    message: string,
  ) {
    super(message);
    this.name = 'OAuthError';
  }
}

/** One provider's authorization code flow with PKCE (S256). */
export interface OAuthProvider {
  readonly name: OAuthProviderName;
  /** Where to send the browser to sign in. */
  authorizeUrl(state: string, codeChallenge: string, redirectUri: string): string;
  /** Trades the code for a token and reads the profile with it. Throws OAuthError. */
  exchange(code: string, codeVerifier: string, redirectUri: string): Promise<OAuthProfile>;
}
