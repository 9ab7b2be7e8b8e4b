import type { Embedder } from '../../ports/embedder.js';
import type { Logger } from '../../ports/logger.js';
import { LEXICAL_DIMENSIONS, LexicalEmbedder } from './lexical.js';
import { TransformersEmbedder, type TransformersEmbedderOptions } from './transformers.js';

export { LexicalEmbedder } from './lexical.js';
export { TransformersEmbedder, type TransformersEmbedderOptions } from './transformers.js';

export interface CreateEmbedderOptions {
  /** A local copy of the model (EMBEDDINGS_MODEL_DIR); see TransformersEmbedderOptions.localModelDir. */
  modelDir?: string;
  /** Hub id, e.g. `Xenova/all-MiniLM-L6-v2`. */
  modelId: string;
  /** Whether the model may be downloaded when there is no modelDir and it is not in cacheDir yet. */
  allowRemote: boolean;
  /** Where downloads are kept (DATA_DIR/models). */
  cacheDir: string;
  /** The vector size the rest of the system stores; a model of another size is not used. Default 384. */
  expectedDimensions?: number;
  /** Further TransformersEmbedder settings (dtype, batch size, threads, timeouts). */
  transformers?: Omit<TransformersEmbedderOptions, 'modelId' | 'localModelDir' | 'allowRemote' | 'cacheDir'>;
}

/**
 * The transformer model when it can be loaded (from `modelDir`, else from the download cache,
 * else from the hub when `allowRemote`), otherwise the lexical fallback after one warning that
 * says why. Never rejects.
 */
export async function createEmbedder(options: CreateEmbedderOptions, logger: Logger): Promise<Embedder> {
  const expected = options.expectedDimensions ?? LEXICAL_DIMENSIONS;
  const embedder = new TransformersEmbedder({
    ...options.transformers,
    modelId: options.modelId,
    ...(options.modelDir !== undefined ? { localModelDir: options.modelDir } : {}),
    allowRemote: options.allowRemote,
    cacheDir: options.cacheDir,
  });
  let reason: string;
  try {
    await embedder.load();
    if (embedder.dimensions === expected) {
      logger.info({ embedder: embedder.id, dimensions: embedder.dimensions }, 'embeddings: model loaded');
      return embedder;
    }
    reason = `it produces ${embedder.dimensions}-dimensional vectors, ${expected} are needed`;
    await embedder.close();
  } catch (error) {
    reason = error instanceof Error ? error.message : String(error);
  }
  const fallback = new LexicalEmbedder();
  const remedy =
    options.modelDir !== undefined
      ? 'point EMBEDDINGS_MODEL_DIR at a directory holding the model (config.json, tokenizer.json, onnx/model.onnx)'
      : options.allowRemote
        ? 'make the model downloadable or set EMBEDDINGS_MODEL_DIR to a local copy of it'
        : 'set EMBEDDINGS_MODEL_DIR to a local copy of the model, or allow model downloads';
  logger.warn(
    { embedder: fallback.id, modelId: options.modelId, modelDir: options.modelDir ?? null, reason },
    `embeddings: model ${options.modelId} unavailable (${reason}); using the lexical fallback, so ` +
      `knowledge-base search matches keywords, not meaning. To get semantic search, ${remedy}; ` +
      'documents are re-embedded automatically when the model changes.',
  );
  return fallback;
}
