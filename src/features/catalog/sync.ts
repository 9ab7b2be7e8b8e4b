import type { CatalogStore, SyncReport } from '../../ports/catalog-store.js';
import type { ContentSource } from '../../ports/content-source.js';
import type { Logger } from '../../ports/logger.js';
import { validateCatalog, type Catalog } from './validate.js';

/**
 * Loads the built-in library and makes the store match it. Run on every start: unchanged content
 * is detected by hash and costs one read; user-created prompts are never touched. Returns the
 * validated catalog too, for other built-in consumers (the knowledge base).
 */
export async function syncBuiltinContent(
  source: ContentSource,
  store: CatalogStore,
  logger: Logger,
): Promise<{ report: SyncReport; catalog: Catalog }> {
  const catalog = validateCatalog(await source.read());
  const report = await store.syncBuiltins(catalog);
  if (report.unchanged) {
    logger.info(
      { prompts: catalog.prompts.length, patterns: catalog.patterns.length },
      'built-in content up to date',
    );
  } else {
    logger.info({ ...report }, 'built-in content synced');
  }
  if (report.prompts.skipped.length > 0) {
    logger.warn(
      { slugs: report.prompts.skipped },
      'built-in prompts skipped because a user prompt already uses their slug',
    );
  }
  return { report, catalog };
}
