import { z } from 'zod';

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

/** A master key: base64 of exactly 32 bytes. */
const MASTER_KEY_B64 = /^[A-Za-z0-9+/]{43}=$/;
const masterKeyError = 'must be base64 of exactly 32 random bytes (e.g. `openssl rand -base64 32`)';
/** Variables whose values never appear in error messages. */
const SECRET_VARIABLES = new Set([
  'ENGIFY_MASTER_KEY',
  'ENGIFY_MASTER_KEYS_PREVIOUS',
  'GITHUB_CLIENT_SECRET',
  'GOOGLE_CLIENT_SECRET',
]);

/** Environment variables Engify reads, with safe local defaults. Only this module reads process.env. */
const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATA_DIR: z.string().min(1).default('./data'),
  CONTENT_DIR: z.string().min(1).default('./content'),
  WEB_DIR: z.string().min(1).default('./web/out'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(50 * 1024 * 1024)
    .default(1024 * 1024),
  REDIS_URL: z.url({ error: 'must be a redis:// URL' }).optional(),
  PUBLIC_URL: z
    .url({ error: 'must be the absolute URL users open, e.g. https://engify.example.com' })
    .optional(),
  CORS_ORIGINS: z.string().default(''),
  TRUST_PROXY: z.enum(['true', 'false', '1', '0']).default('false'),
  SESSION_TTL_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  ENGIFY_MASTER_KEY: z.string().trim().regex(MASTER_KEY_B64, { error: masterKeyError }).optional(),
  ENGIFY_MASTER_KEYS_PREVIOUS: z
    .string()
    .transform((v) =>
      v
        .split(',')
        .map((k) => k.trim())
        .filter(Boolean),
    )
    .refine((keys) => keys.every((k) => MASTER_KEY_B64.test(k)), {
      error: `comma-separated keys, each ${masterKeyError}`,
    })
    .optional(),
  KMS_KEY_ID: z.string().trim().min(1).optional(),
  OPENAI_BASE_URL: z.url({ error: 'must be an absolute http(s) URL' }).optional(),
  ANTHROPIC_BASE_URL: z.url({ error: 'must be an absolute http(s) URL' }).optional(),
  GOOGLE_BASE_URL: z.url({ error: 'must be an absolute http(s) URL' }).optional(),
  ALLOW_PRIVATE_BASE_URLS: z.enum(['true', 'false', '1', '0']).optional(),
  AI_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(1000)
    .max(15 * 60_000)
    .default(120_000),
  SSE_HEARTBEAT_MS: z.coerce.number().int().min(100).max(120_000).default(15_000),
  KB_MAX_UPLOAD_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(100 * 1024 * 1024)
    .default(10 * 1024 * 1024),
  KB_WORKER: z.enum(['inline', 'off']).default('inline'),
  KB_MAX_DOCUMENTS_PER_USER: z.coerce.number().int().min(1).max(1_000_000).default(1000),
  JOB_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(5),
  JOB_VISIBILITY_MS: z.coerce
    .number()
    .int()
    .min(1000)
    .max(12 * 3600_000)
    .default(5 * 60_000),
  KB_EMBED_BATCH_SIZE: z.coerce.number().int().min(1).max(256).default(32),
  EMBEDDINGS_MODEL: z.string().trim().min(1).default('Xenova/all-MiniLM-L6-v2'),
  EMBEDDINGS_MODEL_DIR: z.string().trim().min(1).optional(),
  EMBEDDINGS_ALLOW_REMOTE: z.enum(['true', 'false', '1', '0']).default('true'),
  EMBEDDINGS_DTYPE: z.enum(['q8', 'fp32']).default('q8'),
  EMBEDDINGS_THREADS: z.coerce.number().int().min(1).max(64).default(1),
  SQS_QUEUE_URL: z.url({ error: 'must be the https:// URL of an SQS queue' }).optional(),
  SQS_DEAD_LETTER_QUEUE_URL: z.url({ error: 'must be the https:// URL of an SQS queue' }).optional(),
  S3_BUCKET: z.string().trim().min(3).max(63).optional(),
  S3_PREFIX: z.string().trim().default(''),
  GITHUB_CLIENT_ID: z.string().optional(),
  GITHUB_CLIENT_SECRET: z.string().optional(),
  GITHUB_OAUTH_URL: httpUrl.default('https://github.com'),
  GITHUB_API_URL: httpUrl.default('https://api.github.com'),
  GOOGLE_CLIENT_ID: z.string().optional(),
  GOOGLE_CLIENT_SECRET: z.string().optional(),
  GOOGLE_OAUTH_URL: httpUrl.default('https://accounts.google.com'),
  GOOGLE_TOKEN_URL: httpUrl.default('https://oauth2.googleapis.com/token'),
  GOOGLE_USERINFO_URL: httpUrl.default('https://openidconnect.googleapis.com/v1/userinfo'),
});

