import type { Provider } from '../../ports/provider-key-store.js';

/**
 * List prices in USD per million tokens, as the providers published them for standard (non-batch,
 * non-cached) usage. Versioned: every execution stores the version its cost was computed with, so
 * a price change never rewrites history. Update by adding a new version, not editing an old one.
 */
export const PRICE_TABLE_VERSION = '2026-11-01';

interface Price {
  inputPerMTok: number;
  outputPerMTok: number;
}

const PRICES: Record<Exclude<Provider, 'openai-compatible'>, Record<string, Price>> = {
  openai: {
    'gpt-4o-mini': { inputPerMTok: 0.15, outputPerMTok: 0.6 },
    'gpt-4o': { inputPerMTok: 2.5, outputPerMTok: 10 },
    'gpt-4.1': { inputPerMTok: 2, outputPerMTok: 8 },
    'gpt-4.1-mini': { inputPerMTok: 0.4, outputPerMTok: 1.6 },
    'gpt-4.1-nano': { inputPerMTok: 0.1, outputPerMTok: 0.4 },
    'o3-mini': { inputPerMTok: 1.1, outputPerMTok: 4.4 },
    'o4-mini': { inputPerMTok: 1.1, outputPerMTok: 4.4 },
  },
  anthropic: {
    'claude-3-5-haiku-latest': { inputPerMTok: 0.8, outputPerMTok: 4 },
    'claude-3-5-haiku-20241022': { inputPerMTok: 0.8, outputPerMTok: 4 },
    'claude-sonnet-4-20250514': { inputPerMTok: 3, outputPerMTok: 15 },
    'claude-sonnet-4-0': { inputPerMTok: 3, outputPerMTok: 15 },
    'claude-opus-4-20250514': { inputPerMTok: 15, outputPerMTok: 75 },
  },
  google: {
    'gemini-2.0-flash': { inputPerMTok: 0.1, outputPerMTok: 0.4 },
    'gemini-2.0-flash-lite': { inputPerMTok: 0.075, outputPerMTok: 0.3 },
    'gemini-2.5-flash': { inputPerMTok: 0.3, outputPerMTok: 2.5 },
    'gemini-2.5-pro': { inputPerMTok: 1.25, outputPerMTok: 10 },
  },
};

/** The model used when a request names none. */
export const DEFAULT_MODELS: Record<Provider, string> = {
  openai: 'gpt-4o-mini',
  anthropic: 'claude-3-5-haiku-latest',
  google: 'gemini-2.0-flash',
  'openai-compatible': 'default',
};

/** Cost in USD, or null when the model is not in the table (self-hosted or unknown models). */
export function costUsd(
  provider: Provider,
  model: string,
  inputTokens: number,
  outputTokens: number,
): number | null {
  if (provider === 'openai-compatible') return null;
  const table = PRICES[provider];
  const price = Object.hasOwn(table, model) ? table[model] : undefined;
  if (!price) return null;
  const cost = (inputTokens * price.inputPerMTok + outputTokens * price.outputPerMTok) / 1_000_000;
  return Math.round(cost * 1e8) / 1e8;
}

export function knownModels(provider: Provider): string[] {
  return provider === 'openai-compatible' ? [] : Object.keys(PRICES[provider]);
}
