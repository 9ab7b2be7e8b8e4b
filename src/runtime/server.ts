import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { createLogger } from '../adapters/log/pino.js';
import { createApp } from '../app.js';
import type { Config } from '../config.js';
import type { Logger } from '../ports/logger.js';
import { createServices, type Services } from '../services.js';
import { staticWeb } from './static-web.js';

export interface RunningServer {
  url: string;
  services: Services;
  close(): Promise<void>;
}

/** Starts Engify on one port: the API under /api and the web app everywhere else. */
export async function startServer(
  config: Config,
  logger: Logger = createLogger(config.logLevel),
): Promise<RunningServer> {
  const services = await createServices(config, logger);
  const app = createApp(services, { web: staticWeb(config.webDir) });
  const server: ServerType = await new Promise((resolveServer, reject) => {
    const s = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, () => resolveServer(s));
    s.once('error', reject);
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  return {
    url,
    services,
    close: async () => {
      await new Promise<void>((done) => {
        server.close(() => done());
        // Idle keep-alive sockets would hold close() open; in-flight requests still finish.
        (server as { closeIdleConnections?: () => void }).closeIdleConnections?.();
      });
      await services.close();
    },
  };
}
