import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../adapters/log/pino.js';
import { loadConfig } from '../config.js';
import { startServer, type RunningServer } from './server.js';

describe('local server over real HTTP', () => {
  let dir: string;
  let server: RunningServer;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'engify-server-'));
    const web = join(dir, 'web');
    await mkdir(join(web, 'library'), { recursive: true });
    await mkdir(join(web, '_next', 'static'), { recursive: true });
    await writeFile(
      join(web, 'index.html'),
      '<!doctype html><title>home</title><script src="/_next/static/app.js"></script><script>boot(1)</script>',
    );
    await writeFile(join(web, 'library.html'), '<!doctype html><title>library</title>');
    await writeFile(join(web, '404.html'), '<!doctype html><title>not found</title>');
    await writeFile(join(web, '_next', 'static', 'app.js'), 'console.log(1)');
    await writeFile(join(dir, 'secret.txt'), 'outside the web root');
    const config = loadConfig({
      PORT: '0',
      DATA_DIR: join(dir, 'data'),
      WEB_DIR: web,
      CONTENT_DIR: 'test/fixtures/content',
      LOG_LEVEL: 'silent',
    });
    server = await startServer(config, createLogger('silent'));
  });
  afterAll(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('serves the API and the web app on one port', async () => {
    const health = await fetch(`${server.url}/api/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok' });
    const home = await fetch(`${server.url}/`);
    expect(home.status).toBe(200);
    expect(home.headers.get('content-type')).toContain('text/html');
    const csp = home.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'self'");
    // Only this page's own inline script is allowed, by hash: sha256("boot(1)").
    const hash = createHash('sha256').update('boot(1)').digest('base64');
    expect(csp).toMatch(
      new RegExp(`script-src 'self' 'sha256-${hash.replace(/[+/=]/g, (ch) => `\\${ch}`)}'(;|$)`),
    );
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(await home.text()).toContain('<title>home</title>');
  });

  it('maps clean URLs to exported .html files and caches hashed assets', async () => {
    expect(await (await fetch(`${server.url}/library`)).text()).toContain('<title>library</title>');
    const asset = await fetch(`${server.url}/_next/static/app.js`);
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect(asset.headers.get('content-type')).toContain('javascript');
  });

  it('answers unknown pages with the 404 page and never leaves the web root', async () => {
    const missing = await fetch(`${server.url}/nowhere`);
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('not found');
    for (const path of ['/..%2fsecret.txt', '/%2e%2e/secret.txt', '/library/..%2f..%2fsecret.txt']) {
      const res = await fetch(`${server.url}${path}`);
      expect(await res.text()).not.toContain('outside the web root');
    }
  });

  it('answers malformed JSON with a 400 JSON error over the wire', async () => {
    const res = await fetch(`${server.url}/api/prompts/review-diff/render`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"variables": {',
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('invalid_json');
  });
});

describe('npm start configuration errors', () => {
  it('refuses to start with an invalid variable and names it', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/runtime/start.ts'], {
      env: { ...process.env, PORT: 'not-a-port', LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((done) => child.on('exit', done));
    expect(code).toBe(1);
    expect(stderr).toContain('PORT="not-a-port"');
  });
});
