import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../ports/logger.js';

const projectRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const defaultOut = join(projectRoot, 'web', 'out');
const STAMP = '.engify-build';

/** What the static web app is built from: its own sources plus the shared code and content it reads. */
const INPUTS = [
  'web',
  'content',
  'src/lib',
  'src/features',
  'src/adapters/fs',
  'src/ports',
  'package-lock.json',
];
const SKIP = new Set(['out', '.next', 'node_modules', 'next-env.d.ts', 'tsconfig.tsbuildinfo']);

async function listFiles(path: string): Promise<string[]> {
  if (!existsSync(path)) return [];
  const entries = await readdir(path, { withFileTypes: true }).catch(() => null);
  if (!entries) return [path];
  const nested = await Promise.all(
    entries
      .filter((e) => !SKIP.has(e.name) && !e.name.endsWith('.test.ts'))
      .map((e) => (e.isDirectory() ? listFiles(join(path, e.name)) : [join(path, e.name)])),
  );
  return nested.flat();
}

/** Hash of every build input, so `npm start` rebuilds exactly when something the web app uses changed. */
export async function webSourceHash(): Promise<string> {
  const files = (await Promise.all(INPUTS.map((p) => listFiles(join(projectRoot, p))))).flat().sort();
  const hash = createHash('sha256');
  for (const file of files) {
    hash
      .update(relative(projectRoot, file))
      .update('\0')
      .update(await readFile(file))
      .update('\0');
  }
  return hash.digest('hex');
}

export function buildWeb(logger: Logger): Promise<void> {
  const nextBin = createRequire(import.meta.url).resolve('next/dist/bin/next');
  logger.info('building the web app (next build web); this takes about half a minute');
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [nextBin, 'build', 'web'], {
      cwd: projectRoot,
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', NODE_ENV: 'production' },
    });
    child.once('error', fail);
    child.once('exit', (code) => (code === 0 ? done() : fail(new Error(`next build exited with ${code}`))));
  });
}

/**
 * Builds the web app into web/out when it is missing or older than its sources. A WEB_DIR that
 * points elsewhere is taken as a prebuilt export and only checked.
 */
export async function ensureWebBuilt(webDir: string, logger: Logger, force = false): Promise<void> {
  if (resolve(webDir) !== defaultOut) {
    if (!existsSync(join(webDir, 'index.html'))) logger.warn({ webDir }, 'WEB_DIR has no index.html');
    return;
  }
  const hash = await webSourceHash();
  const stampFile = join(defaultOut, STAMP);
  const stamp = existsSync(stampFile) ? await readFile(stampFile, 'utf8') : '';
  if (!force && stamp === hash && existsSync(join(defaultOut, 'index.html'))) return;
  await buildWeb(logger);
  await writeFile(stampFile, hash);
}