/** OAuth sign-in settings; a provider is present only when its client id and secret are both set. */
export interface OAuthConfig {
  github?: { clientId: string; clientSecret: string; oauthUrl: string; apiUrl: string };
  google?: {
    clientId: string;
    clientSecret: string;
    oauthUrl: string;
    tokenUrl: string;
    userinfoUrl: string;
  };
}

/**
 * How users' provider keys are encrypted (docs/decisions/0009-key-vault.md): AWS KMS (KMS_KEY_ID),
 * master keys from the environment (ENGIFY_MASTER_KEY, + ENGIFY_MASTER_KEYS_PREVIOUS still accepted
 * for reading), or a key file generated into DATA_DIR (local use only; refused in production).
 */
export type KeyVaultConfig =
  | { kind: 'kms'; kmsKeyId: string }
  | { kind: 'env'; masterKey: Buffer; previousMasterKeys: Buffer[] }
  | { kind: 'file' };

/** Knowledge base: uploads, background jobs and embeddings. */
export interface KbConfig {
  maxUploadBytes: number;
  /** Documents one user may keep (uploads beyond it are refused until some are deleted). */
  maxDocumentsPerUser: number;
  /** Run the job worker inside this process (local); `off` where a separate worker runs (Lambda). */
  inlineWorker: boolean;
  /** Attempts before a job is dead-lettered (SQS: must equal the queue's redrive maxReceiveCount). */
  maxAttempts: number;
  /** How long a job in progress stays hidden; a worker that dies mid-job is retried after this. */
  visibilityMs: number;
  /** Chunks per embedder call; progress is saved after each batch. */
  embedBatchSize: number;
  queue: { kind: 'sqlite' } | { kind: 'sqs'; queueUrl: string; deadLetterQueueUrl?: string };
  blobs: { kind: 'fs' } | { kind: 's3'; bucket: string; prefix: string };
  embeddings: {
    modelId: string;
    modelDir?: string;
    allowRemote: boolean;
    /** `q8`: the model's int8 file (`onnx/model_quantized.onnx`); `fp32`: `onnx/model.onnx`. */
    dtype: 'q8' | 'fp32';
    /** ONNX Runtime intra-op threads per embedding call. */
    threads: number;
  };
}

