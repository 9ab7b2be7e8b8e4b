// Worker-thread entry: reads the text of one PDF with pdf.js and posts it back to pdf.ts.
//
// pdf.js inflates streams and parses content on the thread that calls it, so a small hostile PDF can
// cost gigabytes of memory or minutes of CPU. Running it here lets the parent cap the heap
// (resourceLimits), stop it on a deadline and throw the whole isolate away afterwards. This file must
// stay a module of its own (see the note on bundling in pdf.ts) and import nothing heavy besides
// pdf.js.
import { parentPort, workerData } from 'node:worker_threads';
import type * as PdfJsModule from 'pdfjs-dist/legacy/build/pdf.mjs';
import { ExtractError, type ExtractErrorCode, tooMuchText } from './limits.js';

export interface PdfJob {
  /** Transferred from the parent; pdf.js may detach it. */
  bytes: Uint8Array;
  maxPages: number;
  /** Stop reading once the pages hold more characters than this. */
  maxChars: number;
}

export type PdfWorkerMessage =
  /** pdf.js loaded: from here on a crash is the document's doing, not a broken installation. */
  | { type: 'started' }
  | { type: 'done'; title: string | null; pages: string[] }
  | { type: 'failed'; code: ExtractErrorCode; message: string };

type PdfJs = typeof PdfJsModule;

/**
 * pdf.js runs its parser in a "fake worker" on the calling thread under Node. Importing the worker
 * module ourselves and handing it over through `globalThis.pdfjsWorker` avoids pdf.js resolving a
 * relative worker path at run time, which breaks once the code is bundled.
 */
async function loadPdfjs(): Promise<PdfJs> {
  const [pdfjs, worker] = await Promise.all([
    import('pdfjs-dist/legacy/build/pdf.mjs'),
    // @ts-expect-error -- the worker bundle ships no type declarations
    import('pdfjs-dist/legacy/build/pdf.worker.mjs') as Promise<unknown>,
  ]);
  (globalThis as { pdfjsWorker?: unknown }).pdfjsWorker ??= worker;
  return pdfjs;
}

interface PdfTextItem {
  str: string;
  hasEOL: boolean;
  height: number;
  transform: number[];
}

const isTextItem = (item: unknown): item is PdfTextItem =>
  typeof item === 'object' && item !== null && typeof (item as { str?: unknown }).str === 'string';

/** Lines from item positions: a new line when the baseline moves, a blank line for a wide gap. */
class PageText {
  text = '';
  private lastY: number | null = null;

  add(item: PdfTextItem): void {
    const y = item.transform[5] ?? 0;
    const size = item.height > 0 ? item.height : Math.abs(item.transform[3] ?? 0) || 10;
    if (item.str.trim() !== '') {
      const { lastY } = this;
      if (lastY !== null && Math.abs(y - lastY) > size * 0.5 && !this.text.endsWith('\n')) this.text += '\n';
      if (lastY !== null && Math.abs(lastY - y) > size * 1.8 && !this.text.endsWith('\n\n')) {
        this.text += '\n';
      }
      this.lastY = y;
    }
    this.text += item.str;
    if (item.hasEOL) this.text += '\n';
  }
}

function failure(err: unknown): { code: ExtractErrorCode; message: string } {
  if (err instanceof ExtractError) return { code: err.code, message: err.message };
  const name = (err as { name?: unknown } | null)?.name;
  if (name === 'PasswordException') {
    return {
      code: 'encrypted',
      message: 'The PDF is password-protected. Remove the password and upload it again.',
    };
  }
  if (name === 'InvalidPDFException') {
    return { code: 'corrupt', message: 'The PDF is damaged or is not a valid PDF document.' };
  }
  return { code: 'corrupt', message: 'The PDF could not be read; it may be damaged.' };
}

async function pdfTitle(doc: { getMetadata(): Promise<{ info: unknown; metadata: unknown }> }) {
  try {
    const { info, metadata } = await doc.getMetadata();
    const fromInfo = (info as { Title?: unknown } | null)?.Title;
    if (typeof fromInfo === 'string' && fromInfo.trim() !== '') return fromInfo;
    const fromXmp = (metadata as { get?(name: string): unknown } | null)?.get?.('dc:title');
    if (typeof fromXmp === 'string' && fromXmp.trim() !== '') return fromXmp;
  } catch {
    // Metadata is optional; a broken info dictionary does not make the text unreadable.
  }
  return null;
}

async function read(pdfjs: PdfJs, job: PdfJob): Promise<{ title: string | null; pages: string[] }> {
  const task = pdfjs.getDocument({
    data: job.bytes,
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    useWorkerFetch: false,
    enableXfa: false,
    // Text extraction never needs image pixels: refuse to decode any (e.g. inside Type3 glyphs).
    maxImageSize: 0,
    verbosity: pdfjs.VerbosityLevel.ERRORS,
  });
  const doc = await task.promise;
  if (doc.numPages > job.maxPages) {
    throw new ExtractError(
      'too_many_pages',
      `The PDF has ${doc.numPages} pages; at most ${job.maxPages} can be added. Split it into smaller files.`,
    );
  }
  const pages: string[] = [];
  let chars = 0;
  for (let n = 1; n <= doc.numPages; n++) {
    const page = await doc.getPage(n);
    // Streamed, so a page whose content stream expands to millions of characters is abandoned as
    // soon as the total passes the limit rather than after pdf.js has built all of it.
    const reader = page.streamTextContent().getReader();
    const text = new PageText();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      for (const item of (value as { items: unknown[] }).items) if (isTextItem(item)) text.add(item);
      if (chars + text.text.length > job.maxChars) {
        await reader.cancel().catch(() => undefined);
        throw tooMuchText(job.maxChars);
      }
    }
    chars += text.text.length;
    pages.push(text.text);
    page.cleanup();
  }
  return { title: await pdfTitle(doc), pages };
}

async function main(port: NonNullable<typeof parentPort>, job: PdfJob): Promise<void> {
  const pdfjs = await loadPdfjs();
  port.postMessage({ type: 'started' } satisfies PdfWorkerMessage);
  let reply: PdfWorkerMessage;
  try {
    reply = { type: 'done', ...(await read(pdfjs, job)) };
  } catch (err) {
    reply = { type: 'failed', ...failure(err) };
  }
  port.postMessage(reply);
}

if (parentPort) void main(parentPort, workerData as PdfJob);
