// AWS Lambda entry point for the API: the same Hono app behind API Gateway (HTTP API v2 or REST v1).
import { handle } from 'hono/aws-lambda';
import type { LambdaContext, LambdaEvent } from 'hono/aws-lambda';
import { createLogger } from '../adapters/log/pino.js';
import { createApp } from '../app.js';
import { loadConfig } from '../config.js';
import { createServices, type Services } from '../services.js';

type Handler = ReturnType<typeof handle>;

// Built once per execution environment, on the first invocation, and reused while it stays warm.
let ready: Promise<{ handle: Handler; services: Services }> | undefined;

async function build(env: Record<string, string | undefined>) {
  // Background jobs run in the worker function (lambda-worker.ts), not in the API's.
  const config = loadConfig({ DATA_DIR: '/tmp/engify', KB_WORKER: 'off', ...env });
  const logger = createLogger(config.logLevel);
  const services = await createServices(config, logger);
  return { handle: handle(createApp(services)), services };
}

export const handler = async (event: LambdaEvent, context: LambdaContext) => {
  ready ??= build(process.env).catch((err: unknown) => {
    ready = undefined; // let the next invocation retry instead of caching the failure
    throw err;
  });
  return (await ready).handle(event, context);
};

/** Closes the services once start-up work is done (shutdown hooks, tests). */
export async function shutdown(): Promise<void> {
  const built = await ready?.catch(() => undefined);
  ready = undefined;
  await built?.services.close();
}
