/**
 * `npm run bench`: runs every benchmark in bench/ (each `*.ts` file directly in it except this one), one
 * after another in its own process, passing through any extra arguments (`npm run bench -- --no-write`).
 * Exits non-zero if any fails.
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

let failed = 0;
for (const file of files) {
  console.log(`\n=== bench/${file}`);
  const code = await new Promise<number>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(dir, file), ...process.argv.slice(2)], {
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
