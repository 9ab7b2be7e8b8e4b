import type { MiddlewareHandler } from 'hono';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import type { AppEnv } from '../http/env.js';
import { webCsp } from '../http/security-headers.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

const INLINE_SCRIPT = /<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/gi;

interface HtmlPage {
  mtimeMs: number;
  body: Buffer;
  csp: string;
}

/** Reads an HTML page once (until it changes) and derives its CSP from its inline scripts. */
async function htmlPage(cache: Map<string, HtmlPage>, path: string, mtimeMs: number): Promise<HtmlPage> {
  const cached = cache.get(path);
  if (cached?.mtimeMs === mtimeMs) return cached;
  const body = await readFile(path);
  const hashes = [...body.toString('utf8').matchAll(INLINE_SCRIPT)]
    .map((m) => m[1]!)
    .filter((script) => script.trim() !== '')
    .map((script) => createHash('sha256').update(script, 'utf8').digest('base64'));
  const page = { mtimeMs, body, csp: webCsp([...new Set(hashes)]) };
  cache.set(path, page);
  return page;
}

async function fileAt(path: string): Promise<{ path: string; size: number; mtimeMs: number } | null> {
  try {
    const info = await stat(path);
    return info.isFile() ? { path, size: info.size, mtimeMs: info.mtimeMs } : null;
  } catch {
    return null;
  }
}

/**
 * Serves the Next.js static export: `/library` → `library.html`, `/x/` → `x/index.html`, hashed
 * assets under `/_next/static` cached forever, pages revalidated. Unknown paths get `404.html`.
 */
export function staticWeb(root: string): MiddlewareHandler<AppEnv> {
  const base = resolve(root);
  const pages = new Map<string, HtmlPage>();
  return async (c, next) => {
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') return next();
    let pathname: string;
    try {
      pathname = decodeURIComponent(c.req.path);
    } catch {
      return next();
    }
    if (pathname.includes('\0')) return next();
    const target = normalize(join(base, pathname));
    if (target !== base && !target.startsWith(base + sep)) return next();

    const candidates = pathname.endsWith('/')
      ? [join(target, 'index.html')]
      : [target, `${target}.html`, join(target, 'index.html')];
    let found: { path: string; size: number; mtimeMs: number } | null = null;
    for (const candidate of candidates) {
      if ((found = await fileAt(candidate))) break;
    }
    let status: 200 | 404 = 200;
    if (!found) {
      found = await fileAt(join(base, '404.html'));
      if (!found) return next();
      status = 404;
    }

    const type = TYPES[extname(found.path)] ?? 'application/octet-stream';
    c.header('Content-Type', type);
    c.header(
      'Cache-Control',
      pathname.startsWith('/_next/static/') ? 'public, max-age=31536000, immutable' : 'no-cache',
    );
    if (type.startsWith('text/html')) {
      const page = await htmlPage(pages, found.path, found.mtimeMs);
      c.header('Content-Security-Policy', page.csp);
      c.header('Content-Length', String(page.body.length));
      if (c.req.method === 'HEAD') return c.body(null, status);
      return c.body(new Uint8Array(page.body), status);
    }
    c.header('Content-Length', String(found.size));
    if (c.req.method === 'HEAD') return c.body(null, status);
    const stream = Readable.toWeb(createReadStream(found.path)) as ReadableStream<Uint8Array>;
    return c.body(stream, status);
  };
}
