import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A fake OAuth server on 127.0.0.1 speaking GitHub's and Google's documented wire formats, so the real
 * adapters run against real HTTP:
 * - GitHub: GET /login/oauth/authorize, POST /login/oauth/access_token (errors are HTTP 200 with an
 *   `error` field; JSON only with `Accept: application/json`), GET /user and /user/emails (Bearer).
 * - Google: GET /o/oauth2/v2/auth, POST /token (form-encoded; 400 `invalid_grant`, 401
 *   `invalid_client`), GET /v1/userinfo (Bearer).
 * The token endpoints check the client id and secret, that the code is one we issued (once), the
 * redirect_uri it was issued for, and the PKCE verifier against the S256 challenge.
 */
export type FakeProviderName = 'github' | 'google';

export interface FakeOAuthUser {
  /** GitHub numeric id / Google `sub`. */
  id: string;
  email: string;
  emailVerified: boolean;
  name: string;
  /** GitHub only. */
  login?: string;
}

export interface FakeOAuthProvider {
  origin: string;
  clients: Record<FakeProviderName, { id: string; secret: string }>;
  /** Who signs in at the authorize endpoint next, per provider. */
  user: Record<FakeProviderName, FakeOAuthUser>;
  /** Failure modes: the token endpoint answers 500, or never answers. */
  failure: 'none' | 'token_500' | 'token_hang';
  /** Token endpoint calls seen, with what was wrong (null when it issued a token). */
  tokenCalls: { provider: FakeProviderName; error: string | null }[];
  /** Environment for loadConfig pointing both providers at this fake. */
  env(overrides?: Record<string, string>): Record<string, string>;
  close(): Promise<void>;
}

interface IssuedCode {
  provider: FakeProviderName;
  clientId: string;
  redirectUri: string;
  challenge: string;
  user: FakeOAuthUser;
}

const s256 = (verifier: string) => createHash('sha256').update(verifier).digest('base64url');
const token = () => randomBytes(20).toString('hex');

async function readBody(req: IncomingMessage): Promise<Record<string, string>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if ((req.headers['content-type'] ?? '').includes('application/json')) {
    return text ? (JSON.parse(text) as Record<string, string>) : {};
  }
  return Object.fromEntries(new URLSearchParams(text));
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, {
    'content-type': typeof body === 'string' ? 'text/html' : 'application/json; charset=utf-8',
    ...headers,
  });
  res.end(text);
}

