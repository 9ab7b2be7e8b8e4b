import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  chunkDocument,
  chunkSections,
  loadDefaultTokenCounter,
  type DocumentChunk,
  type TokenCounter,
} from './chunk.js';
import { ExtractError, type ExtractedSection } from './extract.js';
import { MAX_CHUNKS, MAX_HEADING_PATH_CHARS } from './limits.js';

/** One token per whitespace-separated word: makes expected chunk boundaries easy to reason about. */
const wordCount: TokenCounter = (s) => s.split(/\s+/).filter(Boolean).length;

const words = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
const sentence = (ws: string[]) => ws.join(' ') + '.';

let cl100k: TokenCounter;
beforeAll(async () => {
  cl100k = await loadDefaultTokenCounter();
});

/**
 * Checks that the chunks of one section, stripped of whitespace, tile the section's text in order:
 * each starts at or before the end of the one before (overlap), strictly after its start (progress),
 * and together they reach the end. Returns the overlap of each consecutive pair in characters.
 */
function expectCoverage(section: ExtractedSection, chunks: DocumentChunk[]): number[] {
  const squash = (s: string) => s.replace(/\s+/g, '');
  const text = squash(section.text);
  let covered = 0;
  let previousStart = -1;
  const overlaps: number[] = [];
  for (const chunk of chunks) {
    const piece = squash(chunk.content);
    let at = -1;
    for (let p = covered; p > previousStart; p--) {
      if (text.startsWith(piece, p)) {
        at = p;
        break;
      }
    }
    expect(at, `chunk ${chunk.ordinal} continues the text`).toBeGreaterThan(previousStart);
    expect(at + piece.length, `chunk ${chunk.ordinal} moves forward`).toBeGreaterThan(covered);
    if (previousStart >= 0) overlaps.push(covered - at);
    covered = at + piece.length;
    previousStart = at;
  }
  expect(covered).toBe(text.length);
  return overlaps;
}

