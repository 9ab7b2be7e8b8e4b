import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Argon2PasswordHasher } from './adapters/argon2/password-hasher.js';
import { FsContentSource } from './adapters/fs/content-source.js';
import { MemoryRateLimiter } from './adapters/memory/rate-limiter.js';
import { GitHubOAuthProvider } from './adapters/oauth/github.js';
import { GoogleOAuthProvider } from './adapters/oauth/google.js';
import { RedisRateLimiter } from './adapters/redis/rate-limiter.js';
import { SqliteAccountStore } from './adapters/sqlite/account-store.js';
import { SqliteCatalogStore } from './adapters/sqlite/catalog-store.js';
import { openDatabase } from './adapters/sqlite/database.js';
import { SqliteExecutionStore } from './adapters/sqlite/execution-store.js';
import { SqliteProviderKeyStore } from './adapters/sqlite/provider-key-store.js';
import { GuardedOutboundHttp } from './adapters/http/guarded-fetch.js';
import { AiSdkLlmClient } from './adapters/llm/ai-sdk.js';
import { LogMetrics } from './adapters/metrics/log-metrics.js';
import { createKeyVault } from './adapters/vault/index.js';
import { ExecutionTokenQuota } from './features/ai/quota.js';
import { AiService } from './features/ai/service.js';
import { ProviderKeyService } from './features/provider-keys/service.js';
import type { ExecutionStore } from './ports/execution-store.js';
import type { LlmClient } from './ports/llm.js';
import type { Metrics } from './ports/metrics.js';
import type { Config } from './config.js';
import { OAuthService } from './features/auth/oauth.js';
import { AuthService, DEFAULT_AUTH_OPTIONS } from './features/auth/service.js';
import { syncBuiltinContent } from './features/catalog/sync.js';
import type { SystemInfo } from './features/system/routes.js';
import type { AccountStore } from './ports/account-store.js';
import type { CatalogStore } from './ports/catalog-store.js';
import type { Logger } from './ports/logger.js';
import type { OAuthProvider } from './ports/oauth.js';
import type { RateLimiter } from './ports/rate-limiter.js';

/** Everything the app needs, already wired to concrete adapters. */
export interface Services {
  config: Config;
  logger: Logger;
  catalog: CatalogStore;
  accounts: AccountStore;
  limiter: RateLimiter;
  auth: AuthService;
  /** OAuth sign-in with the providers configured (GitHub, Google); none when unconfigured. */
  oauth: OAuthService;
  providerKeys: ProviderKeyService;
  executions: ExecutionStore;
  ai: AiService;
  llm: LlmClient;
  metrics: Metrics;
  system: SystemInfo;
  close(): Promise<void>;
}

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

/**
 * Picks adapters from config, applies migrations and syncs built-in content. Resolves when the
 * platform is ready to serve.
 */
export async function createServices(config: Config, logger: Logger): Promise<Services> {
  let ready = false;
  const db = openDatabase(join(config.dataDir, 'engify.db'));
  const catalog = new SqliteCatalogStore(db);
  const accounts = new SqliteAccountStore(db);
  const limiter: RateLimiter = config.redisUrl
    ? new RedisRateLimiter(config.redisUrl, logger)
    : new MemoryRateLimiter();
  try {
    await syncBuiltinContent(new FsContentSource(config.contentDir), catalog, logger);
  } catch (err) {
    await limiter.close();
    await catalog.close();
    throw err;
  }
  const auth = new AuthService(accounts, new Argon2PasswordHasher(), limiter, {
    ...DEFAULT_AUTH_OPTIONS,
    sessionTtlSec: config.sessionTtlDays * 24 * 3600,
  });
  const oauthProviders: OAuthProvider[] = [
    ...(config.oauth.github ? [new GitHubOAuthProvider(config.oauth.github)] : []),
    ...(config.oauth.google ? [new GoogleOAuthProvider(config.oauth.google)] : []),
  ];
  const oauth = new OAuthService(accounts, auth, oauthProviders);
  logger.info({ store: catalog.kind, rateLimiter: limiter.kind, oauth: oauth.enabled() }, 'services ready');
  ready = true;
  const vault = await createKeyVault(config, logger);
  const executions = new SqliteExecutionStore(db);
  const metrics = new LogMetrics(logger);
  const outbound = new GuardedOutboundHttp(config.ai.allowPrivateBaseURLs);
  const llm = new AiSdkLlmClient({
    baseURLs: config.ai.baseURLs,
    outbound,
    timeoutMs: config.ai.timeoutMs,
  });
  const providerKeys = new ProviderKeyService(new SqliteProviderKeyStore(db), vault, outbound, llm);
  const ai = new AiService({
    keys: providerKeys,
    llm,
    executions,
    quota: new ExecutionTokenQuota(executions),
    metrics,
  });
  return {
    config,
    logger,
    providerKeys,
    executions,
    ai,
    llm,
    metrics,
    catalog,
    accounts,
    limiter,
    auth,
    oauth,
    system: { version: packageVersion(), startedAt: new Date(), isReady: () => ready },
    close: async () => {
      ready = false;
      await limiter.close();
      await catalog.close(); // closes the shared database
    },
  };
}
