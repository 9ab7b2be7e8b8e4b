// A job worker in its own process, for the crash test: opens DATA_DIR (argv[2]) and processes the
// queue until it is killed.
import { createLogger } from '../../src/adapters/log/pino.js';
import { loadConfig } from '../../src/config.js';
import { createServices } from '../../src/services.js';

const config = loadConfig({
  DATA_DIR: process.argv[2],
  CONTENT_DIR: process.argv[3],
  NODE_ENV: 'test',
  LOG_LEVEL: 'silent',
  EMBEDDINGS_ALLOW_REMOTE: 'false',
  KB_WORKER: 'inline',
  KB_EMBED_BATCH_SIZE: '2',
  JOB_VISIBILITY_MS: '1000',
});
await createServices(config, createLogger('silent'));
process.send?.('started');
