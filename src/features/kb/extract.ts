// Turns an uploaded document into plain text sections that keep their heading context, ready to be
// chunked. Markdown and HTML headings become the heading path; a PDF page becomes a section.
//
// Uploads are untrusted and this runs in the server's process: every step here is linear in the
// input (no regular expression can backtrack over a long run), headings and the total text are capped
// (limits.ts), and PDFs are read in a worker thread with its own memory limit and deadline (pdf.ts).
import { Parser } from 'htmlparser2';
import { parse as parseYaml } from 'yaml';
import {
  ExtractError,
  HEADING_SEPARATOR,
  MAX_HEADING_CHARS,
  MAX_HEADING_PATH_CHARS,
  MAX_HTML_DEPTH,
  MAX_TEXT_CHARS,
  tooMuchText,
  truncateText,
} from './limits.js';
import { readPdf } from './pdf.js';
import { decodeText, type KbMediaType } from './sniff.js';

export { ExtractError, type ExtractErrorCode } from './limits.js';

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

export interface ExtractOptions {
  /** PDFs with more pages are refused. Default 500. */
  maxPages?: number;
  /** Give up on a PDF after this long. Default 60 s. */
  timeoutMs?: number;
  /** Documents with more characters of text are refused ('too_large'). Default {@link MAX_TEXT_CHARS}. */
  maxChars?: number;
  /** V8 heap of the thread that reads a PDF, in MiB. Default 256. */
  pdfHeapMb?: number;
  /** The process may grow by at most this many MiB while a PDF is read. Default 768. */
  pdfMemoryMb?: number;
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
  const maxChars = options.maxChars ?? MAX_TEXT_CHARS;
  if (doc.sections.reduce((n, s) => n + s.text.length, 0) > maxChars) throw tooMuchText(maxChars);
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
  // Line by line: a regex such as /[ \t]+$/m retries at every space of a long run that does not end
  // its line, which is quadratic.
  const out: string[] = [];
  let blank = false;
  for (const raw of text.normalize('NFC').split(/\r\n?|\n/)) {
    const line = raw.trimEnd();
    if (line === '') {
      blank = out.length > 0;
      continue;
    }
    if (out.length > 0) out.push(blank ? '\n\n' : '\n');
    out.push(line);
    blank = false;
  }
  return out.join('');
}

const collapse = (s: string): string => s.replace(/\s+/g, ' ').trim();

/** A heading or title as shown: whitespace collapsed, at most MAX_HEADING_CHARS. */
const headingLabel = (s: string): string => truncateText(collapse(s), MAX_HEADING_CHARS);

function section(headings: string[], text: string): ExtractedSection[] {
  const t = tidy(text);
  return t === '' ? [] : [{ headings: [...headings], text: t }];
}

/**
 * Keeps the heading path of nested headings: a heading closes every open one at its level or deeper.
 * Each heading is at most MAX_HEADING_CHARS; a path longer than MAX_HEADING_PATH_CHARS when joined
 * keeps its innermost headings behind a leading "…".
 */
class HeadingPath {
  private stack: Array<{ level: number; text: string }> = [];
  private path: string[] = [];

  enter(level: number, text: string): void {
    while (this.stack.length > 0 && this.stack[this.stack.length - 1]!.level >= level) this.stack.pop();
    if (text !== '') this.stack.push({ level, text: truncateText(text, MAX_HEADING_CHARS) });
    this.path = fitPath(this.stack.map((h) => h.text));
  }

  get headings(): string[] {
    return this.path;
  }
}

function fitPath(headings: string[]): string[] {
  const joined =
    headings.reduce((n, h) => n + h.length, 0) + HEADING_SEPARATOR.length * (headings.length - 1);
  if (joined <= MAX_HEADING_PATH_CHARS) return headings;
  const kept: string[] = [];
  let length = 1; // the leading "…"
  for (let i = headings.length - 1; i >= 0; i--) {
    const add = HEADING_SEPARATOR.length + headings[i]!.length;
    if (length + add > MAX_HEADING_PATH_CHARS) break;
    kept.unshift(headings[i]!);
    length += add;
  }
  return ['…', ...kept];
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
// No quantifier here may overlap another over the same characters: `[ \t]+(.*?)[ \t]*$` backtracks
// quadratically over a long run of spaces followed by text. Trailing blanks are trimmed afterwards.
const ATX = /^ {0,3}(#{1,6})(?:[ \t]+([\s\S]*))?$/;
const FENCE_OPEN = /^ {0,3}(`{3,}(?=[^`]*$)|~{3,})/;
const SETEXT = /^ {0,3}(=+|-+)[ \t]*$/;
const THEMATIC_BREAK = /^ {0,3}(?:(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,})$/;
/** A line that cannot be the text of a setext heading (list item, quote, table row, indented code). */
const NOT_SETEXT_TEXT = /^(?: {4}|\t| {0,3}(?:[-+*>|]|\d{1,9}[.)])(?:[ \t]|$))/;

