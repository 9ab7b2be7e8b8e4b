// Validates everything under content/ and prints a summary: `node --import tsx scripts/validate-content.ts`
import { FsContentSource } from '../src/adapters/fs/content-source.js';
import { validateCatalog, ContentError } from '../src/features/catalog/validate.js';

try {
  const catalog = validateCatalog(await new FsContentSource('content').read());
  const roles = new Set(catalog.prompts.flatMap((p) => p.roles));
  const categories = new Set(catalog.prompts.map((p) => p.category));
  console.log(
    `ok: ${catalog.prompts.length} prompts, ${catalog.patterns.length} patterns, ` +
      `${roles.size} roles used, ${categories.size} categories used`,
  );
} catch (err) {
  console.error(err instanceof ContentError ? err.message : err);
  process.exit(1);
}
