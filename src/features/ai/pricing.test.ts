import { describe, expect, it } from 'vitest';
import { costUsd, DEFAULT_MODELS, knownModels } from './pricing.js';

describe('pricing', () => {
  it('computes cost from per-million-token prices', () => {
    // 1,000 input tokens at $0.15/M + 500 output tokens at $0.60/M
    expect(costUsd('openai', 'gpt-4o-mini', 1000, 500)).toBeCloseTo(0.00015 + 0.0003, 10);
    expect(costUsd('anthropic', 'claude-sonnet-4-20250514', 1_000_000, 0)).toBe(3);
  });

  it('returns null for models it does not know and for self-hosted endpoints', () => {
    expect(costUsd('openai', 'my-fine-tune', 10, 10)).toBeNull();
    expect(costUsd('openai-compatible', 'llama3', 10, 10)).toBeNull();
  });

  it('prices every default model', () => {
    for (const provider of ['openai', 'anthropic', 'google'] as const) {
      expect(knownModels(provider)).toContain(DEFAULT_MODELS[provider]);
    }
  });

  it('does not price inherited property names', () => {
    expect(costUsd('openai', 'constructor', 10, 10)).toBeNull();
    expect(costUsd('anthropic', '__proto__', 10, 10)).toBeNull();
  });
});
