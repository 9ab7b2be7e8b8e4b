import type { Tiktoken } from 'js-tiktoken';
import type { ChatMessage } from '../../ports/llm.js';

// o200k_base (OpenAI's current tokenizer) is a reasonable estimator for every provider when one does
// not report usage; counts are marked as estimated. Loaded once, lazily (~0.5 s, ships with the package).
let encoder: Promise<Tiktoken> | undefined;
const load = () => (encoder ??= import('js-tiktoken').then((m) => m.getEncoding('o200k_base')));

export async function countTokens(text: string): Promise<number> {
  return (await load()).encode(text, [], []).length;
}

/** Chat formatting adds a few tokens per message (role markers); 4 is OpenAI's documented overhead. */
export async function countMessageTokens(messages: ChatMessage[]): Promise<number> {
  const enc = await load();
  return messages.reduce((sum, m) => sum + 4 + enc.encode(m.content, [], []).length, 3);
}
