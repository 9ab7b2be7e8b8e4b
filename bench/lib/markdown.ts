import { readFile, writeFile } from 'node:fs/promises';
import { format, resolveConfig } from 'prettier';

/** Markers that delimit one benchmark's section, so each bench rewrites only its own part of a file. */
export const sectionMarkers = (id: string) => ({
  start: `<!-- bench:${id}:start -->`,
  end: `<!-- bench:${id}:end -->`,
});

/**
 * Replaces the text between `id`'s markers (markers kept) with `content`, or appends a new marked
 * section at the end when the markers are absent. Everything outside the markers is left byte for byte.
 */
export function replaceSection(document: string, id: string, content: string): string {
  const { start, end } = sectionMarkers(id);
  const block = `${start}\n\n${content.trim()}\n\n${end}`;
  const from = document.indexOf(start);
  const to = from === -1 ? -1 : document.indexOf(end, from + start.length);
  if (from !== -1 && to !== -1) {
    return document.slice(0, from) + block + document.slice(to + end.length);
  }
  if (from !== -1 || document.includes(end)) {
    throw new Error(`BENCHMARKS: unbalanced markers for section "${id}"; fix the file by hand`);
  }
  const base = document.replace(/\s*$/, '');
  return `${base}${base ? '\n\n' : ''}${block}\n`;
}

/** Formats Markdown the way `npm run lint` (prettier --check) expects, with the repository's config. */
export async function formatMarkdown(text: string, filepath: string): Promise<string> {
  const config = (await resolveConfig(filepath)) ?? {};
  return format(text, { ...config, parser: 'markdown', filepath });
}

/**
 * Reads `path` (or starts from `header` when missing), replaces section `id` with `content` (formatted by
 * prettier, so the file passes `npm run lint`), and writes it back.
 */
export async function updateSectionInFile(
  path: string,
  id: string,
  content: string,
  header = '# Benchmarks\n',
): Promise<void> {
  content = await formatMarkdown(content, path);
  let document: string;
  try {
    document = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    document = header;
  }
  await writeFile(path, replaceSection(document, id, content));
}

/** A GitHub-flavoured Markdown table; `align` per column ('l' or 'r', default 'l'). */
export function table(headers: string[], rows: (string | number)[][], align: ('l' | 'r')[] = []): string {
  const sep = headers.map((_, i) => (align[i] === 'r' ? '---:' : '---'));
  const line = (cells: (string | number)[]) =>
    `| ${cells.map((c) => String(c).replace(/\|/g, '\\|')).join(' | ')} |`;
  return [line(headers), line(sep), ...rows.map(line)].join('\n');
}
