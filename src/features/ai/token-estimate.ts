import type { ChatMessage } from '../../ports/llm.js';
import { createBpeCounter } from '../../lib/bpe-count.js';

// o200k_base (OpenAI's current tokenizer) is a reasonable estimator for every provider when one does
// not report usage; counts are marked as estimated. Loaded once, lazily. Counted with our BPE counter,
// which gives js-tiktoken's exact counts without its quadratic merge on long unbroken runs (a single
// 10,000-character word took seconds there, blocking the event loop; see src/lib/bpe-count.ts).
let counter: Promise<(text: string) => number> | undefined;
const load = () =>
  (counter ??= import('js-tiktoken/ranks/o200k_base').then((m) => createBpeCounter(m.default)));

export async function countTokens(text: string): Promise<number> {
  return (await load())(text);
}

/** Chat formatting adds a few tokens per message (role markers); 4 is OpenAI's documented overhead. */
export async function countMessageTokens(messages: ChatMessage[]): Promise<number> {
  const count = await load();
  return messages.reduce((sum, m) => sum + 4 + count(m.content), 3);
}
