import fc from 'fast-check';
import { Tiktoken } from 'js-tiktoken/lite';
import ranks from 'js-tiktoken/ranks/cl100k_base';
import { describe, expect, it } from 'vitest';
import { createBpeCounter } from './bpe-count.js';

const reference = new Tiktoken(ranks);
const expected = (text: string) => reference.encode(text, [], []).length;
const count = createBpeCounter(ranks);

describe('createBpeCounter (cl100k_base)', () => {
  it('agrees with js-tiktoken on ordinary and awkward text', () => {
    for (const text of [
      '',
      'Hello, world!',
      "They'll say it's THEIR'S, we're sure.",
      'A <|endoftext|> marker.',
      'def f(x):\n    return x  # comment\n\n\n',
      'Ünïcödé naïve café — “quotes” and ellipsis…',
      '数据检索，增强生成。これは日本語の文です。',
      '😀👍🏽 family: 👨‍👩‍👧',
      'lone surrogate \ud800 here',
      'https://example.test/a1B2c3D4e5?q=x&y=%20#frag',
      '   leading and trailing   ',
      '\t\r\n \u00a0\u2028\u3000',
    ]) {
      expect(count(text), JSON.stringify(text)).toBe(expected(text));
    }
  });

  it('agrees with js-tiktoken on random text', () => {
    const char = fc.oneof(
      fc.constantFrom('a', 'e', 't', 'Z', ' ', ' ', '\n', '\t', '.', ',', "'", '-', '=', '_', '/', '0', '7'),
      fc.constantFrom('é', 'ß', '数', '据', 'ア', '😀', '\u0301', '\u200b', '\u00a0'),
      fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
    );
    fc.assert(
      fc.property(fc.array(char, { maxLength: 300 }), (chars) => {
        const text = chars.join('');
        expect(count(text)).toBe(expected(text));
      }),
      { numRuns: 500 },
    );
  });

  it('counts long unbroken runs quickly', () => {
    // Values from js-tiktoken itself (which needs seconds for each of these).
    expect(count('x'.repeat(8000))).toBe(1000);
    expect(count(' '.repeat(8000) + 'b')).toBe(64);
    expect(count('x'.repeat(1_000_000))).toBe(125_000);
    const cjk = '数据'.repeat(200);
    expect(count(cjk)).toBe(expected(cjk));
  }, 10_000);
});

describe('createBpeCounter (o200k_base, the AI token estimate)', () => {
  it('agrees with js-tiktoken on random text', async () => {
    const { default: o200k } = await import('js-tiktoken/ranks/o200k_base');
    const reference200k = new Tiktoken(o200k);
    const count200k = createBpeCounter(o200k);
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 60 }), (text) => {
        expect(count200k(text)).toBe(reference200k.encode(text, [], []).length);
      }),
      { numRuns: 300 },
    );
  });
});