export async function startFakeOAuthProvider(): Promise<FakeOAuthProvider> {
  const codes = new Map<string, IssuedCode>();
  const tokens = new Map<string, { provider: FakeProviderName; user: FakeOAuthUser }>();
  const hanging = new Set<ServerResponse>();

  const fake: Omit<FakeOAuthProvider, 'origin' | 'env' | 'close'> = {
    clients: {
      github: { id: 'gh-client-id', secret: 'gh-client-secret' },
      google: { id: 'google-client-id.apps.googleusercontent.com', secret: 'google-client-secret' },
    },
    user: {
      github: { id: '1001', login: 'octo', name: 'Octo Cat', email: 'octo@example.com', emailVerified: true },
      google: { id: '110000000000000000001', name: 'Goo Gle', email: 'goo@example.com', emailVerified: true },
    },
    failure: 'none',
    tokenCalls: [],
  };

  function authorize(provider: FakeProviderName, url: URL, res: ServerResponse) {
    const q = url.searchParams;
    const client = fake.clients[provider];
    const problems = [
      q.get('client_id') !== client.id && 'unknown client_id',
      !q.get('redirect_uri') && 'missing redirect_uri',
      !q.get('state') && 'missing state',
      q.get('code_challenge_method') !== 'S256' && 'code_challenge_method must be S256',
      !/^[A-Za-z0-9_-]{43}$/.test(q.get('code_challenge') ?? '') && 'bad code_challenge',
      provider === 'google' && q.get('response_type') !== 'code' && 'response_type must be code',
      provider === 'google' && q.get('scope') !== 'openid email profile' && 'unexpected scope',
      provider === 'github' && q.get('scope') !== 'read:user user:email' && 'unexpected scope',
    ].filter(Boolean);
    if (problems.length > 0) return send(res, 400, `<h1>Bad authorize request: ${problems.join(', ')}</h1>`);
    const code = token();
    codes.set(code, {
      provider,
      clientId: client.id,
      redirectUri: q.get('redirect_uri')!,
      challenge: q.get('code_challenge')!,
      user: { ...fake.user[provider] },
    });
    const back = new URL(q.get('redirect_uri')!);
    back.searchParams.set('code', code);
    back.searchParams.set('state', q.get('state')!);
    res.writeHead(302, { location: back.toString() });
    res.end();
  }

  /** Validates a token request; returns the issued code or the OAuth error code. */
  function checkTokenRequest(
    provider: FakeProviderName,
    body: Record<string, string>,
  ): { issued: IssuedCode } | { error: string } {
    const client = fake.clients[provider];
    if (body.client_id !== client.id || body.client_secret !== client.secret) {
      return { error: provider === 'github' ? 'incorrect_client_credentials' : 'invalid_client' };
    }
    const issued = codes.get(body.code ?? '');
    if (!issued || issued.provider !== provider) {
      return { error: provider === 'github' ? 'bad_verification_code' : 'invalid_grant' };
    }
    codes.delete(body.code!); // single use
    if (issued.redirectUri !== body.redirect_uri) return { error: 'redirect_uri_mismatch' };
    if (!body.code_verifier || s256(body.code_verifier) !== issued.challenge) {
      return { error: provider === 'github' ? 'bad_verification_code' : 'invalid_grant' };
    }
    return { issued };
  }

  async function tokenEndpoint(provider: FakeProviderName, req: IncomingMessage, res: ServerResponse) {
    if (req.method !== 'POST') return send(res, 405, { error: 'method_not_allowed' });
    const body = await readBody(req);
    if (fake.failure === 'token_500') {
      fake.tokenCalls.push({ provider, error: 'server_error' });
      return send(res, 500, '<h1>Internal Server Error</h1>');
    }
    if (fake.failure === 'token_hang') {
      hanging.add(res);
      return;
    }
    if (provider === 'google' && body.grant_type !== 'authorization_code') {
      fake.tokenCalls.push({ provider, error: 'unsupported_grant_type' });
      return send(res, 400, { error: 'unsupported_grant_type' });
    }
    const result = checkTokenRequest(provider, body);
    fake.tokenCalls.push({ provider, error: 'error' in result ? result.error : null });
    if ('error' in result) {
      if (provider === 'github') {
        return send(res, 200, { error: result.error, error_description: 'The request was refused.' });
      }
      return send(res, result.error === 'invalid_client' ? 401 : 400, {
        error: result.error,
        error_description: 'Bad Request',
      });
    }
    const accessToken = `${provider === 'github' ? 'gho_' : 'ya29.'}${token()}`;
    tokens.set(accessToken, { provider, user: result.issued.user });
    if (provider === 'github') {
      const answer = { access_token: accessToken, token_type: 'bearer', scope: 'read:user,user:email' };
      if ((req.headers.accept ?? '').includes('application/json')) return send(res, 200, answer);
      res.writeHead(200, { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' });
      return res.end(new URLSearchParams(answer).toString());
    }
    return send(res, 200, {
      access_token: accessToken,
      expires_in: 3599,
      token_type: 'Bearer',
      scope:
        'openid https://www.googleapis.com/auth/userinfo.email https://www.googleapis.com/auth/userinfo.profile',
      id_token: 'not.checked.here',
    });
  }

  function bearer(provider: FakeProviderName, req: IncomingMessage) {
    const match = /^(?:Bearer|token)\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    const found = match ? tokens.get(match[1]!) : undefined;
    return found && found.provider === provider ? found.user : null;
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    void (async () => {
      switch (url.pathname) {
        case '/login/oauth/authorize':
          return authorize('github', url, res);
        case '/o/oauth2/v2/auth':
          return authorize('google', url, res);
        case '/login/oauth/access_token':
          return tokenEndpoint('github', req, res);
        case '/token':
          return tokenEndpoint('google', req, res);
        case '/user':
        case '/user/emails': {
          const user = bearer('github', req);
          if (!user) {
            return send(res, 401, {
              message: 'Requires authentication',
              documentation_url: 'https://docs.github.com/rest',
            });
          }
          if (!req.headers['user-agent']) return send(res, 403, { message: 'User-Agent required' });
          if (url.pathname === '/user') {
            return send(res, 200, {
              login: user.login ?? 'someone',
              id: Number(user.id),
              name: user.name,
              email: null,
              type: 'User',
            });
          }
          // A verified secondary address too: only the primary one may be used.
          return send(res, 200, [
            { email: `${user.login}@secondary.example`, primary: false, verified: true, visibility: null },
            { email: user.email, primary: true, verified: user.emailVerified, visibility: 'private' },
          ]);
        }
        case '/v1/userinfo': {
          const user = bearer('google', req);
          if (!user)
            return send(res, 401, { error: 'invalid_request', error_description: 'Invalid Credentials' });
          return send(res, 200, {
            sub: user.id,
            name: user.name,
            email: user.email,
            email_verified: user.emailVerified,
            picture: 'https://example.com/a.png',
          });
        }
        default:
          return send(res, 404, { message: 'Not Found' });
      }
    })().catch((err: unknown) => send(res, 500, String(err)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return Object.assign(fake, {
    origin,
    env(overrides: Record<string, string> = {}) {
      return {
        GITHUB_CLIENT_ID: fake.clients.github.id,
        GITHUB_CLIENT_SECRET: fake.clients.github.secret,
        GITHUB_OAUTH_URL: origin,
        GITHUB_API_URL: origin,
        GOOGLE_CLIENT_ID: fake.clients.google.id,
        GOOGLE_CLIENT_SECRET: fake.clients.google.secret,
        GOOGLE_OAUTH_URL: origin,
        GOOGLE_TOKEN_URL: `${origin}/token`,
        GOOGLE_USERINFO_URL: `${origin}/v1/userinfo`,
        ...overrides,
      };
    },
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
}
