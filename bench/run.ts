/**
 * `npm run bench`: runs every benchmark in bench/ (each `*.ts` file directly in it except this one), one
 * after another in its own process, passing through any extra arguments (`npm run bench -- --no-write`).
 * Leading names pick benchmarks by file name without `.ts`: `npm run bench -- rag` runs bench/rag.ts only,
 * `npm run bench -- rag --sizes 1000 --no-write` passes the options after the names to it. Options go to
 * every benchmark that runs, so name the one whose own options you pass. Exits non-zero if any fails.
 */
import { spawn } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('.', import.meta.url));
const self = basename(fileURLToPath(import.meta.url));
const files = (await readdir(dir, { withFileTypes: true }))
  .filter((e) => e.isFile() && e.name.endsWith('.ts') && e.name !== self && !e.name.startsWith('_'))
  .map((e) => e.name)
  .sort();

const argv = process.argv.slice(2);
const firstOption = argv.findIndex((arg) => arg.startsWith('-'));
const names = firstOption === -1 ? argv : argv.slice(0, firstOption);
const passThrough = argv.slice(names.length);
const available = new Map(files.map((file) => [file.replace(/\.ts$/, ''), file]));
const unknown = names.filter((name) => !available.has(name.replace(/\.ts$/, '')));
if (unknown.length > 0) {
  console.error(`unknown benchmark ${unknown.join(', ')}; available: ${[...available.keys()].join(', ')}`);
  process.exit(2);
}
const selected =
  names.length > 0
    ? files.filter((file) => names.some((n) => available.get(n.replace(/\.ts$/, '')) === file))
    : files;

let failed = 0;
for (const file of selected) {
  console.log(`\n=== bench/${file}`);
  const code = await new Promise<number>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(dir, file), ...passThrough], {
      stdio: 'inherit',
    });
    child.on('exit', (status, signal) => resolve(status ?? (signal ? 1 : 0)));
  });
  if (code !== 0) {
    failed++;
    console.error(`bench/${file} failed (exit ${code})`);
  }
}
process.exit(failed > 0 ? 1 : 0);
