import { z } from 'zod';
import { OAuthError, type OAuthProfile, type OAuthProvider } from '../../ports/oauth.js';
import { fetchJson, oauthErrorCode, UPSTREAM_TIMEOUT_MS } from './http.js';

export interface GoogleOAuthOptions {
  clientId: string;
  clientSecret: string;
  /** https://accounts.google.com (authorize at /o/oauth2/v2/auth). */
  oauthUrl: string;
  /** https://oauth2.googleapis.com/token */
  tokenUrl: string;
  /** https://openidconnect.googleapis.com/v1/userinfo */
  userinfoUrl: string;
  timeoutMs?: number;
}

const TokenResponse = z.object({ access_token: z.string().min(1) });
const UserInfo = z.object({
  sub: z.string().min(1),
  email: z.string().nullish(),
  // Google sends a boolean; some OpenID providers send "true"/"false".
  email_verified: z.union([z.boolean(), z.enum(['true', 'false'])]).nullish(),
  name: z.string().nullish(),
});

/** Google sign-in (OpenID Connect, authorization code + PKCE), profile from the userinfo endpoint. */
export class GoogleOAuthProvider implements OAuthProvider {
  readonly name = 'google' as const;
  private readonly timeoutMs: number;

  constructor(private readonly options: GoogleOAuthOptions) {
    this.timeoutMs = options.timeoutMs ?? UPSTREAM_TIMEOUT_MS;
  }

  authorizeUrl(state: string, codeChallenge: string, redirectUri: string): string {
    const url = new URL('/o/oauth2/v2/auth', this.options.oauthUrl);
    url.search = new URLSearchParams({
      client_id: this.options.clientId,
      redirect_uri: redirectUri,
      response_type: 'code',
      scope: 'openid email profile',
      state,
      code_challenge: codeChallenge,
      code_challenge_method: 'S256',
    }).toString();
    return url.toString();
  }

  async exchange(code: string, codeVerifier: string, redirectUri: string): Promise<OAuthProfile> {
    const token = await fetchJson(
      this.options.tokenUrl,
      {
        method: 'POST',
        headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          client_id: this.options.clientId,
          client_secret: this.options.clientSecret,
          code,
          code_verifier: codeVerifier,
          redirect_uri: redirectUri,
        }),
      },
      'Google token endpoint',
      this.timeoutMs,
    );
    if (token.status >= 400) {
      throw new OAuthError(
        'rejected',
        `Google refused the code (${oauthErrorCode(token.body) ?? token.status})`,
      );
    }
    const parsed = TokenResponse.safeParse(token.body);
    if (!parsed.success) throw new OAuthError('unavailable', 'Google token endpoint: no access_token');

    const info = await fetchJson(
      this.options.userinfoUrl,
      { headers: { accept: 'application/json', authorization: `Bearer ${parsed.data.access_token}` } },
      'Google userinfo',
      this.timeoutMs,
    );
    if (info.status >= 400) throw new OAuthError('rejected', `Google userinfo answered ${info.status}`);
    const profile = UserInfo.safeParse(info.body);
    if (!profile.success) throw new OAuthError('unavailable', 'Google userinfo: unexpected response');
    const { sub, email, email_verified: verified, name } = profile.data;
    return {
      providerUserId: sub,
      email: email ? email.toLowerCase() : null,
      emailVerified: Boolean(email) && (verified === true || verified === 'true'),
      name: name?.trim() || null,
    };
  }
}
