/** Which family of embedder produced a vector; reported by /api/health. */
export type EmbedderKind = 'minilm' | 'lexical-fallback';

/**
 * Turns texts into unit-length vectors. Vectors from different embedders are never compared: the
 * vector index remembers `id` and everything is re-embedded when it changes.
 */
export interface Embedder {
  /** Stable identity of the model and its settings, e.g. `minilm:Xenova/all-MiniLM-L6-v2` or `lexical:v1`. */
  readonly id: string;
  readonly kind: EmbedderKind;
  /** Always 384 for the embedders shipped. */
  readonly dimensions: number;
  /** One L2-normalised vector per text, in order. Batches internally; callers may pass any number. */
  embed(texts: string[]): Promise<Float32Array[]>;
}
