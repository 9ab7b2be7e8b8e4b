import { describe, expect, it } from 'vitest';
import { keywordTerms, toKeywordQuery } from './knowledge-store.js';

describe('keywordTerms', () => {
  it('keeps the distinct topical words, lower-cased, without stopwords', () => {
    expect(keywordTerms('How do I rotate the API key? Rotate it weekly.')).toEqual([
      'rotate',
      'api',
      'key',
      'weekly',
    ]);
  });

  it('keeps stopwords when nothing else is left', () => {
    expect(keywordTerms('What is it?')).toEqual(['what', 'is', 'it']);
  });

  it('strips FTS syntax down to words', () => {
    expect(keywordTerms('NEAR(deploy "rollback" *, 2) title:canary ^a -b')).toEqual([
      'near',
      'deploy',
      'rollback',
      '2',
      'title',
      'canary',
      'b',
    ]);
    expect(keywordTerms('"*"()^:-+')).toEqual([]);
  });

  it('keeps letters of any script, with their combining marks', () => {
    expect(keywordTerms('Crème brûlée, 日本語 и ру́сский')).toEqual([
      'crème',
      'brûlée',
      '日本語',
      'и',
      'ру́сский',
    ]);
  });

  it('caps long queries', () => {
    expect(keywordTerms(Array.from({ length: 100 }, (_, i) => `w${i}`).join(' '))).toHaveLength(24);
  });
});

describe('toKeywordQuery', () => {
  it('quotes every term and joins them with OR', () => {
    expect(toKeywordQuery(['near', 'deploy'])).toBe('"near" OR "deploy"');
    expect(toKeywordQuery([])).toBeNull();
  });
});
