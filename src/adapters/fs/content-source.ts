import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { parse } from 'yaml';
import type { ContentFile, ContentSource, RawContent } from '../../ports/content-source.js';

async function filesUnder(dir: string, pattern: RegExp): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch((err: unknown) => {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  });
  return entries
    .filter((e) => e.isFile() && pattern.test(e.name))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}
const yamlFilesUnder = (dir: string) => filesUnder(dir, /\.ya?ml$/);

/**
 * Reads `taxonomy.yaml`, `patterns/**.yaml` and `prompts/**.yaml` from a content directory, and the
 * Markdown guides in `guides/` (optional).
 */
export class FsContentSource implements ContentSource {
  constructor(private readonly root: string) {}

  private async load(path: string): Promise<ContentFile> {
    const file = relative(this.root, path);
    try {
      return { file, data: parse(await readFile(path, 'utf8')) as unknown };
    } catch (err) {
      throw new Error(`${file}: ${(err as Error).message}`, { cause: err });
    }
  }

  async read(): Promise<RawContent> {
    const [patternFiles, promptFiles, guideFiles] = await Promise.all([
      yamlFilesUnder(join(this.root, 'patterns')),
      yamlFilesUnder(join(this.root, 'prompts')),
      filesUnder(join(this.root, 'guides'), /\.md$/),
    ]);
    return {
      taxonomy: await this.load(join(this.root, 'taxonomy.yaml')),
      patterns: await Promise.all(patternFiles.map((f) => this.load(f))),
      prompts: await Promise.all(promptFiles.map((f) => this.load(f))),
      guides: await Promise.all(
        guideFiles.map(async (f) => ({ file: relative(this.root, f), data: await readFile(f, 'utf8') })),
      ),
    };
  }
}
