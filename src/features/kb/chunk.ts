// Splits extracted sections into overlapping, token-bounded chunks for embedding and keyword search.
//
// Each section's text becomes a run of words ("atoms"), each remembering how strong the boundary
// before it is (paragraph > line or sentence > word > inside a word). A chunk takes as many atoms as
// fit in `maxTokens` and ends at the strongest boundary that still leaves it at least half full;
// the next chunk starts a few sentences or words back (`overlapTokens`) so an idea cut at the
// boundary is seen whole by one of the two. Words longer than a whole chunk (URLs, base64) are cut
// into pieces. Everything is a pure function of the input and options, so re-running an ingestion
// job yields the same chunks with the same ordinals.
//
// Input is untrusted. No string handed to the token counter is unbounded: words longer than
// MAX_RUN characters are cut into MAX_RUN-character pieces before they are counted, whitespace runs
// longer than that are shortened (they are layout, not content), and a chunk's content is at most
// `maxTokens` atoms of bounded length. The default counter is O(n log n) in its input.
import type { ExtractedSection } from './extract.js';
import {
  HEADING_SEPARATOR,
  MAX_CHUNKS,
  MAX_HEADING_PATH_CHARS,
  tooManyChunks,
  truncateText,
} from './limits.js';
import { createBpeCounter } from '../../lib/bpe-count.js';

export type TokenCounter = (text: string) => number;

export interface ChunkOptions {
  /** Upper bound on `tokens` of every chunk. Default 200. */
  maxTokens?: number;
  /** About this many tokens of the previous chunk's tail open the next one (same section). Default 40. */
  overlapTokens?: number;
  /** Default: cl100k_base (js-tiktoken's vocabulary). */
  countTokens?: TokenCounter;
  /** More chunks than this fail with ExtractError 'too_large'. Default {@link MAX_CHUNKS}. */
  maxChunks?: number;
}

export interface DocumentChunk {
  /** 0, 1, 2… across the whole document. */
  ordinal: number;
  /**
   * Heading path of the section, "A > B > C" (at most MAX_HEADING_PATH_CHARS); null before the first
   * heading. Not part of `content`.
   */
  heading: string | null;
  content: string;
  /** `countTokens(content)`. */
  tokens: number;
}

export const DEFAULT_MAX_TOKENS = 200;
export const DEFAULT_OVERLAP_TOKENS = 40;

let defaultCounter: Promise<TokenCounter> | undefined;

/**
 * cl100k_base, loaded once on first use (only that table, not every encoding js-tiktoken ships).
 * Counts equal js-tiktoken's `encode(text, [], []).length` (special-token text such as
 * "<|endoftext|>" in a document is ordinary text), computed without its quadratic merge loop.
 */
export function loadDefaultTokenCounter(): Promise<TokenCounter> {
  defaultCounter ??= (async () => {
    const { default: ranks } = await import('js-tiktoken/ranks/cl100k_base');
    return createBpeCounter(ranks);
  })().catch((err: unknown) => {
    defaultCounter = undefined;
    throw err;
  });
  return defaultCounter;
}

export async function chunkDocument(
  doc: { sections: readonly ExtractedSection[] },
  options: ChunkOptions = {},
): Promise<DocumentChunk[]> {
  const countTokens = options.countTokens ?? (await loadDefaultTokenCounter());
  return chunkSections(doc.sections, { ...options, countTokens });
}

/** The synchronous core of {@link chunkDocument}, for callers that bring their own counter. */
export function chunkSections(
  sections: readonly ExtractedSection[],
  options: ChunkOptions & { countTokens: TokenCounter },
): DocumentChunk[] {
  const maxTokens = options.maxTokens ?? DEFAULT_MAX_TOKENS;
  const overlapTokens = options.overlapTokens ?? DEFAULT_OVERLAP_TOKENS;
  const maxChunks = options.maxChunks ?? MAX_CHUNKS;
  if (!Number.isInteger(maxTokens) || maxTokens < 8) {
    throw new RangeError('maxTokens must be an integer of at least 8');
  }
  if (!Number.isInteger(overlapTokens) || overlapTokens < 0 || overlapTokens > maxTokens / 2) {
    throw new RangeError('overlapTokens must be an integer between 0 and maxTokens / 2');
  }
  // Words repeat a lot; counting each distinct one once keeps long documents fast.
  const cache = new Map<string, number>();
  const count: TokenCounter = (text) => {
    if (text.length > MAX_RUN) return options.countTokens(text);
    let n = cache.get(text);
    if (n === undefined) {
      n = options.countTokens(text);
      cache.set(text, n);
    }
    return n;
  };

  const chunks: DocumentChunk[] = [];
  for (const s of sections) {
    const heading =
      s.headings.length > 0 ? truncateText(s.headings.join(HEADING_SEPARATOR), MAX_HEADING_PATH_CHARS) : null;
    const atoms = toAtoms(s.text, maxTokens - 1, count);
    for (const content of packSection(atoms, maxTokens, overlapTokens, options.countTokens)) {
      if (chunks.length >= maxChunks) throw tooManyChunks(maxChunks);
      chunks.push({ ordinal: chunks.length, heading, ...content });
    }
  }
  return chunks;
}

