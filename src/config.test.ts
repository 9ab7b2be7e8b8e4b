import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('loadConfig', () => {
  it('has safe local defaults for everything', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      env: 'development',
      port: 3000,
      host: '127.0.0.1',
      dataDir: './data',
      logLevel: 'info',
      bodyLimitBytes: 1024 * 1024,
    });
  });

  it('reads PORT, HOST, DATA_DIR and LOG_LEVEL', () => {
    const config = loadConfig({ PORT: '8080', HOST: '0.0.0.0', DATA_DIR: '/var/engify', LOG_LEVEL: 'debug' });
    expect(config).toMatchObject({ port: 8080, host: '0.0.0.0', dataDir: '/var/engify', logLevel: 'debug' });
  });

  it('treats empty values as unset', () => {
    expect(loadConfig({ PORT: '' }).port).toBe(3000);
  });

  it('names every invalid variable', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', LOG_LEVEL: 'loud', NODE_ENV: 'staging' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toContain('PORT="eighty"');
    expect(message).toContain('LOG_LEVEL="loud"');
    expect(message).toContain('NODE_ENV="staging"');
    expect((error as ConfigError).problems).toHaveLength(3);
  });

  it('rejects out-of-range ports', () => {
    expect(() => loadConfig({ PORT: '70000' })).toThrow(/PORT/);
  });

  describe('OAuth providers', () => {
    it('enables none by default, with the real provider URLs as defaults', () => {
      expect(loadConfig({}).oauth).toEqual({});
      const both = loadConfig({
        GITHUB_CLIENT_ID: 'gh-id',
        GITHUB_CLIENT_SECRET: 'gh-secret',
        GOOGLE_CLIENT_ID: 'g-id',
        GOOGLE_CLIENT_SECRET: 'g-secret',
      });
      expect(both.oauth).toEqual({
        github: {
          clientId: 'gh-id',
          clientSecret: 'gh-secret',
          oauthUrl: 'https://github.com',
          apiUrl: 'https://api.github.com',
        },
        google: {
          clientId: 'g-id',
          clientSecret: 'g-secret',
          oauthUrl: 'https://accounts.google.com',
          tokenUrl: 'https://oauth2.googleapis.com/token',
          userinfoUrl: 'https://openidconnect.googleapis.com/v1/userinfo',
        },
      });
    });

    it('enables one provider and takes override URLs (GitHub Enterprise, tests)', () => {
      const config = loadConfig({
        GITHUB_CLIENT_ID: 'id',
        GITHUB_CLIENT_SECRET: 'secret',
        GITHUB_OAUTH_URL: 'https://ghe.example.com/',
        GITHUB_API_URL: 'https://ghe.example.com/api/v3',
        GOOGLE_CLIENT_ID: '',
      });
      expect(Object.keys(config.oauth)).toEqual(['github']);
      expect(config.oauth.github).toMatchObject({
        oauthUrl: 'https://ghe.example.com',
        apiUrl: 'https://ghe.example.com/api/v3',
      });
    });

    const problemsOf = (env: Record<string, string>): ConfigError => {
      try {
        loadConfig(env);
      } catch (err) {
        if (err instanceof ConfigError) return err;
        throw err;
      }
      throw new Error('expected a ConfigError');
    };

    it('names bad provider URLs', () => {
      const error = problemsOf({ GOOGLE_TOKEN_URL: 'not a url', GITHUB_API_URL: 'ftp://api.example.com' });
      expect(error.message).toContain('GOOGLE_TOKEN_URL="not a url"');
      expect(error.message).toContain('GITHUB_API_URL="ftp://api.example.com"');
      expect(error.problems).toHaveLength(2);
    });

    it('names a client id without its secret (and the reverse), never echoing the secret', () => {
      const error = problemsOf({ GITHUB_CLIENT_ID: 'id-only', GOOGLE_CLIENT_SECRET: 'super-secret-value' });
      expect(error.problems).toEqual([
        expect.stringMatching(/^GITHUB_CLIENT_SECRET: required when GITHUB_CLIENT_ID is set/),
        expect.stringMatching(/^GOOGLE_CLIENT_ID: required when GOOGLE_CLIENT_SECRET is set/),
      ]);
      expect(error.message).not.toContain('super-secret-value');
    });
  });
});
