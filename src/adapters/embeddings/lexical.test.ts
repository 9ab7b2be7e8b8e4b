import { describe, expect, it } from 'vitest';
import { LexicalEmbedder, lexicalVector } from './lexical.js';

const cosine = (a: Float32Array, b: Float32Array): number =>
  a.reduce((sum, value, i) => sum + value * b[i]!, 0);
const norm = (v: Float32Array): number => Math.sqrt(cosine(v, v));

describe('LexicalEmbedder', () => {
  const embedder = new LexicalEmbedder();

  it('identifies itself as the 384-dimensional lexical fallback', () => {
    expect(embedder.id).toBe('lexical:v1');
    expect(embedder.kind).toBe('lexical-fallback');
    expect(embedder.dimensions).toBe(384);
  });

  it('is deterministic across calls and instances', async () => {
    const text = 'Rate limiting with Redis: a sliding window per API key.';
    const [a] = await embedder.embed([text]);
    const [b] = await new LexicalEmbedder().embed([text]);
    expect(a).toHaveLength(384);
    expect(Array.from(a!)).toEqual(Array.from(b!));
  });

  it('returns unit-length vectors for every kind of text, empty and symbol-only included', async () => {
    const texts = [
      'plain words',
      'x',
      '',
      '   \n\t ',
      '???',
      '-> => !=',
      '🙂🙂',
      '日本語のテキスト',
      'word '.repeat(5000),
    ];
    const vectors = await embedder.embed(texts);
    expect(vectors).toHaveLength(texts.length);
    for (const vector of vectors) {
      expect(vector).toBeInstanceOf(Float32Array);
      expect(vector).toHaveLength(384);
      expect(norm(vector)).toBeCloseTo(1, 5);
    }
  });

  it('gives empty and whitespace-only texts the fixed vector e0', () => {
    const e0 = new Float32Array(384);
    e0[0] = 1;
    expect(Array.from(lexicalVector(''))).toEqual(Array.from(e0));
    expect(Array.from(lexicalVector(' \n '))).toEqual(Array.from(e0));
  });

  it('tells symbol-only texts apart', () => {
    expect(cosine(lexicalVector('???'), lexicalVector('->'))).toBeLessThan(0.5);
    expect(cosine(lexicalVector('???'), lexicalVector('???'))).toBeCloseTo(1, 6);
  });

  it('scores texts that share words above unrelated ones', () => {
    const query = lexicalVector('How do I configure the CORS middleware in Hono?');
    const related = lexicalVector('Configuring CORS middleware for a Hono application');
    const unrelated = lexicalVector('Bake the bread at 220 degrees for thirty minutes');
    const related2 = lexicalVector('JWT authentication middleware');
    expect(cosine(query, related)).toBeGreaterThan(0.3);
    expect(cosine(query, related)).toBeGreaterThan(cosine(query, related2));
    expect(cosine(query, related2)).toBeGreaterThan(cosine(query, unrelated));
    expect(Math.abs(cosine(query, unrelated))).toBeLessThan(0.2);
  });

  it('matches word variants through shared character 3-grams', () => {
    const base = lexicalVector('embedding');
    expect(cosine(base, lexicalVector('embeddings'))).toBeGreaterThan(0.4);
    expect(cosine(base, lexicalVector('spreadsheet'))).toBeLessThan(0.2);
  });

  it('folds case and accents and splits camelCase identifiers', () => {
    expect(cosine(lexicalVector('Café CRÈME'), lexicalVector('cafe creme'))).toBeCloseTo(1, 5);
    const identifier = lexicalVector('getUserName');
    expect(cosine(identifier, lexicalVector('user name'))).toBeGreaterThan(0.3);
    expect(cosine(identifier, lexicalVector('user name'))).toBeGreaterThan(
      cosine(lexicalVector('getusername'), lexicalVector('user name')),
    );
  });

  it('returns one vector per text, in order', async () => {
    const texts = ['alpha beta', 'gamma delta', '', 'alpha beta', 'epsilon'];
    const vectors = await embedder.embed(texts);
    expect(vectors.map((v) => Array.from(v))).toEqual(texts.map((t) => Array.from(lexicalVector(t))));
    expect(await embedder.embed([])).toEqual([]);
  });
});
