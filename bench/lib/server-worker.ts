import { parentPort, workerData } from 'node:worker_threads';
import { startFakeProvider } from '../../test/fakes/llm-provider.js';
import { startBareProxyHere, startEngifyHere, type WorkerJob, type WorkerReady } from './servers.js';

// Runs one server for bench/lib/servers.ts in a worker thread; 'clear' and 'close' come as messages.
const job = workerData as WorkerJob;
const port = parentPort!;
const post = (message: WorkerReady) => port.postMessage(message);

if (job.kind === 'fake') {
  const fake = await startFakeProvider(job.options);
  port.on('message', (message: string) => {
    if (message === 'clear') fake.requests.length = 0;
    else if (message === 'close') void fake.close().then(() => post({ type: 'closed' }));
  });
  post({ type: 'ready', url: fake.url, openaiBaseURL: fake.openaiBaseURL });
} else if (job.kind === 'proxy') {
  const proxy = await startBareProxyHere(job.target);
  port.on('message', (message: string) => {
    if (message === 'close') void proxy.close().then(() => post({ type: 'closed' }));
  });
  post({ type: 'ready', url: proxy.url });
} else {
  const server = await startEngifyHere(job.env);
  port.on('message', (message: string) => {
    if (message === 'close') void server.close().then(() => post({ type: 'closed' }));
  });
  post({ type: 'ready', url: server.url });
}
