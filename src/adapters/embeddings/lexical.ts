import type { Embedder } from '../../ports/embedder.js';

/**
 * Keyword-quality embeddings without a model: the features of a text (its words, adjacent word
 * pairs and the character 3-grams of each word) are hashed into 384 signed buckets, weighted
 * sublinearly (1 + ln count) and L2-normalised. Texts that share words or word pieces get a
 * positive cosine; unrelated texts land near 0. It does not know synonyms: this is the fallback
 * when no transformer model can be loaded, good enough to keep search working, not semantic.
 *
 * Text is NFKD-normalised, stripped of combining marks and lower-cased, so "Café" and "cafe" are
 * the same word; camelCase identifiers also contribute their parts ("getUserName" → get, user,
 * name). A text without letters or digits is hashed from its other visible characters; an empty or
 * whitespace-only text gets the fixed unit vector e₀, so every text has a unit-length vector.
 *
 * Any change to the features or the hashing must bump `id`, which makes the vector index re-embed.
 */
export class LexicalEmbedder implements Embedder {
  readonly id = 'lexical:v1';
  readonly kind = 'lexical-fallback' as const;
  readonly dimensions = LEXICAL_DIMENSIONS;

  embed(texts: string[]): Promise<Float32Array[]> {
    return Promise.resolve(texts.map((text) => lexicalVector(text)));
  }
}

export const LEXICAL_DIMENSIONS = 384;

const WORD_WEIGHT = 1;
const STOPWORD_WEIGHT = 0.1;
const BIGRAM_WEIGHT = 0.5;
const TRIGRAM_WEIGHT = 0.35;

/** Very common English words: kept (a query may be only stopwords) but weighted down, no n-grams. */
const STOPWORDS = new Set(
  (
    'a an and are as at be but by for from has have he her his i if in into is it its of on or ' +
    'our she so than that the their them then there these they this to was we were what when ' +
    'which who will with you your'
  ).split(' '),
);

/** The vector of one text; exported for tests. */
export function lexicalVector(text: string): Float32Array {
  // feature → [occurrences, weight of one occurrence]
  const features = new Map<string, [number, number]>();
  const add = (feature: string, weight: number): void => {
    const seen = features.get(feature);
    if (seen) seen[0] += 1;
    else features.set(feature, [1, weight]);
  };

  const normalised = normalise(text);
  const { words, parts } = wordsOf(text, normalised);
  for (const word of words.concat(parts)) {
    if (STOPWORDS.has(word)) {
      add(`w:${word}`, STOPWORD_WEIGHT);
      continue;
    }
    add(`w:${word}`, WORD_WEIGHT);
    const chars = Array.from(`<${word}>`);
    for (let i = 0; i + 3 <= chars.length; i++) add(`c:${chars.slice(i, i + 3).join('')}`, TRIGRAM_WEIGHT);
  }
  const content = words.filter((word) => !STOPWORDS.has(word));
  for (let i = 0; i + 1 < content.length; i++) add(`b:${content[i]} ${content[i + 1]}`, BIGRAM_WEIGHT);

  if (features.size === 0) {
    // No letters or digits (punctuation, symbols, emoji): its characters and character pairs
    // still tell "???" from "->" apart.
    const chars = Array.from(normalised.replace(/\s+/gu, ''));
    for (let i = 0; i < chars.length; i++) {
      add(`p:${chars[i]}`, WORD_WEIGHT);
      if (i + 1 < chars.length) add(`p:${chars[i]}${chars[i + 1]}`, BIGRAM_WEIGHT);
    }
  }

  const vector = new Float32Array(LEXICAL_DIMENSIONS);
  for (const [feature, [count, weight]] of features) {
    const hash = fnv1a(feature);
    const bucket = fmix32(hash) % LEXICAL_DIMENSIONS;
    const sign = fmix32(hash ^ 0x9e3779b9) & 1 ? 1 : -1;
    vector[bucket]! += sign * weight * (1 + Math.log(count));
  }
  return normaliseL2(vector);
}

function normalise(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase();
}

/**
 * The lower-cased words of a text, and separately the parts of its camelCase words (found before
 * lower-casing), which count as words but do not form word pairs.
 */
function wordsOf(original: string, normalised: string): { words: string[]; parts: string[] } {
  const words = normalised.match(WORD) ?? [];
  const parts: string[] = [];
  for (const raw of original
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .match(WORD) ?? []) {
    if (!/\p{Ll}\p{Lu}/u.test(raw)) continue;
    for (const part of raw.split(/(?<=\p{Ll})(?=\p{Lu})/u)) parts.push(part.toLowerCase());
  }
  return { words, parts };
}

const WORD = /[\p{L}\p{N}]+/gu;

function normaliseL2(vector: Float32Array): Float32Array {
  let sum = 0;
  for (const value of vector) sum += value * value;
  if (sum === 0) {
    // Nothing to hash (an empty or whitespace-only text), or, in theory, features that cancelled
    // out in their buckets: the fixed unit vector e₀.
    vector.fill(0);
    vector[0] = 1;
    return vector;
  }
  const scale = 1 / Math.sqrt(sum);
  for (let i = 0; i < vector.length; i++) vector[i]! *= scale;
  return vector;
}

/** 32-bit FNV-1a over the UTF-16 code units of `text`. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** MurmurHash3's finaliser: spreads FNV's weak low bits before taking a bucket or a sign. */
function fmix32(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