describe('chunkSections (one token per word)', () => {
  it('keeps a short section whole, with its heading path', () => {
    const chunks = chunkSections([{ headings: ['Guide', 'Install'], text: 'Run it.\n\nThen check.' }], {
      countTokens: wordCount,
    });
    expect(chunks).toEqual([
      { ordinal: 0, heading: 'Guide > Install', content: 'Run it.\n\nThen check.', tokens: 4 },
    ]);
  });

  it('numbers chunks across sections and gives text before any heading a null heading', () => {
    const chunks = chunkSections(
      [
        { headings: [], text: 'Preface.' },
        { headings: ['A'], text: 'First.' },
        { headings: ['A', 'B'], text: 'Second.' },
      ],
      { countTokens: wordCount },
    );
    expect(chunks.map((c) => [c.ordinal, c.heading, c.content])).toEqual([
      [0, null, 'Preface.'],
      [1, 'A', 'First.'],
      [2, 'A > B', 'Second.'],
    ]);
  });

  it('ends chunks at paragraph breaks when that leaves them at least half full', () => {
    const p1 = sentence(words(30, 'a')) + ' ' + sentence(words(30, 'b'));
    const p2 = sentence(words(30, 'c')) + ' ' + sentence(words(30, 'd'));
    const chunks = chunkSections([{ headings: [], text: `${p1}\n\n${p2}` }], {
      countTokens: wordCount,
      maxTokens: 100,
      overlapTokens: 0,
    });
    expect(chunks.map((c) => c.content)).toEqual([p1, p2]);
  });

  it('otherwise ends them at a sentence, then at a word', () => {
    const s = [sentence(words(40, 'a')), sentence(words(40, 'b')), sentence(words(40, 'c'))];
    const bySentence = chunkSections([{ headings: [], text: s.join(' ') }], {
      countTokens: wordCount,
      maxTokens: 100,
      overlapTokens: 0,
    });
    expect(bySentence.map((c) => c.content)).toEqual([`${s[0]} ${s[1]}`, s[2]]);

    const run = words(250, 'w').join(' ');
    const byWord = chunkSections([{ headings: [], text: run }], {
      countTokens: wordCount,
      maxTokens: 100,
      overlapTokens: 0,
    });
    expect(byWord.map((c) => c.tokens)).toEqual([100, 100, 50]);
  });

  it('opens each chunk with up to overlapTokens of the previous tail, from a sentence start when it can', () => {
    const sentences = Array.from({ length: 30 }, (_, i) => sentence(words(8, `s${i}w`)));
    const chunks = chunkSections([{ headings: ['H'], text: sentences.join(' ') }], {
      countTokens: wordCount,
      maxTokens: 60,
      overlapTokens: 20,
    });
    expect(chunks.length).toBeGreaterThan(3);
    for (let i = 1; i < chunks.length; i++) {
      const prev = chunks[i - 1]!.content.split(' ');
      const next = chunks[i]!.content.split(' ');
      let overlap = 0;
      for (let k = Math.min(prev.length, next.length); k > 0; k--) {
        if (prev.slice(-k).join(' ') === next.slice(0, k).join(' ')) {
          overlap = k;
          break;
        }
      }
      expect(overlap).toBeGreaterThan(0);
      expect(overlap).toBeLessThanOrEqual(20);
      expect(next[0]).toMatch(/^s\d+w0$/); // a sentence start
    }
    expectCoverage({ headings: ['H'], text: sentences.join(' ') }, chunks);
  });

  it('does not carry overlap from one section into the next', () => {
    const chunks = chunkSections(
      [
        { headings: ['A'], text: sentence(words(50, 'a')) },
        { headings: ['B'], text: sentence(words(10, 'b')) },
      ],
      { countTokens: wordCount, maxTokens: 30, overlapTokens: 10 },
    );
    const b = chunks.filter((c) => c.heading === 'B');
    expect(b.map((c) => c.content)).toEqual([sentence(words(10, 'b'))]);
  });

  it('keeps line breaks inside a paragraph, such as code', () => {
    const code = '```\nconst a = 1;\n  return a;\n```';
    const [chunk] = chunkSections([{ headings: [], text: code }], { countTokens: wordCount });
    expect(chunk!.content).toBe(code);
  });

  it('trusts the counter over its per-word estimate when they disagree', () => {
    // Counts grow faster than the sum of the words' counts (unlike real tokenizers, but allowed).
    const superAdditive: TokenCounter = (s) => {
      const n = wordCount(s);
      return n + Math.floor((n * n) / 40);
    };
    const section = { headings: [], text: words(60, 'w').join(' ') };
    const chunks = chunkSections([section], { countTokens: superAdditive, maxTokens: 30, overlapTokens: 0 });
    expect(chunks.map((c) => [wordCount(c.content), c.tokens])).toEqual([
      [20, 30],
      [20, 30],
      [20, 30],
    ]);
    expectCoverage(section, chunks);
  });

  it('never starts an overlap inside a word that had to be cut', () => {
    // Each "x" is a token, so a 35-x word must be cut into pieces of 17, 17 and 1.
    const xCounter: TokenCounter = (s) =>
      (s.match(/x/g)?.length ?? 0) + s.split(/\s+/).filter((w) => w !== '' && !w.includes('x')).length;
    const text = 'x'.repeat(35) + ' a b c d e f g h i j k l m n';
    const chunks = chunkSections([{ headings: [], text }], {
      countTokens: xCounter,
      maxTokens: 20,
      overlapTokens: 10,
    });
    expect(chunks.map((c) => c.content)).toEqual([
      'x'.repeat(17),
      'x'.repeat(18) + ' a b',
      'a b c d e f g h i j k l m n',
    ]);
  });

  it('produces no chunks for sections without words', () => {
    expect(chunkSections([{ headings: ['Empty'], text: ' \n\n ' }], { countTokens: wordCount })).toEqual([]);
  });

  it('stops with a clear error past the chunk limit', () => {
    const many = (n: number) => Array.from({ length: n }, (_, i) => ({ headings: [], text: `w${i}` }));
    expect(chunkSections(many(MAX_CHUNKS), { countTokens: wordCount })).toHaveLength(MAX_CHUNKS);
    let error: unknown;
    try {
      chunkSections(many(MAX_CHUNKS + 1), { countTokens: wordCount });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ExtractError);
    expect((error as ExtractError).code).toBe('too_large');
    expect((error as ExtractError).message).toMatch(/more than 20,000 passages/);
    expect(() => chunkSections(many(11), { countTokens: wordCount, maxChunks: 10 })).toThrow(ExtractError);
  });

  it('keeps the heading path within its limit', () => {
    const headings = ['a'.repeat(300), 'b'.repeat(300)];
    const [chunk] = chunkSections([{ headings, text: 'x' }], { countTokens: wordCount });
    expect(chunk!.heading).toHaveLength(MAX_HEADING_PATH_CHARS);
    expect(chunk!.heading).toBe(`${'a'.repeat(300)} > ${'b'.repeat(196)}…`);
  });

  it('refuses options it cannot honour', () => {
    const sections = [{ headings: [], text: 'x' }];
    expect(() => chunkSections(sections, { countTokens: wordCount, maxTokens: 4 })).toThrow(RangeError);
    expect(() =>
      chunkSections(sections, { countTokens: wordCount, maxTokens: 100, overlapTokens: 60 }),
    ).toThrow(RangeError);
    expect(() => chunkSections(sections, { countTokens: wordCount, overlapTokens: -1 })).toThrow(RangeError);
  });
});

