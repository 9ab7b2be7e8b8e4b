// Decides what an uploaded file really is from its bytes. The filename only picks between the text
// flavours (Markdown, HTML, plain) and limits which extensions are accepted at all; a renamed
// executable or archive is refused whatever it is called.

export type KbMediaType = 'text/markdown' | 'text/plain' | 'text/html' | 'application/pdf';

export type SniffResult = { mediaType: KbMediaType } | { rejected: string };

export const ALLOWED_EXTENSIONS = ['.md', '.markdown', '.txt', '.html', '.htm', '.pdf'] as const;

const ALLOWED_SENTENCE =
  'Only Markdown (.md, .markdown), plain text (.txt), HTML (.html, .htm) and PDF (.pdf) files can be added.';

/**
 * Readers accept a PDF header preceded by up to 1 KiB of junk. We only look that far for files named
 * .pdf: a text file that merely mentions "%PDF-" near its top must stay text.
 */
const PDF_HEADER_WINDOW = 1024;

/** More than this share of control characters and it is not prose, whatever it decodes as. */
const MAX_CONTROL_RATIO = 0.01;

interface Magic {
  /** What the user is told the file looks like. */
  what: string;
  matches(b: Uint8Array): boolean;
}

const startsWith = (b: Uint8Array, sig: readonly number[], at = 0): boolean =>
  b.length >= at + sig.length && sig.every((v, i) => b[at + i] === v);

const ascii = (s: string): number[] => [...s].map((c) => c.charCodeAt(0));

/** A NUL somewhere in the first bytes: real text never has one, so two-letter signatures need it. */
const hasNulNear = (b: Uint8Array, limit = 64): boolean => b.subarray(0, limit).includes(0);

/** The name of the first entry of a zip archive (local file header), to tell Office files apart. */
function zipLooksLike(b: Uint8Array): string {
  const head = new TextDecoder('latin1').decode(b.subarray(0, 4096));
  if (head.includes('word/')) return 'a Word document (.docx)';
  if (head.includes('xl/')) return 'an Excel workbook (.xlsx)';
  if (head.includes('ppt/')) return 'a PowerPoint presentation (.pptx)';
  if (head.includes('application/epub+zip')) return 'an EPUB e-book';
  if (head.includes('mimetypeapplication/vnd.oasis.opendocument')) return 'an OpenDocument file';
  if (head.includes('META-INF/')) return 'a Java archive (.jar)';
  return 'a zip archive';
}

const MAGICS: Magic[] = [
  { what: 'a Windows executable', matches: (b) => startsWith(b, ascii('MZ')) && hasNulNear(b) },
  { what: 'a Linux executable (ELF)', matches: (b) => startsWith(b, [0x7f, 0x45, 0x4c, 0x46]) },
  {
    what: 'a macOS executable (Mach-O)',
    matches: (b) =>
      [
        [0xfe, 0xed, 0xfa, 0xce],
        [0xfe, 0xed, 0xfa, 0xcf],
        [0xce, 0xfa, 0xed, 0xfe],
        [0xcf, 0xfa, 0xed, 0xfe],
      ].some((sig) => startsWith(b, sig)),
  },
  // 0xCAFEBABE opens both Java class files and macOS universal binaries.
  {
    what: 'a Java class file or macOS universal binary',
    matches: (b) => startsWith(b, [0xca, 0xfe, 0xba, 0xbe]),
  },
  { what: 'a WebAssembly module', matches: (b) => startsWith(b, [0x00, 0x61, 0x73, 0x6d]) },
  {
    what: 'a zip archive',
    matches: (b) =>
      startsWith(b, [0x50, 0x4b, 0x03, 0x04]) ||
      startsWith(b, [0x50, 0x4b, 0x05, 0x06]) ||
      startsWith(b, [0x50, 0x4b, 0x07, 0x08]),
  },
  {
    what: 'a legacy Microsoft Office file (.doc, .xls, .ppt)',
    matches: (b) => startsWith(b, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]),
  },
  { what: 'a gzip archive', matches: (b) => startsWith(b, [0x1f, 0x8b]) },
  { what: 'a bzip2 archive', matches: (b) => startsWith(b, ascii('BZh')) && hasNulNear(b, 16) },
  { what: 'an xz archive', matches: (b) => startsWith(b, [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]) },
  { what: 'a Zstandard archive', matches: (b) => startsWith(b, [0x28, 0xb5, 0x2f, 0xfd]) },
  { what: 'a 7-Zip archive', matches: (b) => startsWith(b, [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]) },
  { what: 'a RAR archive', matches: (b) => startsWith(b, [...ascii('Rar!'), 0x1a, 0x07]) },
  { what: 'a tar archive', matches: (b) => startsWith(b, ascii('ustar'), 257) && hasNulNear(b, 257) },
  { what: 'an SQLite database', matches: (b) => startsWith(b, [...ascii('SQLite format 3'), 0]) },
  { what: 'a PNG image', matches: (b) => startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) },
  { what: 'a JPEG image', matches: (b) => startsWith(b, [0xff, 0xd8, 0xff]) },
  { what: 'a GIF image', matches: (b) => startsWith(b, ascii('GIF87a')) || startsWith(b, ascii('GIF89a')) },
  { what: 'a WebP image', matches: (b) => startsWith(b, ascii('RIFF')) && startsWith(b, ascii('WEBP'), 8) },
  {
    what: 'a WAV audio file',
    matches: (b) => startsWith(b, ascii('RIFF')) && startsWith(b, ascii('WAVE'), 8),
  },
  { what: 'an AVI video', matches: (b) => startsWith(b, ascii('RIFF')) && startsWith(b, ascii('AVI '), 8) },
  {
    what: 'a TIFF image',
    matches: (b) => startsWith(b, [0x49, 0x49, 0x2a, 0x00]) || startsWith(b, [0x4d, 0x4d, 0x00, 0x2a]),
  },
  { what: 'a BMP image', matches: (b) => startsWith(b, ascii('BM')) && hasNulNear(b, 16) },
  { what: 'an icon file', matches: (b) => startsWith(b, [0x00, 0x00, 0x01, 0x00]) },
  { what: 'an MP4/QuickTime video', matches: (b) => startsWith(b, ascii('ftyp'), 4) && hasNulNear(b, 4) },
  { what: 'an MP3 audio file', matches: (b) => startsWith(b, ascii('ID3')) && hasNulNear(b, 16) },
  { what: 'an Ogg media file', matches: (b) => startsWith(b, ascii('OggS')) && hasNulNear(b, 16) },
  { what: 'a FLAC audio file', matches: (b) => startsWith(b, ascii('fLaC')) && hasNulNear(b, 16) },
  { what: 'a Matroska/WebM video', matches: (b) => startsWith(b, [0x1a, 0x45, 0xdf, 0xa3]) },
  { what: 'a WOFF font', matches: (b) => startsWith(b, ascii('wOFF')) || startsWith(b, ascii('wOF2')) },
  { what: 'a TrueType font', matches: (b) => startsWith(b, [0x00, 0x01, 0x00, 0x00, 0x00]) },
];

