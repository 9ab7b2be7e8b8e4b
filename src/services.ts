import { readFileSync } from 'node:fs';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { S3BlobStore } from './adapters/aws/s3-blob-store.js';
import { SqsJobQueue } from './adapters/aws/sqs-queue.js';
import { createEmbedder } from './adapters/embeddings/index.js';
import { FsBlobStore } from './adapters/fs/blob-store.js';
import { SqliteJobQueue } from './adapters/sqlite/job-queue.js';
import { SqliteKnowledgeStore } from './adapters/sqlite/knowledge-store.js';
import { SqliteVectorIndex } from './adapters/sqlite/vector-index.js';
import type { Catalog } from './features/catalog/validate.js';
import { guideSource, patternMarkdown, type BuiltinSource } from './features/kb/builtin.js';
import { KnowledgeBaseService } from './features/kb/service.js';
import { JobWorker } from './features/kb/worker.js';
import type { BlobStore } from './ports/blob-store.js';
import type { RawContent } from './ports/content-source.js';
import type { JobQueue } from './ports/job-queue.js';
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
import { CachingKeyVault } from './adapters/vault/caching-vault.js';
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
  kb: KnowledgeBaseService;
  queue: JobQueue;
  /** The in-process job worker (local); null where a separate worker runs. */
  worker: JobWorker | null;
  /** Resolves when start-up background work (embedder load, built-in knowledge base sync) is done. */
  backgroundReady: Promise<void>;
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
  const content = new FsContentSource(config.contentDir);
  let raw: RawContent;
  let builtin: Catalog;
  try {
    raw = await content.read();
    ({ catalog: builtin } = await syncBuiltinContent({ read: async () => raw }, catalog, logger));
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
  // Opened provider keys are kept for five minutes (as the KMS vault keeps data keys): a user's runs do not
  // each unwrap and decrypt the same key again. See docs/decisions/0009-key-vault.md.
  const vault = new CachingKeyVault(createKeyVault(config, logger), { ttlMs: 5 * 60_000, maxEntries: 1000 });
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
  if (config.kb.queue.kind === 'sqs') {
    // The knowledge base's documents and chunks live in this instance's SQLite file; a worker in
    // another process (Lambda) only sees them if it shares that store.
    logger.warn(
      'SQS_QUEUE_URL is set but the knowledge base is stored in local SQLite: API and worker must share ' +
        'one database (DATA_DIR) for ingestion to work',
    );
  }
  const { kb, queue, worker } = createKnowledgeBase(config, logger, db);
  const backgroundReady = startKnowledgeBase(
    kb,
    worker,
    [
      ...builtin.patterns.map(patternMarkdown),
      ...raw.guides.map((g) => guideSource(g.file.replace(/^.*\//, '').replace(/\.md$/, ''), String(g.data))),
    ],
    logger,
  );
  return {
    config,
    logger,
    kb,
    queue,
    worker,
    backgroundReady,
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
    system: {
      version: packageVersion(),
      startedAt: new Date(),
      isReady: () => ready,
      embeddings: () => kb.embedderKind(),
    },
    close: async () => {
      ready = false;
      await backgroundReady;
      await worker?.stop();
      await queue.close();
      await limiter.close();
      await catalog.close(); // closes the shared database
    },
  };
}

function createKnowledgeBase(config: Config, logger: Logger, db: ReturnType<typeof openDatabase>) {
  const { kb: settings } = config;
  const queue: JobQueue =
    settings.queue.kind === 'sqs'
      ? new SqsJobQueue({
          client: new SQSClient({}),
          queueUrl: settings.queue.queueUrl,
          ...(settings.queue.deadLetterQueueUrl
            ? { deadLetterQueueUrl: settings.queue.deadLetterQueueUrl }
            : {}),
          maxAttempts: settings.maxAttempts,
          visibilityMs: settings.visibilityMs,
        })
      : new SqliteJobQueue(db, {
          maxAttempts: settings.maxAttempts,
          visibilityMs: settings.visibilityMs,
          // A worker that died on the last attempt cannot report it: fail the document here.
          onExpiredDeadLetter: (job) => kb.jobGaveUp(job.type, job.payload, job.error),
        });
  const blobs: BlobStore =
    settings.blobs.kind === 's3'
      ? new S3BlobStore({
          client: new S3Client({}),
          bucket: settings.blobs.bucket,
          prefix: settings.blobs.prefix,
        })
      : new FsBlobStore(join(config.dataDir, 'blobs'));
  // The model loads in the background; searches and ingestion wait for it, nothing else does.
  const embedder = createEmbedder(
    {
      modelId: settings.embeddings.modelId,
      ...(settings.embeddings.modelDir ? { modelDir: settings.embeddings.modelDir } : {}),
      allowRemote: settings.embeddings.allowRemote,
      cacheDir: join(config.dataDir, 'models'),
      transformers: { dtype: settings.embeddings.dtype, threads: settings.embeddings.threads },
    },
    logger,
  );
  let worker: JobWorker | null = null;
  const kb: KnowledgeBaseService = new KnowledgeBaseService(
    {
      store: new SqliteKnowledgeStore(db),
      vectors: new SqliteVectorIndex(db),
      blobs,
      queue,
      embedder,
      logger,
      onEnqueue: () => worker?.wake(),
    },
    {
      maxUploadBytes: settings.maxUploadBytes,
      maxDocumentsPerUser: settings.maxDocumentsPerUser,
      embedBatchSize: settings.embedBatchSize,
    },
  );
  if (settings.inlineWorker) {
    worker = new JobWorker(queue, (type, payload) => kb.handleJob(type, payload), logger, {
      maxAttempts: settings.maxAttempts,
      visibilityMs: settings.visibilityMs,
      onGiveUp: (job, error) => kb.jobGaveUp(job.type, job.payload, error),
    });
  }
  return { kb, queue, worker };
}

/** Re-embeds after an embedder change, syncs the shared collection, then starts the worker. */
async function startKnowledgeBase(
  kb: KnowledgeBaseService,
  worker: JobWorker | null,
  sources: BuiltinSource[],
  logger: Logger,
): Promise<void> {
  try {
    const embedder = await kb.embedder();
    await kb.ensureEmbedderConsistency();
    const report = await kb.syncBuiltin(sources);
    logger.info({ embeddings: embedder.kind, documents: sources.length, ...report }, 'knowledge base ready');
  } catch (err) {
    logger.error({ err }, 'knowledge base start-up failed');
  }
  worker?.start();
}
