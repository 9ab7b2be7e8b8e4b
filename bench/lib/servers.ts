import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Worker } from 'node:worker_threads';
import { createLogger } from '../../src/adapters/log/pino.js';
import { loadConfig } from '../../src/config.js';
import { startServer, type RunningServer } from '../../src/runtime/server.js';
import {
  startFakeProvider,
  type FakeProvider,
  type StartFakeProviderOptions,
} from '../../test/fakes/llm-provider.js';

/**
 * Starts the servers a benchmark talks to: the fake LLM provider and the real Engify server, either in
 * this thread (so a profiler or runtime patches see them) or each in its own worker thread (so the
 * client's work does not share their event loop). Either way the benchmark only sees URLs.
 */
export interface FakeHandle {
  url: string;
  openaiBaseURL: string;
  /** In-thread only: the fake itself. */
  fake: FakeProvider | null;
  /** Forgets recorded requests (the fake keeps every one), so long runs stay flat in memory. */
  clearRequests(): void;
  close(): Promise<void>;
}

export interface EngifyHandle {
  url: string;
  /** In-thread only: the running server. */
  server: RunningServer | null;
  close(): Promise<void>;
}

export type WorkerJob =
  | { kind: 'fake'; options: StartFakeProviderOptions }
  | { kind: 'engify'; env: Record<string, string> }
  | { kind: 'proxy'; target: string };

export type WorkerReady = { type: 'ready'; url: string; openaiBaseURL?: string } | { type: 'closed' };

/**
 * Engify from environment-style settings (as `npm start` would read them), logging silenced. Resolves
 * once start-up background work is over (embedder, built-in knowledge base indexed), so a benchmark
 * does not measure next to the ingestion of the built-in documents.
 */
export async function startEngifyHere(env: Record<string, string>): Promise<RunningServer> {
  const server = await startServer(loadConfig(env), createLogger('silent'));
  const { services } = server;
  await services.backgroundReady;
  const deadline = Date.now() + 120_000;
  for (;;) {
    const { queued, inFlight } = await services.queue.stats();
    if (queued === 0 && inFlight === 0) return server;
    if (Date.now() > deadline) throw new Error('built-in knowledge base still indexing after 2 minutes');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function inWorker(job: WorkerJob): Promise<{ worker: Worker; ready: WorkerReady & { type: 'ready' } }> {
  // Workers do not inherit tsx's loader hooks: boot a plain-JS stub that imports the TypeScript file via tsx.
  const api = import.meta.resolve('tsx/esm/api');
  const file = new URL('./server-worker.ts', import.meta.url).href;
  const boot = `import(${JSON.stringify(api)}).then(({ tsImport }) => tsImport(${JSON.stringify(file)}, ${JSON.stringify(file)}))`;
  const worker = new Worker(boot, { eval: true, workerData: job });
  const [ready] = (await Promise.race([
    once(worker, 'message'),
    once(worker, 'error').then(([err]) => Promise.reject(err as Error)),
  ])) as [WorkerReady];
  if (ready.type !== 'ready') throw new Error(`${job.kind} worker did not start`);
  return { worker, ready };
}

async function stopWorker(worker: Worker): Promise<void> {
  const closed = once(worker, 'message');
  worker.postMessage('close');
  await closed;
  await worker.terminate();
}

export async function startFake(options: StartFakeProviderOptions, isolate: boolean): Promise<FakeHandle> {
  if (!isolate) {
    const fake = await startFakeProvider(options);
    return {
      url: fake.url,
      openaiBaseURL: fake.openaiBaseURL,
      fake,
      clearRequests: () => void (fake.requests.length = 0),
      close: () => fake.close(),
    };
  }
  const { worker, ready } = await inWorker({ kind: 'fake', options });
  return {
    url: ready.url,
    openaiBaseURL: ready.openaiBaseURL!,
    fake: null,
    clearRequests: () => worker.postMessage('clear'),
    close: () => stopWorker(worker),
  };
}

export async function startEngify(env: Record<string, string>, isolate: boolean): Promise<EngifyHandle> {
  if (!isolate) {
    const server = await startEngifyHere(env);
    return { url: server.url, server, close: () => server.close() };
  }
  const { worker, ready } = await inWorker({ kind: 'engify', env });
  return { url: ready.url, server: null, close: () => stopWorker(worker) };
}

/**
 * The floor for any server in the middle: a bare Node HTTP proxy that reads the request body and
 * forwards it to `target` (a keep-alive agent, the same headers), piping the answer back byte for byte.
 * It does no parsing, auth or bookkeeping, so what it adds is what one more HTTP hop costs here.
 */
export async function startBareProxyHere(target: string): Promise<{ url: string; close(): Promise<void> }> {
  const to = new URL(target);
  const agent = new http.Agent({ keepAlive: true });
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const upstream = http.request(
        {
          host: to.hostname,
          port: to.port,
          path: to.pathname,
          method: 'POST',
          agent,
          headers: {
            'content-type': 'application/json',
            authorization: req.headers.authorization ?? '',
            'content-length': body.length,
          },
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, { 'content-type': answer.headers['content-type'] ?? '' });
          answer.pipe(res);
        },
      );
      upstream.on('error', () => res.destroy());
      res.on('close', () => upstream.destroy());
      upstream.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        agent.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export async function startBareProxy(
  target: string,
  isolate: boolean,
): Promise<{ url: string; close(): Promise<void> }> {
  if (!isolate) return startBareProxyHere(target);
  const { worker, ready } = await inWorker({ kind: 'proxy', target });
  return { url: ready.url, close: () => stopWorker(worker) };
}