/** How strong the boundary before an atom is; chunks prefer to end before a strong one. */
const Boundary = {
  /** Inside a word that was cut because it alone exceeds a chunk. */
  None: 0,
  Word: 1,
  /** A new sentence or a new line. */
  Sentence: 2,
  Paragraph: 3,
} as const;
type Boundary = (typeof Boundary)[keyof typeof Boundary];

interface Atom {
  /** Whitespace before the word (a paragraph break is "\n\n"); dropped when the atom opens a chunk. */
  sep: string;
  text: string;
  boundary: Boundary;
  /** Tokens of `text` alone, as the first atom of a chunk. */
  alone: number;
  /** Tokens of `sep + text`, as a continuation. */
  joined: number;
}

/**
 * Words longer than this are cut into pieces of this many characters before anything counts them,
 * and longer whitespace runs are shortened to it: no count sees an unbounded run. Pieces this short
 * still pack chunks as full as whole words do, and are short enough for the count cache.
 */
const MAX_RUN = 64;

const SENTENCE_END = /[.!?…]["'”’)\]]*$/;
/** Scripts written without spaces end sentences with these; the next sentence may follow directly. */
const CJK_SENTENCE = /(?<=[。！？])(?=\S)/;

/** Cuts a long run into pieces of `size` characters, never inside a surrogate pair. */
function cutRun(word: string, size: number): string[] {
  const pieces: string[] = [];
  for (let start = 0; start < word.length;) {
    let end = Math.min(word.length, start + size);
    const last = word.charCodeAt(end - 1);
    if (end < word.length && last >= 0xd800 && last <= 0xdbff) end--;
    pieces.push(word.slice(start, end));
    start = end;
  }
  return pieces;
}

function toAtoms(text: string, pieceLimit: number, count: TokenCounter): Atom[] {
  const atoms: Atom[] = [];
  const push = (sep: string, word: string, boundary: Boundary) => {
    // Only whitespace: nothing to keep whole, and nothing a reader would miss.
    const space = sep.length > MAX_RUN ? sep.slice(0, MAX_RUN) : sep;
    if (word.length <= MAX_RUN) {
      pushPiece(space, word, boundary);
      return;
    }
    cutRun(word, MAX_RUN).forEach((piece, i) => {
      pushPiece(i === 0 ? space : '', piece, i === 0 ? boundary : Boundary.None);
    });
  };
  const pushPiece = (sep: string, word: string, boundary: Boundary) => {
    const alone = count(word);
    if (alone <= pieceLimit) {
      atoms.push({ sep, text: word, boundary, alone, joined: count(sep + word) });
      return;
    }
    hardSplit(word, pieceLimit, count).forEach((piece, i) => {
      const pieceSep = i === 0 ? sep : '';
      atoms.push({
        sep: pieceSep,
        text: piece,
        boundary: i === 0 ? boundary : Boundary.None,
        alone: count(piece),
        joined: count(pieceSep + piece),
      });
    });
  };

  for (const paragraph of text.split(/\n[ \t]*\n/)) {
    let previous = '';
    let first = true;
    for (const m of paragraph.trimEnd().matchAll(/(\s*)(\S+)/g)) {
      const ws = m[1]!;
      for (const [k, word] of m[2]!.split(CJK_SENTENCE).entries()) {
        let boundary: Boundary;
        let sep: string;
        if (first) {
          boundary = Boundary.Paragraph;
          sep = atoms.length === 0 ? '' : '\n\n' + ws.replace(/^\n+/, '');
        } else if (k > 0) {
          boundary = Boundary.Sentence;
          sep = '';
        } else {
          boundary = ws.includes('\n') || SENTENCE_END.test(previous) ? Boundary.Sentence : Boundary.Word;
          sep = ws;
        }
        push(sep, word, boundary);
        previous = word;
        first = false;
      }
    }
  }
  return atoms;
}

/** Cuts a word (at most MAX_RUN characters) into pieces of at most `limit` tokens, never inside a surrogate pair. */
function hardSplit(word: string, limit: number, count: TokenCounter): string[] {
  const charsPerToken = word.length / Math.max(1, count(word));
  const pieces: string[] = [];
  let start = 0;
  while (start < word.length) {
    let len = Math.max(1, Math.floor(charsPerToken * limit * 0.9));
    let piece: string;
    for (;;) {
      len = Math.min(len, word.length - start);
      const lastCode = word.charCodeAt(start + len - 1);
      if (lastCode >= 0xd800 && lastCode <= 0xdbff && start + len < word.length) {
        len = len > 1 ? len - 1 : len + 1;
      }
      piece = word.slice(start, start + len);
      const tokens = count(piece);
      // A single code point is at most 4 tokens (one per UTF-8 byte), below any allowed limit.
      if (tokens <= limit || piece.length <= 2) break;
      len = Math.max(1, Math.min(len - 1, Math.floor((len * limit) / tokens) - 1));
    }
    pieces.push(piece);
    start += piece.length;
  }
  return pieces;
}

function render(atoms: Atom[], from: number, to: number): string {
  let out = atoms[from]!.text;
  for (let i = from + 1; i <= to; i++) out += atoms[i]!.sep + atoms[i]!.text;
  return out;
}

/** Chunks of one section: contents and their exact token counts. */
function packSection(
  atoms: Atom[],
  maxTokens: number,
  overlapTokens: number,
  countExact: TokenCounter,
): Array<{ content: string; tokens: number }> {
  const out: Array<{ content: string; tokens: number }> = [];
  const n = atoms.length;
  let start = 0;
  /** Last atom of the previous chunk: every chunk must reach past it. */
  let covered = -1;

  const estimate = (from: number, to: number) => {
    let t = atoms[from]!.alone;
    for (let i = from + 1; i <= to; i++) t += atoms[i]!.joined;
    return t;
  };

  while (start < n) {
    // The furthest end that fits, by the per-word estimate.
    let fill = atoms[start]!.alone;
    let limit = start;
    const fills: number[] = [fill];
    while (limit + 1 < n && fill + atoms[limit + 1]!.joined <= maxTokens) {
      limit++;
      fill += atoms[limit]!.joined;
      fills.push(fill);
    }
    // Overlap left the chunk no room to move forward: start later instead.
    if (limit <= covered && start < covered + 1) {
      start++;
      continue;
    }

    let end = limit;
    if (limit < n - 1) {
      // End before the strongest boundary that keeps the chunk at least half full.
      const minEnd = Math.max(start, covered + 1);
      let best: number = -1;
      let bestEnd = limit;
      for (let e = limit; e >= minEnd; e--) {
        if (fills[e - start]! < maxTokens / 2 && e !== limit) break;
        const strength = atoms[e + 1]!.boundary;
        if (strength > best) {
          best = strength;
          bestEnd = e;
        }
      }
      end = bestEnd;
    }

    // The estimate is a sum over words; make sure the real count agrees, trimming if it does not.
    let content = render(atoms, start, end);
    let tokens = countExact(content);
    while (tokens > maxTokens && start < end) {
      if (end > covered + 1) end--;
      else start++;
      content = render(atoms, start, end);
      tokens = countExact(content);
    }
    out.push({ content, tokens });
    if (end >= n - 1) break;
    covered = end;

    // Start the next chunk up to `overlapTokens` back, at a sentence start when there is one, and
    // never inside a cut word.
    let next = end + 1;
    if (overlapTokens > 0) {
      let tail = 0;
      while (next - 1 > start && tail + atoms[next - 1]!.joined <= overlapTokens) {
        next--;
        tail += atoms[next]!.joined;
      }
      let sentence = next;
      while (sentence <= end && atoms[sentence]!.boundary < Boundary.Sentence) sentence++;
      if (sentence <= end) next = sentence;
      else while (next <= end && atoms[next]!.boundary === Boundary.None) next++;
      // The overlap plus the next atom must fit, or the next chunk could not move forward.
      while (next <= end && estimate(next, end + 1) > maxTokens) next++;
    }
    start = next;
  }
  return out;
}
