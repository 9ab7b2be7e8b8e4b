// `npm run build:web`: always rebuilds the static web app into web/out.
import { createLogger } from '../src/adapters/log/pino.js';
import { ensureWebBuilt } from '../src/runtime/web-build.js';

await ensureWebBuilt('web/out', createLogger('info'), true);