export interface Config {
  env: 'development' | 'production' | 'test';
  port: number;
  host: string;
  dataDir: string;
  contentDir: string;
  webDir: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  bodyLimitBytes: number;
  /** Shared rate-limit counters; in-memory (per process) when unset. */
  redisUrl?: string;
  /** The origin users open; required in production (cookies are Secure, CSRF checks use it). */
  publicUrl?: string;
  /** Other origins allowed to call the API with credentials (exact matches, no wildcards). */
  corsOrigins: string[];
  /** Read the client address from X-Forwarded-For (only behind a proxy you run). */
  trustProxy: boolean;
  sessionTtlDays: number;
  oauth: OAuthConfig;
  keyVault: KeyVaultConfig;
  ai: {
    /** Server-wide provider base URLs (corporate proxies). */
    baseURLs: { openai?: string; anthropic?: string; google?: string };
    /** May user-supplied base URLs reach private/loopback addresses? Default: yes locally, no in production. */
    allowPrivateBaseURLs: boolean;
    timeoutMs: number;
    heartbeatMs: number;
  };
  kb: KbConfig;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

/** Parses an environment into a typed Config. Throws ConfigError naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // Empty strings mean "unset" so `PORT= npm start` falls back to the default.
  const cleaned = Object.fromEntries(
    Object.keys(EnvSchema.shape).map((key) => [key, env[key] === '' ? undefined : env[key]]),
  );
  const result = EnvSchema.safeParse(cleaned);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => {
        const name = String(issue.path[0]);
        const value = SECRET_VARIABLES.has(name) ? '<redacted>' : JSON.stringify(env[name]);
        return `${name}=${value}: ${issue.message}`;
      }),
    );
  }
  const e = result.data;
  const corsOrigins = e.CORS_ORIGINS.split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  const problems: string[] = [];
  for (const origin of corsOrigins) {
    if (origin === '*' || !/^https?:\/\/[^/]+$/.test(origin)) {
      problems.push(
        `CORS_ORIGINS: "${origin}" must be an exact origin like https://app.example.com (no * or path)`,
      );
    }
  }
  if (e.NODE_ENV === 'production' && !e.PUBLIC_URL?.startsWith('https://')) {
    problems.push('PUBLIC_URL: production needs the https:// URL users open (session cookies are Secure)');
  }
  for (const [provider, id, secret] of [
    ['GITHUB', e.GITHUB_CLIENT_ID, e.GITHUB_CLIENT_SECRET],
    ['GOOGLE', e.GOOGLE_CLIENT_ID, e.GOOGLE_CLIENT_SECRET],
  ] as const) {
    if (Boolean(id) !== Boolean(secret)) {
      const [missing, present] = id ? ['CLIENT_SECRET', 'CLIENT_ID'] : ['CLIENT_ID', 'CLIENT_SECRET'];
      problems.push(
        `${provider}_${missing}: required when ${provider}_${present} is set (OAuth sign-in needs both)`,
      );
    }
  }
  if (e.KMS_KEY_ID && (e.ENGIFY_MASTER_KEY || e.ENGIFY_MASTER_KEYS_PREVIOUS?.length)) {
    problems.push(
      'KMS_KEY_ID: set either KMS_KEY_ID or ENGIFY_MASTER_KEY/ENGIFY_MASTER_KEYS_PREVIOUS, not both',
    );
  }
  if (e.ENGIFY_MASTER_KEYS_PREVIOUS?.length && !e.ENGIFY_MASTER_KEY) {
    problems.push('ENGIFY_MASTER_KEYS_PREVIOUS: requires ENGIFY_MASTER_KEY (the current master key)');
  }
  if (e.NODE_ENV === 'production' && !e.ENGIFY_MASTER_KEY && !e.KMS_KEY_ID) {
    problems.push(
      'ENGIFY_MASTER_KEY or KMS_KEY_ID: production needs one to encrypt provider keys ' +
        '(the key file generated into DATA_DIR is for local use only)',
    );
  }
  if (problems.length > 0) throw new ConfigError(problems);
  const base = (url: string) => url.replace(/\/+$/, '');
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    dataDir: e.DATA_DIR,
    contentDir: e.CONTENT_DIR,
    webDir: e.WEB_DIR,
    logLevel: e.LOG_LEVEL,
    bodyLimitBytes: e.BODY_LIMIT_BYTES,
    ...(e.REDIS_URL ? { redisUrl: e.REDIS_URL } : {}),
    ...(e.PUBLIC_URL ? { publicUrl: e.PUBLIC_URL.replace(/\/$/, '') } : {}),
    corsOrigins,
    trustProxy: e.TRUST_PROXY === 'true' || e.TRUST_PROXY === '1',
    sessionTtlDays: e.SESSION_TTL_DAYS,
    keyVault: e.KMS_KEY_ID
      ? { kind: 'kms', kmsKeyId: e.KMS_KEY_ID }
      : e.ENGIFY_MASTER_KEY
        ? {
            kind: 'env',
            masterKey: Buffer.from(e.ENGIFY_MASTER_KEY, 'base64'),
            previousMasterKeys: (e.ENGIFY_MASTER_KEYS_PREVIOUS ?? []).map((k) => Buffer.from(k, 'base64')),
          }
        : { kind: 'file' },
    ai: {
      baseURLs: {
        ...(e.OPENAI_BASE_URL ? { openai: e.OPENAI_BASE_URL } : {}),
        ...(e.ANTHROPIC_BASE_URL ? { anthropic: e.ANTHROPIC_BASE_URL } : {}),
        ...(e.GOOGLE_BASE_URL ? { google: e.GOOGLE_BASE_URL } : {}),
      },
      allowPrivateBaseURLs:
        e.ALLOW_PRIVATE_BASE_URLS === undefined
          ? e.NODE_ENV !== 'production'
          : e.ALLOW_PRIVATE_BASE_URLS === 'true' || e.ALLOW_PRIVATE_BASE_URLS === '1',
      timeoutMs: e.AI_TIMEOUT_MS,
      heartbeatMs: e.SSE_HEARTBEAT_MS,
    },
    kb: {
      maxUploadBytes: e.KB_MAX_UPLOAD_BYTES,
      maxDocumentsPerUser: e.KB_MAX_DOCUMENTS_PER_USER,
      inlineWorker: e.KB_WORKER === 'inline',
      maxAttempts: e.JOB_MAX_ATTEMPTS,
      visibilityMs: e.JOB_VISIBILITY_MS,
      embedBatchSize: e.KB_EMBED_BATCH_SIZE,
      queue: e.SQS_QUEUE_URL
        ? {
            kind: 'sqs',
            queueUrl: e.SQS_QUEUE_URL,
            ...(e.SQS_DEAD_LETTER_QUEUE_URL ? { deadLetterQueueUrl: e.SQS_DEAD_LETTER_QUEUE_URL } : {}),
          }
        : { kind: 'sqlite' },
      blobs: e.S3_BUCKET ? { kind: 's3', bucket: e.S3_BUCKET, prefix: e.S3_PREFIX } : { kind: 'fs' },
      embeddings: {
        modelId: e.EMBEDDINGS_MODEL,
        ...(e.EMBEDDINGS_MODEL_DIR ? { modelDir: e.EMBEDDINGS_MODEL_DIR } : {}),
        allowRemote: e.EMBEDDINGS_ALLOW_REMOTE === 'true' || e.EMBEDDINGS_ALLOW_REMOTE === '1',
        dtype: e.EMBEDDINGS_DTYPE,
        threads: e.EMBEDDINGS_THREADS,
      },
    },
    oauth: {
      ...(e.GITHUB_CLIENT_ID && e.GITHUB_CLIENT_SECRET
        ? {
            github: {
              clientId: e.GITHUB_CLIENT_ID,
              clientSecret: e.GITHUB_CLIENT_SECRET,
              oauthUrl: base(e.GITHUB_OAUTH_URL),
              apiUrl: base(e.GITHUB_API_URL),
            },
          }
        : {}),
      ...(e.GOOGLE_CLIENT_ID && e.GOOGLE_CLIENT_SECRET
        ? {
            google: {
              clientId: e.GOOGLE_CLIENT_ID,
              clientSecret: e.GOOGLE_CLIENT_SECRET,
              oauthUrl: base(e.GOOGLE_OAUTH_URL),
              tokenUrl: e.GOOGLE_TOKEN_URL,
              userinfoUrl: e.GOOGLE_USERINFO_URL,
            },
          }
        : {}),
    },
  };
}
