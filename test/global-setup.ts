// Builds the static web app once before the suite (a no-op when web/out is up to date), so the
// server and browser tests exercise the real export.
import { createLogger } from '../src/adapters/log/pino.js';
import { ensureWebBuilt } from '../src/runtime/web-build.js';

export default async function setup(): Promise<void> {
  if (process.env.ENGIFY_TEST_SKIP_WEB_BUILD === '1') return;
  await ensureWebBuilt('web/out', createLogger('warn'));
}
