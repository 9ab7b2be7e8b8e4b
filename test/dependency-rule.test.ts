import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The lint rule that keeps the architecture honest must actually fire.
describe('dependency rule', () => {
  const eslint = new ESLint();
  const lint = async (file: string, code: string) => {
    const [result] = await eslint.lintText(code, { filePath: file });
    return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
  };

  it('forbids features from importing adapters, runtimes or the composition root', async () => {
    expect(
      await lint('src/features/prompts/x.ts', "import '../../adapters/sqlite/database.js';"),
    ).toHaveLength(1);
    expect(await lint('src/features/prompts/x.ts', "import '../../runtime/server.js';")).toHaveLength(1);
    expect(await lint('src/features/prompts/x.ts', "import '../../services.js';")).toHaveLength(1);
  });

  it('keeps ports and lib free of adapters, and lib free of features', async () => {
    expect(await lint('src/ports/x.ts', "import '../adapters/sqlite/database.js';")).toHaveLength(1);
    expect(await lint('src/lib/x.ts', "import '../features/prompts/service.js';")).toHaveLength(1);
  });

  it('allows features to depend on ports, lib and other features', async () => {
    const code = [
      "import '../../ports/catalog-store.js';",
      "import '../../lib/template.js';",
      "import '../patterns/service.js';",
    ].join('\n');
    expect(await lint('src/features/prompts/x.ts', code)).toEqual([]);
  });
});
