// `npm start`: validates config, builds the web app if needed, and serves everything on one port.
import { createLogger } from '../adapters/log/pino.js';
import { ConfigError, loadConfig, type Config } from '../config.js';
import { ensureWebBuilt } from './web-build.js';
import { startServer } from './server.js';

let config: Config;
try {
  config = loadConfig();
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(`engify: cannot start.\n${err.message}`);
    process.exit(1);
  }
  throw err;
}

const logger = createLogger(config.logLevel);
const started = performance.now();
try {
  if (process.env.ENGIFY_SKIP_WEB_BUILD !== '1') await ensureWebBuilt(config.webDir, logger);
  const server = await startServer(config, logger);
  logger.info(
    { url: server.url, dataDir: config.dataDir, startupMs: Math.round(performance.now() - started) },
    `Engify is ready at ${server.url}`,
  );
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    void server.close().then(() => process.exit(0));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
} catch (err) {
  logger.error({ err }, 'start-up failed');
  process.exit(1);
}