/** An ATX heading's closing sequence (" ##"); nothing is left of a heading that is only "#"s. */
function stripClosingSequence(text: string): string {
  let end = text.length;
  while (end > 0 && text[end - 1] === '#') end--;
  const open = end > 0 && end < text.length && (text[end - 1] === ' ' || text[end - 1] === '\t');
  const rest = open ? text.slice(0, end).trimEnd() : text;
  return /^#+$/.test(rest) ? '' : rest;
}

/** A trailing {#custom-id} attribute. */
function stripCustomId(text: string): string {
  const at = text.lastIndexOf('{#');
  return at !== -1 && /^\{#[\w-]+\}$/.test(text.slice(at)) ? text.slice(0, at).trimEnd() : text;
}

// Inline markup a reader would not see. Every pattern is linear: each scan from an opening
// delimiter stops at the next delimiter of its kind, so no two attempts cover the same text.
const LINK = /!?\[([^[\]]*)\]\([^()]*\)/g;
const REFERENCE_LINK = /!?\[([^[\]]*)\]\[[^[\]]*\]/g;
const TAG = /<[^<>]+>/g;
const STRONG = /(\*\*|__)(.+?)\1/g;
const EMPHASIS_STAR = /(^|[^\w*])\*([^\s*](?:[^*]*[^\s*])?)\*(?![\w*])/g;
/** Underscores inside words (snake_case) do not end emphasis. */
const EMPHASIS_UNDERSCORE = /(^|\W)_([^\s_](?:(?:[^_]|(?<=\w)_(?=\w))*[^\s_])?)_(?!\w)/g;

/** Strips the inline markup a reader would not see from a heading. */
function headingText(raw: string): string {
  return collapse(
    stripCustomId(stripClosingSequence(raw.trimEnd()))
      .replace(LINK, '$1')
      .replace(REFERENCE_LINK, '$1')
      .replace(TAG, '')
      .replace(/`+/g, '')
      .replace(STRONG, '$2')
      .replace(EMPHASIS_STAR, '$1$2')
      .replace(EMPHASIS_UNDERSCORE, '$1$2'),
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
    title: typeof title === 'string' && title.trim() !== '' ? headingLabel(title) : null,
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
  /** The fence a code block must close with, while inside one. */
  let fence: RegExp | null = null;

  const heading = (level: number, raw: string) => {
    sections.push(...section(path.headings, body.join('\n')));
    body = [];
    paragraph = [];
    const t = headingLabel(headingText(raw));
    if (title === null && level === 1 && t !== '') title = t;
    path.enter(level, t);
  };

  for (const line of text.split('\n')) {
    if (fence) {
      body.push(line);
      if (fence.test(line)) fence = null;
      continue;
    }
    const open = FENCE_OPEN.exec(line);
    if (open) {
      const char = open[1]![0] === '`' ? '`' : '~';
      fence = new RegExp(`^ {0,3}${char}{${open[1]!.length},}[ \\t]*$`);
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
    this.atSpace = /\s/.test(s[s.length - 1]!);
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

/**
 * Text inside a heading element beyond which it is taken for an unclosed tag (`<h1>` left open
 * around the rest of the page): what it holds becomes body text instead.
 */
const MAX_HEADING_SOURCE = 10 * MAX_HEADING_CHARS;

const tooDeep = () =>
  new ExtractError(
    'too_complex',
    `The HTML nests elements more than ${MAX_HTML_DEPTH} levels deep, which no readable page does. ` +
      'Save the page again, or upload its text.',
  );

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
        // htmlparser2 keeps its own stack of open elements with Array#unshift, so each element
        // costs time in proportion to the depth: nesting has to stop well before that adds up.
        if (open.length >= MAX_HTML_DEPTH) throw tooDeep();
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
        if (!heading) {
          out.add(data, pre > 0);
          return;
        }
        heading.text += data;
        if (heading.text.length > MAX_HEADING_SOURCE) {
          out.break('\n\n');
          out.add(heading.text, false);
          heading = null;
        }
      },
      onclosetag(name) {
        if (name === 'title' && inTitle) {
          inTitle = false;
          titleText = headingLabel(titleText ?? '');
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
          const text = headingLabel(heading.text);
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

async function extractPdf(bytes: Uint8Array, options: ExtractOptions): Promise<ExtractedDocument> {
  const { title, pages } = await readPdf(bytes, {
    maxPages: options.maxPages ?? 500,
    maxChars: options.maxChars ?? MAX_TEXT_CHARS,
    timeoutMs: options.timeoutMs ?? 60_000,
    heapMb: options.pdfHeapMb ?? 256,
    memoryMb: options.pdfMemoryMb ?? 768,
  });
  const label = title === null ? '' : headingLabel(title);
  return {
    title: label === '' ? null : label,
    sections: pages.flatMap((text, i) => section([`Page ${i + 1}`], text)),
  };
}
