import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FsContentSource } from './adapters/fs/content-source.js';
import { SqliteCatalogStore } from './adapters/sqlite/catalog-store.js';
import { openDatabase } from './adapters/sqlite/database.js';
import type { Config } from './config.js';
import { syncBuiltinContent } from './features/catalog/sync.js';
import type { SystemInfo } from './features/system/routes.js';
import type { CatalogStore } from './ports/catalog-store.js';
import type { Logger } from './ports/logger.js';

/** Everything the app needs, already wired to concrete adapters. */
export interface Services {
  config: Config;
  logger: Logger;
  catalog: CatalogStore;
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
  try {
    await syncBuiltinContent(new FsContentSource(config.contentDir), catalog, logger);
  } catch (err) {
    await catalog.close();
    throw err;
  }
  ready = true;
  return {
    config,
    logger,
    catalog,
    system: { version: packageVersion(), startedAt: new Date(), isReady: () => ready },
    close: async () => {
      ready = false;
      await catalog.close();
    },
  };
}
