// Turns an uploaded document into plain text sections that keep their heading context, ready to be
// chunked. Markdown and HTML headings become the heading path; a PDF page becomes a section.
import { Parser } from 'htmlparser2';
import type * as PdfJsModule from 'pdfjs-dist/legacy/build/pdf.mjs';
import { parse as parseYaml } from 'yaml';
import { decodeText, type KbMediaType } from './sniff.js';

export interface ExtractedSection {
  /** Headings above this text, outermost first (e.g. ["Guide", "Install"]); empty before the first. */
  headings: string[];
  /** Paragraphs separated by a blank line; line breaks inside a paragraph are kept (code, lists). */
  text: string;
}

export interface ExtractedDocument {
  /** From front matter, <title>, PDF metadata or the first top-level heading; null when none. */
  title: string | null;
  /** Only sections with text, in document order. */
  sections: ExtractedSection[];
}

export type ExtractErrorCode =
  'not_text' | 'encrypted' | 'corrupt' | 'too_many_pages' | 'timeout' | 'no_text';

/** A document we cannot read; `message` is a sentence meant for the person who uploaded it. */
export class ExtractError extends Error {
  constructor(
    readonly code: ExtractErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ExtractError';
  }
}

export interface ExtractOptions {
  /** PDFs with more pages are refused. Default 500. */
  maxPages?: number;
  /** Give up on a PDF after this long. Default 60 s. */
  timeoutMs?: number;
}

export async function extractText(
  bytes: Uint8Array,
  mediaType: KbMediaType,
  options: ExtractOptions = {},
): Promise<ExtractedDocument> {
  let doc: ExtractedDocument;
  if (mediaType === 'application/pdf') {
    doc = await extractPdf(bytes, options);
  } else {
    const text = decodeText(bytes);
    if (text === null) throw new ExtractError('not_text', 'The file is not valid UTF-8 text.');
    doc =
      mediaType === 'text/markdown'
        ? extractMarkdown(text)
        : mediaType === 'text/html'
          ? extractHtml(text)
          : extractPlain(text);
  }
  if (doc.sections.length === 0) {
    throw new ExtractError(
      'no_text',
      mediaType === 'application/pdf'
        ? 'The PDF contains no extractable text (scanned pages without a text layer cannot be read).'
        : 'The document contains no text.',
    );
  }
  return doc;
}

// ---------------------------------------------------------------------------------------------
// Shared text tidying

/** One newline convention, no trailing spaces, at most one blank line in a row, no outer blank lines. */
function tidy(text: string): string {
  return text
    .normalize('NFC')
    .replace(/\r\n?/g, '\n')
    .replace(/[ \t\f\v\u00a0]+$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .replace(/^\n+|\s+$/g, '');
}

const collapse = (s: string): string => s.replace(/\s+/g, ' ').trim();

function section(headings: string[], text: string): ExtractedSection[] {
  const t = tidy(text);
  return t === '' ? [] : [{ headings: [...headings], text: t }];
}

/** Keeps the heading path of nested headings: a heading closes every open one at its level or deeper. */
class HeadingPath {
  private stack: Array<{ level: number; text: string }> = [];

  enter(level: number, text: string): void {
    while (this.stack.length > 0 && this.stack[this.stack.length - 1]!.level >= level) this.stack.pop();
    if (text !== '') this.stack.push({ level, text });
  }

  get headings(): string[] {
    return this.stack.map((h) => h.text);
  }
}

// ---------------------------------------------------------------------------------------------
// Plain text

export function extractPlain(text: string): ExtractedDocument {
  return { title: null, sections: section([], text) };
}

// ---------------------------------------------------------------------------------------------
// Markdown

const FRONT_MATTER = /^---[ \t]*\n([\s\S]*?)\n(?:---|\.\.\.)[ \t]*(?:\n|$)/;
const MAX_FRONT_MATTER = 64 * 1024;
const ATX = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?[ \t]*$/;
const FENCE_OPEN = /^ {0,3}(`{3,}(?=[^`]*$)|~{3,})/;
const SETEXT = /^ {0,3}(=+|-+)[ \t]*$/;
const THEMATIC_BREAK = /^ {0,3}(?:(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,})$/;
/** A line that cannot be the text of a setext heading (list item, quote, table row, indented code). */
const NOT_SETEXT_TEXT = /^(?: {4}|\t| {0,3}(?:[-+*>|]|\d{1,9}[.)])(?:[ \t]|$))/;

