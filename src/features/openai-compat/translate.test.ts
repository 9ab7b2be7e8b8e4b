import { describe, expect, it } from 'vitest';
import { parseModel } from './translate.js';

describe('parseModel', () => {
  it('routes provider prefixes and key ids', () => {
    expect(parseModel('openai/gpt-4o-mini')).toEqual({ provider: 'openai', model: 'gpt-4o-mini' });
    expect(parseModel('openai-compatible/meta-llama/llama-3')).toEqual({
      provider: 'openai-compatible',
      model: 'meta-llama/llama-3',
    });
    expect(parseModel('anthropic/default')).toEqual({ provider: 'anthropic', model: undefined });
  });

  it('rejects inherited property names as providers', () => {
    for (const model of ['constructor/x', '__proto__/x', 'toString/x', 'hasOwnProperty/gpt']) {
      expect(() => parseModel(model), model).toThrow(/not of the form/);
    }
  });
});
