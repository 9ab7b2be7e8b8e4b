import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../src/adapters/log/pino.js';
import { createApp, type AppOptions } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import type { Logger } from '../../src/ports/logger.js';
import { createServices, type Services } from '../../src/services.js';

export const FIXTURE_CONTENT = 'test/fixtures/content';

export interface TestApp {
  app: ReturnType<typeof createApp>;
  services: Services;
  dataDir: string;
  close(): Promise<void>;
}

/** A real app on a fresh SQLite file in a temp directory. */
export async function createTestApp(
  env: Record<string, string> = {},
  options: AppOptions & { logger?: Logger } = {},
): Promise<TestApp> {
  const dataDir = await mkdtemp(join(tmpdir(), 'engify-test-'));
  const config = loadConfig({
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    NODE_ENV: 'test',
    // No model downloads in tests: the knowledge base uses the lexical embedder unless a test says otherwise.
    EMBEDDINGS_ALLOW_REMOTE: 'false',
    ...env,
  });
  const services = await createServices(config, options.logger ?? createLogger('silent'));
  return {
    app: createApp(services, options),
    services,
    dataDir,
    close: async () => {
      await services.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export function postJson(app: TestApp['app'], path: string, body: unknown): Promise<Response> | Response {
  return app.request(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** Waits until start-up work is done and the background job queue is empty (built-in documents indexed). */
export async function knowledgeBaseSettled(services: Services, timeoutMs = 60_000): Promise<void> {
  await services.backgroundReady;
  const started = Date.now();
  for (;;) {
    const stats = await services.queue.stats();
    if (stats.queued === 0 && stats.inFlight === 0) return;
    if (Date.now() - started > timeoutMs) throw new Error(`jobs still pending: ${JSON.stringify(stats)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
