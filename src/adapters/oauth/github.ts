import { z } from 'zod';
import { OAuthError, type OAuthProfile, type OAuthProvider } from '../../ports/oauth.js';
import { fetchJson, oauthErrorCode, UPSTREAM_TIMEOUT_MS } from './http.js';

export interface GitHubOAuthOptions {
  clientId: string;
  clientSecret: string;
  /** https://github.com, or a GitHub Enterprise Server host. */
  oauthUrl: string;
  /** https://api.github.com, or `https://<ghes>/api/v3`. */
  apiUrl: string;
  timeoutMs?: number;
}

const TokenResponse = z.object({ access_token: z.string().min(1) });
const GitHubUser = z.object({ id: z.number().int(), login: z.string(), name: z.string().nullish() });
const GitHubEmails = z.array(z.object({ email: z.string(), primary: z.boolean(), verified: z.boolean() }));

/**
 * GitHub OAuth app sign-in: /login/oauth/authorize, then /login/oauth/access_token (which reports
 * errors as HTTP 200 with an `error` field), then /user and /user/emails for the primary verified email.
 */
export class GitHubOAuthProvider implements OAuthProvider {
  readonly name = 'github' as const;
  private readonly timeoutMs: number;

  constructor(private readonly options: GitHubOAuthOptions) {
    this.timeoutMs = options.timeoutMs ?? UPSTREAM_TIMEOUT_MS;
  }

  authorizeUrl(state: string, codeChallenge: string, redirectUri: string): string {
    const url = new URL('/login/oauth/authorize', this.options.oauthUrl);
    url.search = new URLSearchParams({
      client_id: this.options.clientId,
      redirect_uri: redirectUri,
      scope: 'read:user user:email',
      state,
      code_challenge: codeChallenge,
      code_challenge_method: 'S256',
      allow_signup: 'true',
    }).toString();
    return url.toString();
  }

  async exchange(code: string, codeVerifier: string, redirectUri: string): Promise<OAuthProfile> {
    const token = await fetchJson(
      new URL('/login/oauth/access_token', this.options.oauthUrl).toString(),
      {
        method: 'POST',
        headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          client_id: this.options.clientId,
          client_secret: this.options.clientSecret,
          code,
          redirect_uri: redirectUri,
          code_verifier: codeVerifier,
        }),
      },
      'GitHub token endpoint',
      this.timeoutMs,
    );
    const error = oauthErrorCode(token.body);
    if (error || token.status >= 400) {
      throw new OAuthError('rejected', `GitHub refused the code (${error ?? token.status})`);
    }
    const parsed = TokenResponse.safeParse(token.body);
    if (!parsed.success) throw new OAuthError('unavailable', 'GitHub token endpoint: no access_token');
    const accessToken = parsed.data.access_token;

    const [user, emails] = await Promise.all([
      this.api('/user', accessToken, GitHubUser),
      this.api('/user/emails', accessToken, GitHubEmails),
    ]);
    // Only the primary address counts: it is the one the user chose to be reached at.
    const primary = emails.find((e) => e.primary);
    return {
      providerUserId: String(user.id),
      email: primary?.email.toLowerCase() ?? null,
      emailVerified: primary?.verified === true,
      name: user.name?.trim() || user.login,
    };
  }

  private async api<T>(path: string, accessToken: string, schema: z.ZodType<T>): Promise<T> {
    const base = this.options.apiUrl.endsWith('/') ? this.options.apiUrl : `${this.options.apiUrl}/`;
    const res = await fetchJson(
      new URL(path.slice(1), base).toString(),
      {
        headers: {
          accept: 'application/vnd.github+json',
          authorization: `Bearer ${accessToken}`,
          'user-agent': 'Engify',
          'x-github-api-version': '2022-11-28',
        },
      },
      `GitHub ${path}`,
      this.timeoutMs,
    );
    if (res.status >= 400) throw new OAuthError('rejected', `GitHub ${path} answered ${res.status}`);
    const parsed = schema.safeParse(res.body);
    if (!parsed.success) throw new OAuthError('unavailable', `GitHub ${path}: unexpected response`);
    return parsed.data;
  }
}