/** Strips the inline markup a reader would not see from a heading. */
function headingText(raw: string): string {
  return collapse(
    raw
      .replace(/[ \t]+#+$/, '') // closing sequence of an ATX heading
      .replace(/^#+$/, '')
      .replace(/\s*\{#[\w-]+\}$/, '') // {#custom-id}
      .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
      .replace(/!?\[([^\]]*)\]\[[^\]]*\]/g, '$1')
      .replace(/<[^>]+>/g, '')
      .replace(/`+/g, '')
      .replace(/(\*\*|__)(.+?)\1/g, '$2')
      .replace(/(^|[^\w*])\*(\S(?:.*?\S)?)\*(?![\w*])/g, '$1$2')
      .replace(/(^|\W)_(\S(?:.*?\S)?)_(?!\w)/g, '$1$2'),
  );
}

function splitFrontMatter(text: string): { body: string; title: string | null } | null {
  const m = FRONT_MATTER.exec(text.slice(0, MAX_FRONT_MATTER));
  if (!m) return null;
  let data: unknown;
  try {
    data = parseYaml(m[1]!);
  } catch {
    return null; // not YAML: probably a thematic break, leave the text alone
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return null;
  const title = (data as Record<string, unknown>).title;
  return {
    body: text.slice(m[0].length),
    title: typeof title === 'string' && title.trim() !== '' ? collapse(title) : null,
  };
}

export function extractMarkdown(source: string): ExtractedDocument {
  let text = source.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  let title: string | null = null;
  const front = splitFrontMatter(text);
  if (front) {
    text = front.body;
    title = front.title;
  }

  const sections: ExtractedSection[] = [];
  const path = new HeadingPath();
  let body: string[] = [];
  /** Lines of the paragraph being read (candidates for a setext heading). */
  let paragraph: string[] = [];
  let fence: { char: string; length: number } | null = null;

  const heading = (level: number, raw: string) => {
    sections.push(...section(path.headings, body.join('\n')));
    body = [];
    paragraph = [];
    const t = headingText(raw);
    if (title === null && level === 1 && t !== '') title = t;
    path.enter(level, t);
  };

  for (const line of text.split('\n')) {
    if (fence) {
      body.push(line);
      const close = new RegExp(`^ {0,3}${fence.char === '`' ? '`' : '~'}{${fence.length},}[ \\t]*$`);
      if (close.test(line)) fence = null;
      continue;
    }
    const open = FENCE_OPEN.exec(line);
    if (open) {
      fence = { char: open[1]![0]!, length: open[1]!.length };
      body.push(line);
      paragraph = [];
      continue;
    }
    const atx = ATX.exec(line);
    if (atx) {
      heading(atx[1]!.length, atx[2] ?? '');
      continue;
    }
    const setext = SETEXT.exec(line);
    if (
      setext &&
      paragraph.length > 0 &&
      paragraph.length <= 3 &&
      !NOT_SETEXT_TEXT.test(paragraph[0]!) &&
      paragraph.join(' ').length <= 200
    ) {
      const raw = paragraph.join(' ');
      body.splice(body.length - paragraph.length, paragraph.length);
      heading(setext[1]!.startsWith('=') ? 1 : 2, raw);
      continue;
    }
    if (THEMATIC_BREAK.test(line)) {
      body.push('');
      paragraph = [];
      continue;
    }
    body.push(line);
    if (line.trim() === '') paragraph = [];
    else paragraph.push(line);
  }
  sections.push(...section(path.headings, body.join('\n')));
  return { title, sections };
}

// ---------------------------------------------------------------------------------------------
// HTML

/** Elements whose content is never document text. <title> is read separately. */
const SKIPPED = new Set([
  'head',
  'script',
  'style',
  'noscript',
  'template',
  'svg',
  'math',
  'iframe',
  'object',
  'canvas',
  'select',
  'nav',
]);
/** Elements that start a new paragraph. */
const BLOCKS = new Set([
  'address',
  'article',
  'aside',
  'blockquote',
  'body',
  'caption',
  'center',
  'details',
  'dialog',
  'div',
  'dl',
  'fieldset',
  'figcaption',
  'figure',
  'footer',
  'form',
  'header',
  'hgroup',
  'hr',
  'html',
  'legend',
  'main',
  'menu',
  'ol',
  'p',
  'pre',
  'section',
  'summary',
  'table',
  'tbody',
  'tfoot',
  'thead',
  'ul',
]);
/** Elements that start a new line within a paragraph. */
const LINES = new Set(['br', 'li', 'tr', 'dt', 'dd']);
const CELLS = new Set(['td', 'th']);

/** Accumulates text with HTML whitespace rules: runs collapse to one space except inside <pre>. */
class TextBuilder {
  private parts: string[] = [];
  private pendingBreak: '' | '\n' | '\n\n' = '';
  private atSpace = true;

  add(raw: string, preformatted: boolean): void {
    let s = preformatted ? raw : raw.replace(/\s+/g, ' ');
    if (!preformatted && this.atSpace) s = s.replace(/^ /, '');
    if (s === '') return;
    if (this.pendingBreak !== '' && this.parts.length > 0) {
      this.parts.push(this.pendingBreak);
      if (!preformatted) s = s.replace(/^ /, '');
    }
    this.pendingBreak = '';
    this.parts.push(s);
    this.atSpace = /\s$/.test(s);
  }

  break(kind: '\n' | '\n\n'): void {
    if (kind === '\n\n' || this.pendingBreak === '') this.pendingBreak = kind;
    this.atSpace = true;
  }

  take(): string {
    const text = this.parts.join('');
    this.parts = [];
    this.pendingBreak = '';
    this.atSpace = true;
    return text;
  }
}

export function extractHtml(html: string): ExtractedDocument {
  const sections: ExtractedSection[] = [];
  const path = new HeadingPath();
  const out = new TextBuilder();
  /** For each open element: did it start a skipped region, is it an SVG/MathML root? */
  const open: Array<{ skip: boolean; foreign: boolean }> = [];
  let skipping = 0;
  let foreign = 0;
  let pre = 0;
  let titleText: string | null = null;
  let inTitle = false;
  let firstH1: string | null = null;
  let heading: { level: number; text: string } | null = null;

  const parser = new Parser(
    {
      onopentag(name, attribs) {
        // The document's <title> sits in the skipped <head>; an SVG <title> is not the document's.
        if (name === 'title' && titleText === null && foreign === 0) inTitle = true;
        const entry = {
          skip: SKIPPED.has(name) || 'hidden' in attribs || attribs['aria-hidden'] === 'true',
          foreign: name === 'svg' || name === 'math',
        };
        open.push(entry);
        if (entry.foreign) foreign++;
        if (entry.skip) skipping++;
        if (skipping > 0 || heading) return;
        if (/^h[1-6]$/.test(name)) {
          heading = { level: Number(name[1]), text: '' };
          return;
        }
        if (name === 'pre') pre++;
        if (BLOCKS.has(name)) out.break('\n\n');
        else if (LINES.has(name)) out.break('\n');
        else if (CELLS.has(name)) out.add(' ', false);
      },
      ontext(data) {
        if (inTitle) {
          titleText = (titleText ?? '') + data;
          return;
        }
        if (skipping > 0) return;
        if (heading) heading.text += data;
        else out.add(data, pre > 0);
      },
      onclosetag(name) {
        if (name === 'title' && inTitle) {
          inTitle = false;
          titleText = collapse(titleText ?? '');
        }
        const entry = open.pop();
        if (entry?.foreign) foreign--;
        if (entry?.skip) {
          skipping--;
          return;
        }
        if (skipping > 0) return;
        if (heading && /^h[1-6]$/.test(name)) {
          sections.push(...section(path.headings, out.take()));
          const text = collapse(heading.text);
          if (heading.level === 1 && firstH1 === null && text !== '') firstH1 = text;
          path.enter(heading.level, text);
          heading = null;
          return;
        }
        if (heading) return;
        if (name === 'pre') pre = Math.max(0, pre - 1);
        if (BLOCKS.has(name)) out.break('\n\n');
        else if (LINES.has(name) && name !== 'br') out.break('\n');
      },
    },
    { decodeEntities: true },
  );
  parser.write(html);
  parser.end();
  sections.push(...section(path.headings, out.take()));
  const title = titleText !== null && titleText !== '' ? titleText : firstH1;
  return { title, sections };
}

// ---------------------------------------------------------------------------------------------
// PDF

type PdfJs = typeof PdfJsModule;

let pdfjsModule: Promise<PdfJs> | undefined;

/**
 * pdf.js runs its parser in a "fake worker" on this thread under Node. Importing the worker module
 * ourselves and handing it over through `globalThis.pdfjsWorker` avoids pdf.js resolving a relative
 * worker path at run time, which breaks once the code is bundled.
 */
function loadPdfjs(): Promise<PdfJs> {
  pdfjsModule ??= (async () => {
    const [pdfjs, worker] = await Promise.all([
      import('pdfjs-dist/legacy/build/pdf.mjs'),
      // @ts-expect-error -- the worker bundle ships no type declarations
      import('pdfjs-dist/legacy/build/pdf.worker.mjs') as Promise<unknown>,
    ]);
    const g = globalThis as { pdfjsWorker?: unknown };
    g.pdfjsWorker ??= worker;
    return pdfjs;
  })().catch((err: unknown) => {
    pdfjsModule = undefined;
    throw err;
  });
  return pdfjsModule;
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
function pageText(items: unknown[]): string {
  let out = '';
  let lastY: number | null = null;
  for (const item of items) {
    if (!isTextItem(item)) continue;
    const y = item.transform[5] ?? 0;
    const size = item.height > 0 ? item.height : Math.abs(item.transform[3] ?? 0) || 10;
    if (item.str.trim() !== '') {
      if (lastY !== null && Math.abs(y - lastY) > size * 0.5 && !out.endsWith('\n')) out += '\n';
      if (lastY !== null && Math.abs(lastY - y) > size * 1.8 && !out.endsWith('\n\n')) out += '\n';
      lastY = y;
    }
    out += item.str;
    if (item.hasEOL) out += '\n';
  }
  return out;
}

function pdfError(err: unknown): ExtractError {
  if (err instanceof ExtractError) return err;
  const name = (err as { name?: unknown } | null)?.name;
  if (name === 'PasswordException') {
    return new ExtractError(
      'encrypted',
      'The PDF is password-protected. Remove the password and upload it again.',
      { cause: err },
    );
  }
  if (name === 'InvalidPDFException') {
    return new ExtractError('corrupt', 'The PDF is damaged or is not a valid PDF document.', { cause: err });
  }
  return new ExtractError('corrupt', 'The PDF could not be read; it may be damaged.', { cause: err });
}

async function extractPdf(bytes: Uint8Array, options: ExtractOptions): Promise<ExtractedDocument> {
  const maxPages = options.maxPages ?? 500;
  const timeoutMs = options.timeoutMs ?? 60_000;
  const pdfjs = await loadPdfjs();
  const task = pdfjs.getDocument({
    // pdf.js takes ownership of (detaches) the buffer it is given: hand it a copy.
    data: new Uint8Array(bytes),
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    useWorkerFetch: false,
    enableXfa: false,
    verbosity: pdfjs.VerbosityLevel.ERRORS,
  });

  // pdf.js parses on this thread, so a timer alone cannot interrupt a long parse: check the clock
  // between pages (yielding so other requests get a turn), and keep the timer for a parse that stalls.
  const deadline = performance.now() + timeoutMs;
  const timedOut = () =>
    new ExtractError('timeout', 'Reading the PDF took too long; it may be damaged or too complex.');
  const work = (async (): Promise<ExtractedDocument> => {
    const doc = await task.promise;
    if (doc.numPages > maxPages) {
      throw new ExtractError(
        'too_many_pages',
        `The PDF has ${doc.numPages} pages; at most ${maxPages} can be added. Split it into smaller files.`,
      );
    }
    const sections: ExtractedSection[] = [];
    for (let n = 1; n <= doc.numPages; n++) {
      await new Promise((resolve) => setImmediate(resolve));
      if (performance.now() >= deadline) throw timedOut();
      const page = await doc.getPage(n);
      const content = await page.getTextContent();
      sections.push(...section([`Page ${n}`], pageText(content.items)));
      page.cleanup();
    }
    return { title: await pdfTitle(doc), sections };
  })();
  // Whichever loses the race below must not surface as an unhandled rejection.
  work.catch(() => undefined);

  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(timedOut()), timeoutMs);
  });
  try {
    return await Promise.race([work, timeout]);
  } catch (err) {
    throw pdfError(err);
  } finally {
    clearTimeout(timer);
    await task.destroy().catch(() => undefined);
  }
}

async function pdfTitle(doc: { getMetadata(): Promise<{ info: unknown; metadata: unknown }> }) {
  try {
    const { info, metadata } = await doc.getMetadata();
    const fromInfo = (info as { Title?: unknown } | null)?.Title;
    if (typeof fromInfo === 'string' && collapse(fromInfo) !== '') return collapse(fromInfo);
    const fromXmp = (metadata as { get?(name: string): unknown } | null)?.get?.('dc:title');
    if (typeof fromXmp === 'string' && collapse(fromXmp) !== '') return collapse(fromXmp);
  } catch {
    // Metadata is optional; a broken info dictionary does not make the text unreadable.
  }
  return null;
}