describe('chunkDocument (cl100k_base)', () => {
  it('counts tokens with cl100k_base by default', async () => {
    const [chunk] = await chunkDocument({ sections: [{ headings: [], text: 'Hello, world!' }] });
    expect(chunk!.tokens).toBe(4); // "Hello" "," " world" "!"
    expect(chunk!.tokens).toBe(cl100k('Hello, world!'));
  });

  it('treats special-token text in a document as ordinary text', async () => {
    const chunks = await chunkDocument({ sections: [{ headings: [], text: 'A <|endoftext|> marker.' }] });
    expect(chunks[0]!.content).toBe('A <|endoftext|> marker.');
  });

  it('cuts a word longer than a chunk into pieces that fit and join back up', async () => {
    const url = 'https://example.test/' + 'a1B2c3D4e5'.repeat(300);
    const chunks = await chunkDocument(
      { sections: [{ headings: ['Links'], text: `See ${url} for details.` }] },
      { maxTokens: 40, overlapTokens: 10 },
    );
    for (const c of chunks) expect(c.tokens).toBeLessThanOrEqual(40);
    expect(chunks.length).toBeGreaterThan(10);
    // No overlap is taken from inside a cut word, so the pieces concatenate to the original.
    const joined = chunks.map((c) => c.content).join('');
    expect(joined.replace(/\s+/g, '')).toBe(`See${url}fordetails.`);
  });

  it('counts only short pieces of an enormous word, and joins them back up', async () => {
    const seen: number[] = [];
    const counter: TokenCounter = (s) => {
      seen.push(s.length);
      return cl100k(s);
    };
    for (const word of ['x'.repeat(200_000), '数'.repeat(50_000), '='.repeat(100_000)]) {
      seen.length = 0;
      const chunks = await chunkDocument(
        { sections: [{ headings: [], text: word }] },
        { countTokens: counter },
      );
      expect(chunks.map((c) => c.content).join('')).toBe(word);
      for (const c of chunks) {
        expect(c.tokens).toBeLessThanOrEqual(200);
        expect(c.tokens).toBe(cl100k(c.content));
      }
      // Words are counted in pieces; only whole chunks (at most maxTokens tokens) are longer.
      const chunkLengths = new Set(chunks.map((c) => c.content.length));
      expect(seen.filter((n) => n > 128 && !chunkLengths.has(n))).toEqual([]);
    }
  }, 10_000);

  it('shortens a long run of spaces instead of counting it', async () => {
    const chunks = await chunkDocument({
      sections: [{ headings: [], text: 'a' + ' '.repeat(60_000) + 'b' }],
    });
    expect(chunks).toHaveLength(1);
    expect(chunks[0]!.content).toBe('a' + ' '.repeat(64) + 'b');
    expect(chunks[0]!.tokens).toBe(cl100k(chunks[0]!.content));
  }, 10_000);

  it('never splits a surrogate pair', async () => {
    const emoji = '😀'.repeat(400);
    const chunks = await chunkDocument(
      { sections: [{ headings: [], text: emoji }] },
      { maxTokens: 20, overlapTokens: 0 },
    );
    for (const c of chunks) {
      expect(c.tokens).toBeLessThanOrEqual(20);
      expect(c.content).toMatch(/^(?:😀)+$/u);
    }
    expect(chunks.map((c) => c.content).join('')).toBe(emoji);
  });

  // Documents built from unique words, with the odd very long word and non-Latin text.
  let uid = 0;
  const word = fc.oneof(
    {
      weight: 20,
      arbitrary: fc
        .constantFrom('the', 'retrieval', 'Chunk', 'über', '数据', 'x', 'API')
        .map((w) => `${w}${uid++}`),
    },
    { weight: 3, arbitrary: fc.stringMatching(/^[a-z]{1,12}[.!?,;:]?$/).map((w) => `${uid++}${w}`) },
    { weight: 1, arbitrary: fc.stringMatching(/^[A-Za-z0-9+/]{100,1500}$/).map((w) => `${uid++}${w}`) },
  );
  const paragraph = fc
    .tuple(
      fc.array(fc.array(word, { minLength: 1, maxLength: 25 }), { minLength: 1, maxLength: 6 }),
      fc.constantFrom(' ', '\n'),
    )
    .map(([sentences, between]) => sentences.map((s) => s.join(' ') + '.').join(between));
  const sections = fc
    .array(fc.array(paragraph, { minLength: 0, maxLength: 5 }), { minLength: 1, maxLength: 4 })
    .map((secs) =>
      secs.map((ps, i): ExtractedSection => ({ headings: [`Section ${i}`], text: ps.join('\n\n') })),
    );
  const options = fc.integer({ min: 16, max: 300 }).chain((maxTokens) =>
    fc.record({
      maxTokens: fc.constant(maxTokens),
      overlapTokens: fc.integer({ min: 0, max: Math.floor(maxTokens / 2) }),
    }),
  );

  it('keeps every chunk within maxTokens, non-empty, with an exact token count', async () => {
    await fc.assert(
      fc.asyncProperty(sections, options, async (secs, opts) => {
        const chunks = await chunkDocument({ sections: secs }, opts);
        chunks.forEach((c, i) => {
          expect(c.ordinal).toBe(i);
          expect(c.content.trim()).toBe(c.content);
          expect(c.content).not.toBe('');
          expect(c.tokens).toBe(cl100k(c.content));
          expect(c.tokens).toBeLessThanOrEqual(opts.maxTokens);
        });
      }),
      { numRuns: 60 },
    );
  });

  it('covers all the text of every section, in order, overlapping only within a section', async () => {
    await fc.assert(
      fc.asyncProperty(sections, options, async (secs, opts) => {
        const chunks = await chunkDocument({ sections: secs }, opts);
        let next = 0;
        for (const s of secs) {
          const own = chunks.filter((c) => c.heading === s.headings.join(' > '));
          // Chunks of a section are consecutive, in section order.
          own.forEach((c, i) => expect(c.ordinal).toBe(next + i));
          next += own.length;
          if (s.text.trim() === '') expect(own).toEqual([]);
          else expectCoverage(s, own);
        }
        expect(next).toBe(chunks.length);
      }),
      { numRuns: 60 },
    );
  });

  it('gives the same chunks for the same input', async () => {
    await fc.assert(
      fc.asyncProperty(sections, options, async (secs, opts) => {
        const a = await chunkDocument({ sections: secs }, opts);
        const b = await chunkDocument({ sections: structuredClone(secs) }, opts);
        expect(b).toEqual(a);
      }),
      { numRuns: 30 },
    );
  });
});