function pdfHeaderAt(b: Uint8Array, anywhereInWindow: boolean): boolean {
  if (startsWith(b, ascii('%PDF-'))) return true;
  if (!anywhereInWindow) return false;
  const window = b.subarray(0, PDF_HEADER_WINDOW + 5);
  const sig = ascii('%PDF-');
  for (let i = window.indexOf(0x25); i !== -1 && i <= PDF_HEADER_WINDOW; i = window.indexOf(0x25, i + 1)) {
    if (startsWith(window, sig, i)) return true;
  }
  return false;
}

/** The lower-cased extension of the last path segment ('' when there is none; '.env' has none). */
export function extensionOf(filename: string): string {
  const base = filename.split(/[\\/]/).pop() ?? '';
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot).toLowerCase() : '';
}

/**
 * Decodes text bytes: UTF-8 (with or without a byte-order mark) or UTF-16 with a byte-order mark.
 * Returns null when the bytes are not valid in that encoding.
 */
export function decodeText(bytes: Uint8Array): string | null {
  let encoding = 'utf-8';
  if (startsWith(bytes, [0xff, 0xfe])) encoding = 'utf-16le';
  else if (startsWith(bytes, [0xfe, 0xff])) encoding = 'utf-16be';
  try {
    // fatal: invalid sequences throw instead of becoming U+FFFD; the BOM is dropped by default.
    return new TextDecoder(encoding, { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

/** Share of characters that are control characters other than tab, line feed, form feed, CR. */
function controlRatio(text: string): number {
  let control = 0;
  let total = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    total++;
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0c && c !== 0x0d) || (c >= 0x7f && c <= 0x9f)) {
      control++;
    }
  }
  return total === 0 ? 0 : control / total;
}

/** True when the text opens like an HTML document (after whitespace and comments). */
export function looksLikeHtml(text: string): boolean {
  const head = text
    .slice(0, 4096)
    .replace(/^\s*(?:<!--[\s\S]*?-->\s*)*/, '')
    .slice(0, 32)
    .toLowerCase();
  return head.startsWith('<!doctype html') || /^<html[\s>]/.test(head);
}

export function detectType(bytes: Uint8Array, filename: string): SniffResult {
  const ext = extensionOf(filename);
  if (bytes.length === 0) return { rejected: 'The file is empty.' };

  if (pdfHeaderAt(bytes, ext === '.pdf')) return { mediaType: 'application/pdf' };

  const magic = MAGICS.find((m) => m.matches(bytes));
  if (magic) {
    const what = magic.what === 'a zip archive' ? zipLooksLike(bytes) : magic.what;
    return { rejected: `The file looks like ${what}, not a document. ${ALLOWED_SENTENCE}` };
  }

  if (ext === '.pdf') {
    return { rejected: 'The file is named .pdf but its contents are not a PDF document.' };
  }
  if (ext !== '' && !(ALLOWED_EXTENSIONS as readonly string[]).includes(ext)) {
    return { rejected: `Files of type ${ext} are not accepted. ${ALLOWED_SENTENCE}` };
  }

  const text = decodeText(bytes);
  if (text === null) {
    return {
      rejected: 'The file is not valid UTF-8 text. Save it as UTF-8 (or upload it as a PDF) and try again.',
    };
  }
  if (text.includes('\u0000') || controlRatio(text) > MAX_CONTROL_RATIO) {
    return { rejected: 'The file contains binary data, not readable text.' };
  }
  if (text.trim() === '') return { rejected: 'The file contains no text.' };

  if (ext === '.md' || ext === '.markdown') return { mediaType: 'text/markdown' };
  if (ext === '.html' || ext === '.htm' || looksLikeHtml(text)) return { mediaType: 'text/html' };
  return { mediaType: 'text/plain' };
}
