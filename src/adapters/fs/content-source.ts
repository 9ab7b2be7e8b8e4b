import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { parse } from 'yaml';
import type { ContentFile, ContentSource, RawContent } from '../../ports/content-source.js';

async function yamlFilesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile() && /\.ya?ml$/.test(e.name))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

/** Reads `taxonomy.yaml`, `patterns/**.yaml` and `prompts/**.yaml` from a content directory. */
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
    const [patternFiles, promptFiles] = await Promise.all([
      yamlFilesUnder(join(this.root, 'patterns')),
      yamlFilesUnder(join(this.root, 'prompts')),
    ]);
    return {
      taxonomy: await this.load(join(this.root, 'taxonomy.yaml')),
      patterns: await Promise.all(patternFiles.map((f) => this.load(f))),
      prompts: await Promise.all(promptFiles.map((f) => this.load(f))),
    };
  }
}
