// What one uploaded document may produce, and the error that tells its owner why it was refused.
// Uploads are untrusted: every limit here bounds the time or memory a single file can cost the server.

export type ExtractErrorCode =
  | 'not_text'
  | 'encrypted'
  | 'corrupt'
  | 'too_many_pages'
  | 'timeout'
  | 'no_text'
  /** More text, passages or memory than one document may use. */
  | 'too_large'
  /** Structure no real document has (HTML nested hundreds of levels deep). */
  | 'too_complex';

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

/** Characters of extracted text per document (about 500 pages of prose). */
export const MAX_TEXT_CHARS = 2_000_000;
/** A single heading (or title) is cut to this many characters, ending in "…". */
export const MAX_HEADING_CHARS = 200;
/** A chunk's heading path ("A > B > C") is kept within this many characters. */
export const MAX_HEADING_PATH_CHARS = 500;
/** Chunks per document. */
export const MAX_CHUNKS = 20_000;
/** Elements open at once in an HTML document. */
export const MAX_HTML_DEPTH = 512;

export const HEADING_SEPARATOR = ' > ';

const formatCount = (n: number) => n.toLocaleString('en-US');

export function tooMuchText(max: number): ExtractError {
  return new ExtractError(
    'too_large',
    `The document has more than ${formatCount(max)} characters of text. Split it into smaller files.`,
  );
}

export function tooManyChunks(max: number): ExtractError {
  return new ExtractError(
    'too_large',
    `The document is too long to index (more than ${formatCount(max)} passages). Split it into smaller files.`,
  );
}

/** Cuts `text` to at most `max` characters, the last being "…"; never splits a surrogate pair. */
export function truncateText(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - 1;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return text.slice(0, end).trimEnd() + '…';
}
