// `npm run dev`: the Next.js dev server (hot reload) on PORT, and the API under `tsx watch` on PORT+1.
// The web app forwards /api to the API (see web/next.config.ts), so the browser sees one origin.
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { loadConfig } from '../src/config.js';

const config = loadConfig();
const webPort = config.port;
const apiPort = config.port + 1;
const require = createRequire(import.meta.url);

const children: ChildProcess[] = [
  spawn(process.execPath, ['--import', 'tsx', '--watch', 'src/runtime/start.ts'], {
    stdio: 'inherit',
    env: { ...process.env, PORT: String(apiPort), ENGIFY_SKIP_WEB_BUILD: '1' },
  }),
  spawn(
    process.execPath,
    [require.resolve('next/dist/bin/next'), 'dev', 'web', '-p', String(webPort), '-H', config.host],
    {
      stdio: 'inherit',
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', ENGIFY_API_URL: `http://127.0.0.1:${apiPort}` },
    },
  ),
];
console.log(`Engify dev: web http://localhost:${webPort} (API on :${apiPort}, proxied at /api)`);

const stop = () => {
  for (const child of children) child.kill('SIGTERM');
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
for (const child of children) child.on('exit', (code) => code && code !== 0 && stop());
