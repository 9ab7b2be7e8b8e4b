/**
 * What the AI pages say about providers, models, errors and numbers. Client-safe, no React.
 */
import type { ExecutionStatus, Provider, ProviderKey } from './types';

export const PROVIDER_LABEL: Record<Provider, string> = {
  openai: 'OpenAI',
  anthropic: 'Anthropic',
  google: 'Google Gemini',
  'openai-compatible': 'OpenAI-compatible',
};

/** The model the API uses when a run names none (mirrors the server's DEFAULT_MODELS). */
export const DEFAULT_MODEL: Record<Provider, string | null> = {
  openai: 'gpt-4o-mini',
  anthropic: 'claude-3-5-haiku-latest',
  google: 'gemini-2.0-flash',
  'openai-compatible': null,
};

/** Suggestions for the model field; any model id the provider knows is accepted. */
export const MODEL_SUGGESTIONS: Record<Provider, string[]> = {
  openai: ['gpt-4o-mini', 'gpt-4.1', 'gpt-4.1-mini'],
  anthropic: ['claude-3-5-haiku-latest', 'claude-sonnet-4-20250514'],
  google: ['gemini-2.0-flash', 'gemini-2.5-flash', 'gemini-2.5-pro'],
  'openai-compatible': [],
};

/** Anthropic accepts temperatures 0–1; the others 0–2. */
export function maxTemperature(provider: Provider | undefined): number {
  return provider === 'anthropic' ? 1 : 2;
}

export const MAX_TOKENS_LIMIT = 4096;
export const MAX_MESSAGE_CHARS = 10_000;
export const MAX_MESSAGES = 50;

/** "Work laptop (sk-…abcd)" or just the mask. */
export function keyName(key: Pick<ProviderKey, 'label' | 'mask'>): string {
  return key.label ? `${key.label} (${key.mask})` : key.mask;
}

/** Base URLs for popular OpenAI-compatible servers, offered as one-click fills. */
export const BASE_URL_PRESETS: { name: string; url: string; local: boolean }[] = [
  { name: 'Ollama', url: 'http://localhost:11434/v1', local: true },
  { name: 'LM Studio', url: 'http://localhost:1234/v1', local: true },
  { name: 'vLLM', url: 'http://localhost:8000/v1', local: true },
  { name: 'OpenRouter', url: 'https://openrouter.ai/api/v1', local: false },
  { name: 'Groq', url: 'https://api.groq.com/openai/v1', local: false },
];

/** Stable API error codes of runs and key tests, in words: a title and what to do about it. */
const ERROR_TEXT: Record<string, { title: string; help: string }> = {
  provider_unauthorized: {
    title: 'The provider rejected the key',
    help: 'The key is wrong, revoked or lacks access to this model. Check it in Settings → Provider keys.',
  },
  provider_rate_limited: {
    title: 'The provider is rate limiting this key',
    help: 'Your account with the provider hit a rate or spend limit. Wait a little and try again.',
  },
  provider_unavailable: {
    title: 'The provider could not be reached',
    help: 'It did not answer or answered with a server error. Try again in a moment; for a self-hosted server, check that it is running and the base URL is right.',
  },
  provider_bad_response: {
    title: 'The provider sent something unexpected',
    help: 'Its answer could not be read. The model name may be wrong for this provider.',
  },
  provider_timeout: {
    title: 'The provider took too long',
    help: 'No answer arrived in time. Try again, or ask for a shorter answer.',
  },
  provider_refused: {
    title: 'This server may not connect there',
    help: 'The key’s base URL points at an address the server’s network policy refuses (private, loopback or link-local).',
  },
  no_provider_key: {
    title: 'No key for this provider',
    help: 'Add your own API key for it in Settings → Provider keys.',
  },
  quota_exceeded: {
    title: 'Daily token quota used up',
    help: 'Your plan’s tokens for today are spent. The quota resets at midnight UTC.',
  },
  rate_limited: {
    title: 'Too many runs',
    help: 'You started a lot of runs in the last hour. Wait a little and try again.',
  },
  base_url_refused: {
    title: 'Base URL not allowed',
    help: 'This server refuses base URLs that point at private, loopback or link-local addresses (such as localhost). Use a public https:// URL, or ask your admin to allow private base URLs (ALLOW_PRIVATE_BASE_URLS).',
  },
  missing_variables: {
    title: 'Some required fields are empty',
    help: 'Fill in every field marked with * and run again.',
  },
  client_aborted: { title: 'Stopped', help: 'The run was stopped before it finished.' },
  STREAM_INTERRUPTED: {
    title: 'The connection dropped',
    help: 'The answer stopped arriving. What arrived is shown; try again for the rest.',
  },
  NETWORK_ERROR: {
    title: 'Could not reach Engify',
    help: 'Check your connection and try again.',
  },
};

export function errorText(code: string | null | undefined): { title: string; help: string } | null {
  return code ? (ERROR_TEXT[code] ?? null) : null;
}

/** A short phrase for a code, for tables and key tests ("rejected the key"). */
export function errorPhrase(code: string | null | undefined): string {
  if (!code) return 'Unknown error';
  return ERROR_TEXT[code]?.title ?? code.replace(/_/g, ' ');
}

export const STATUS_LABEL: Record<ExecutionStatus, string> = {
  running: 'Running',
  succeeded: 'Succeeded',
  failed: 'Failed',
  aborted: 'Stopped',
};

const usd = new Intl.NumberFormat('en-US', {
  style: 'currency',
  currency: 'USD',
  minimumFractionDigits: 2,
  maximumFractionDigits: 4,
});
const usdSmall = new Intl.NumberFormat('en-US', {
  style: 'currency',
  currency: 'USD',
  maximumSignificantDigits: 2,
});

/** "$0.000021", "$0.42", or "—" when the price is unknown (self-hosted or unpriced models). */
export function formatCost(cost: number | null | undefined): string {
  if (cost === null || cost === undefined) return '—';
  if (cost === 0) return '$0.00';
  return cost < 0.01 ? usdSmall.format(cost) : usd.format(cost);
}

/** "840 ms", "2.4 s", "1 min 5 s", or "—". */
export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.round((ms % 60_000) / 1000)} s`;
}

const int = new Intl.NumberFormat('en-US');

export function formatCount(n: number | null | undefined): string {
  return n === null || n === undefined ? '—' : int.format(n);
}

/** "12 in · 340 out", or "—". */
export function formatTokens(input: number | null | undefined, output: number | null | undefined): string {
  if ((input === null || input === undefined) && (output === null || output === undefined)) return '—';
  return `${formatCount(input)} in · ${formatCount(output)} out`;
}
