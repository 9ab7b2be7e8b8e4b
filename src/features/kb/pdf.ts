// Reads a PDF's text in a worker thread (pdf-worker.ts) with a capped heap, a deadline and a memory
// tripwire, so that a hostile PDF costs at most a bounded, short-lived slice of the server.
//
// Where the worker comes from: the entry is the file next to this module with this module's own
// extension. From the TypeScript sources (`npm start` runs `node --import tsx`, tests run under
// vitest) that is pdf-worker.ts. Node 20 does not carry loaders registered with `--import` over to
// worker threads, so a TypeScript entry is started through a one-line bootstrap that registers tsx
// inside the worker first. A build that bundles this module must emit src/features/kb/pdf-worker.ts
// as an entry point of its own, next to the bundle that contains this code and with the same
// extension (e.g. lambda-worker.mjs + pdf-worker.mjs), and ship pdfjs-dist where that file can
// import it.
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';
import { ExtractError } from './limits.js';
import type { PdfJob, PdfWorkerMessage } from './pdf-worker.js';

export interface PdfLimits {
  maxPages: number;
  maxChars: number;
  timeoutMs: number;
  /** V8 heap of the worker (old generation), in MiB. */
  heapMb: number;
  /**
   * The process may grow by at most this many MiB while the PDF is read. Catches what the heap limit
   * cannot: buffers of inflated streams live outside the V8 heap.
   */
  memoryMb: number;
}

export interface PdfText {
  title: string | null;
  /** Raw text of each page, in order (empty for a page without text). */
  pages: string[];
}

const moduleExtension = extname(fileURLToPath(import.meta.url));
const workerUrl = new URL(`./pdf-worker${moduleExtension}`, import.meta.url);

/** How often the memory tripwire looks at the process's resident set. */
const MEMORY_POLL_MS = 25;

let bootstrap: string | undefined;

function startWorker(options: WorkerOptions): Worker {
  if (moduleExtension !== '.ts') return new Worker(workerUrl, options);
  // pdf.js is plain JavaScript: loading it before tsx is registered spares tsx from rewriting its
  // 3 MB on every start (a second per PDF); the entry's own imports of it then hit the module cache.
  bootstrap ??= [
    `Promise.all([import(${JSON.stringify(import.meta.resolve('pdfjs-dist/legacy/build/pdf.mjs'))}),`,
    `import(${JSON.stringify(import.meta.resolve('pdfjs-dist/legacy/build/pdf.worker.mjs'))})])`,
    `.then(() => import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}))`,
    `.then(({ register }) => { register(); return import(${JSON.stringify(workerUrl.href)}); });`,
  ].join('');
  return new Worker(bootstrap, { ...options, eval: true });
}

const timedOut = () =>
  new ExtractError('timeout', 'Reading the PDF took too long; it may be damaged or too complex.');
const outOfMemory = (cause?: unknown) =>
  new ExtractError(
    'too_large',
    'Reading the PDF needed more memory than one document may use; it may be damaged or built to overload readers.',
    { cause },
  );
const crashed = (cause?: unknown) =>
  new ExtractError('corrupt', 'The PDF could not be read; it may be damaged.', { cause });

export function readPdf(bytes: Uint8Array, limits: PdfLimits): Promise<PdfText> {
  return new Promise<PdfText>((resolve, reject) => {
    // The worker gets its own copy (transferred, not cloned again): the caller's bytes stay intact.
    const data = new Uint8Array(bytes);
    const job: PdfJob = { bytes: data, maxPages: limits.maxPages, maxChars: limits.maxChars };
    const baseline = process.memoryUsage.rss();
    const worker = startWorker({
      workerData: job,
      transferList: [data.buffer],
      resourceLimits: {
        maxOldGenerationSizeMb: limits.heapMb,
        maxYoungGenerationSizeMb: Math.max(4, Math.min(32, Math.floor(limits.heapMb / 8))),
      },
    });
    let started = false;
    let settled = false;
    const finish = (error: Error | null, value?: PdfText) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearInterval(tripwire);
      // Stops pdf.js wherever it is (even inside a synchronous loop) and frees the isolate.
      worker.terminate().catch(() => undefined);
      if (error) reject(error);
      else resolve(value!);
    };
    const timer = setTimeout(() => finish(timedOut()), limits.timeoutMs);
    const tripwire = setInterval(() => {
      if (process.memoryUsage.rss() - baseline > limits.memoryMb * 1024 * 1024) finish(outOfMemory());
    }, MEMORY_POLL_MS);

    worker.on('message', (message: PdfWorkerMessage) => {
      if (message.type === 'started') started = true;
      else if (message.type === 'done') finish(null, { title: message.title, pages: message.pages });
      else finish(new ExtractError(message.code, message.message));
    });
    worker.on('error', (err: Error & { code?: unknown }) => {
      if (err.code === 'ERR_WORKER_OUT_OF_MEMORY') finish(outOfMemory(err));
      // Before pdf.js loaded the failure is ours (a broken install or build), not the document's:
      // surface it as an ordinary error so the job is retried and the cause is logged.
      else if (!started) finish(new Error('The PDF reader failed to start', { cause: err }));
      else finish(crashed(err));
    });
    worker.on('exit', (code) => {
      if (started) finish(crashed(new Error(`PDF worker exited with code ${code}`)));
      else finish(new Error(`The PDF reader exited with code ${code} before starting`));
    });
  });
}
