import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  AutoModel,
  AutoTokenizer,
  env,
  LogLevel,
  type PreTrainedModel,
  type PreTrainedTokenizer,
  type Tensor,
} from '@huggingface/transformers';
import type { Embedder } from '../../ports/embedder.js';

export interface TransformersEmbedderOptions {
  /** Hub id of the model, e.g. `Xenova/all-MiniLM-L6-v2`; names the vectors (`minilm:<modelId>`). */
  modelId: string;
  /**
   * The model's own directory: `config.json`, `tokenizer.json`, `tokenizer_config.json` and
   * `onnx/model.onnx` (`onnx/model_quantized.onnx` for dtype `q8`), as in a copy of the model's hub
   * repository. When set, only this directory is read and nothing is downloaded.
   */
  localModelDir?: string;
  /** Without `localModelDir`: whether files missing from `cacheDir` may be downloaded from the hub. */
  allowRemote?: boolean;
  /** Where downloaded model files are kept (DATA_DIR/models); a model found there loads offline. */
  cacheDir?: string;
  /** `fp32` (onnx/model.onnx, the default) or `q8` (onnx/model_quantized.onnx: 4× smaller, faster). */
  dtype?: 'fp32' | 'q8';
  /** Texts per model call; longer inputs are split. Default 32. */
  batchSize?: number;
  /** Longer texts are cut to this many tokens, [CLS] and [SEP] included. Default 256. */
  maxTokens?: number;
  /** ONNX Runtime intra-op threads; ONNX Runtime's default (one per core) when unset. */
  threads?: number;
  /** A hub request that has not started answering after this long fails. Default 15 s. */
  requestTimeoutMs?: number;
  /** Base URL of a hub mirror; transformers.js's default hub when unset. */
  remoteHost?: string;
}

interface Loaded {
  tokenizer: PreTrainedTokenizer;
  model: PreTrainedModel;
  dimensions: number;
}

/**
 * Sentence embeddings from a BERT-family ONNX model run by transformers.js (all-MiniLM-L6-v2 in
 * production): mean of the last hidden states over the real tokens (attention mask), L2-normalised.
 *
 * Nothing is read until the first `load()` or `embed()`; concurrent first calls share one load.
 * A failed load is forgotten, so a later call tries again. `load()` also embeds a probe text, so
 * a model that loads but cannot run fails there rather than on first use.
 *
 * transformers.js keeps its settings (remote downloads allowed, cache directory, fetch) in one
 * process-wide `env` object, which `load()` sets from these options: use one configuration per
 * process.
 */
export class TransformersEmbedder implements Embedder {
  readonly id: string;
  readonly kind = 'minilm' as const;

  private readonly options: Required<
    Pick<
      TransformersEmbedderOptions,
      'dtype' | 'batchSize' | 'maxTokens' | 'requestTimeoutMs' | 'allowRemote'
    >
  > &
    TransformersEmbedderOptions;
  private loading: Promise<void> | undefined;
  private loaded: Loaded | undefined;
  /** Model calls run one at a time: ONNX Runtime already uses every core for one call. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(options: TransformersEmbedderOptions) {
    this.options = {
      dtype: 'fp32',
      batchSize: 32,
      maxTokens: 256,
      requestTimeoutMs: 15_000,
      allowRemote: false,
      ...options,
    };
    if (!Number.isInteger(this.options.batchSize) || this.options.batchSize < 1) {
      throw new RangeError(`batchSize must be a positive integer, got ${this.options.batchSize}`);
    }
    this.id = `minilm:${options.modelId}${this.options.dtype === 'fp32' ? '' : `:${this.options.dtype}`}`;
  }

  /** The model's hidden size (from its config, checked against its output). Known once loaded. */
  get dimensions(): number {
    if (!this.loaded) throw new Error('TransformersEmbedder: dimensions are known once load() has resolved');
    return this.loaded.dimensions;
  }

  /** Loads the tokenizer and the model once; rejects with the reason when that is impossible. */
  load(): Promise<void> {
    this.loading ??= this.loadOnce().catch((error: unknown) => {
      this.loading = undefined;
      throw error;
    });
    return this.loading;
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    if (texts.length === 0) return [];
    await this.load();
    const loaded = this.loaded;
    if (!loaded) throw new Error('TransformersEmbedder: closed while loading');
    // Longest first, so each batch holds texts of similar length and little padding.
    const order = texts.map((_, index) => index).sort((a, b) => texts[b]!.length - texts[a]!.length);
    const vectors = new Array<Float32Array>(texts.length);
    for (let start = 0; start < order.length; start += this.options.batchSize) {
      const indices = order.slice(start, start + this.options.batchSize);
      const batch = await this.serially(() =>
        this.run(
          loaded,
          indices.map((index) => texts[index]!),
        ),
      );
      indices.forEach((index, position) => (vectors[index] = batch[position]!));
    }
    return vectors;
  }

  /** Releases the ONNX Runtime session. */
  async close(): Promise<void> {
    const loaded = this.loaded;
    this.loaded = undefined;
    this.loading = undefined;
    if (loaded) await loaded.model.dispose();
  }

  private async loadOnce(): Promise<void> {
    const { modelId, localModelDir, cacheDir } = this.options;
    const localOnly = localModelDir !== undefined || !this.options.allowRemote;
    const source = localModelDir !== undefined ? resolve(localModelDir) : modelId;
    const where =
      localModelDir !== undefined
        ? `directory ${source}`
        : localOnly
          ? `cache ${cacheDir ?? '(default)'} (downloads disabled)`
          : 'the hub';

    // transformers.js reports a missing file in ways that do not always name it (a missing
    // tokenizer_config.json surfaces as a TypeError), so local files are checked here first.
    const required = [
      'config.json',
      'tokenizer.json',
      'tokenizer_config.json',
      `onnx/model${this.options.dtype === 'q8' ? '_quantized' : ''}.onnx`,
    ];
    if (localModelDir !== undefined) {
      const missing = await missingFiles(source, required);
      if (missing.length > 0) throw new Error(`model directory ${source} lacks ${missing.join(', ')}`);
    } else if (localOnly) {
      const cached = join(cacheDir ?? env.cacheDir ?? '', modelId);
      const missing = await missingFiles(cached, required);
      if (missing.length > 0) {
        throw new Error(
          `${modelId} is not in the download cache (${cached} lacks ${missing.join(', ')}) and downloads are disabled`,
        );
      }
    }

    env.allowLocalModels = true;
    env.allowRemoteModels = !localOnly;
    if (cacheDir !== undefined) env.cacheDir = cacheDir;
    if (this.options.remoteHost !== undefined) env.remoteHost = this.options.remoteHost;
    env.fetch = withResponseTimeout(originalFetch, this.options.requestTimeoutMs);
    // Failures surface as rejections that the caller logs once; transformers.js's own console
    // warnings about each file it looked for would only repeat them.
    env.logLevel = LogLevel.ERROR;

    const pretrained = {
      local_files_only: localOnly,
      ...(cacheDir !== undefined ? { cache_dir: cacheDir } : {}),
    };
    let tokenizer: PreTrainedTokenizer;
    let model: PreTrainedModel;
    try {
      [tokenizer, model] = await Promise.all([
        AutoTokenizer.from_pretrained(source, pretrained),
        AutoModel.from_pretrained(source, {
          ...pretrained,
          dtype: this.options.dtype,
          device: 'cpu',
          ...(this.options.threads !== undefined
            ? { session_options: { intraOpNumThreads: this.options.threads } }
            : {}),
        }),
      ]);
    } catch (error) {
      throw new Error(`cannot load ${modelId} from ${where}: ${describe(error)}`, { cause: error });
    }

    const hidden = (model.config as { hidden_size?: unknown }).hidden_size;
    if (typeof hidden !== 'number' || !Number.isInteger(hidden) || hidden < 1) {
      await model.dispose();
      throw new Error(`${modelId}: config.json has no usable hidden_size`);
    }
    const candidate: Loaded = { tokenizer, model, dimensions: hidden };
    try {
      const [probe] = await this.serially(() => this.run(candidate, ['probe']));
      if (probe?.length !== hidden) {
        throw new Error(`the model returns ${probe?.length}-dimensional states, config.json says ${hidden}`);
      }
    } catch (error) {
      await model.dispose();
      throw new Error(`${modelId} loaded from ${where} but cannot run: ${describe(error)}`, { cause: error });
    }
    this.loaded = candidate;
  }

  private serially<T>(task: () => Promise<T>): Promise<T> {
    const result = this.queue.then(task);
    this.queue = result.catch(() => undefined);
    return result;
  }

  private async run(loaded: Loaded, texts: string[]): Promise<Float32Array[]> {
    const inputs = loaded.tokenizer(texts, {
      padding: true,
      truncation: true,
      max_length: this.options.maxTokens,
    }) as { input_ids: Tensor; attention_mask: Tensor; token_type_ids?: Tensor };
    const outputs = (await loaded.model(inputs)) as { last_hidden_state?: Tensor };
    const states = outputs.last_hidden_state;
    if (!states) throw new Error('the model has no last_hidden_state output');
    return meanPoolNormalised(states, inputs.attention_mask);
  }
}

/**
 * Per sequence: the mean of its token states where the attention mask is 1, scaled to unit
 * length. `states` is [batch, sequence, hidden] float32, `mask` is [batch, sequence] int64.
 */
export function meanPoolNormalised(states: Tensor, mask: Tensor): Float32Array[] {
  const [batch, sequence, hidden] = states.dims as [number, number, number];
  if (states.dims.length !== 3 || !(states.data instanceof Float32Array)) {
    throw new Error(
      `expected float32 [batch, sequence, hidden] states, got ${states.type} [${states.dims.join(', ')}]`,
    );
  }
  const data = states.data;
  const maskData = mask.data as BigInt64Array;
  const vectors: Float32Array[] = [];
  const sum = new Float64Array(hidden);
  for (let b = 0; b < batch; b++) {
    sum.fill(0);
    let tokens = 0;
    for (let s = 0; s < sequence; s++) {
      if (maskData[b * sequence + s] === 0n) continue;
      tokens++;
      const offset = (b * sequence + s) * hidden;
      for (let h = 0; h < hidden; h++) sum[h]! += data[offset + h]!;
    }
    let norm = 0;
    for (let h = 0; h < hidden; h++) {
      sum[h]! /= Math.max(tokens, 1);
      norm += sum[h]! * sum[h]!;
    }
    const scale = 1 / Math.max(Math.sqrt(norm), 1e-12);
    const vector = new Float32Array(hidden);
    for (let h = 0; h < hidden; h++) vector[h] = sum[h]! * scale;
    vectors.push(vector);
  }
  return vectors;
}

async function missingFiles(dir: string, files: string[]): Promise<string[]> {
  const present = await Promise.all(
    files.map((file) =>
      stat(join(dir, file)).then(
        (info) => info.isFile(),
        () => false,
      ),
    ),
  );
  return files.filter((_, index) => !present[index]);
}

const originalFetch = env.fetch;

/**
 * A fetch that gives up when no response headers arrived within `ms` (a firewalled host can
 * otherwise leave a connection hanging for minutes). Once headers arrive the body may take as
 * long as the download needs.
 */
function withResponseTimeout(base: typeof env.fetch, ms: number): typeof env.fetch {
  return async (input, init?: RequestInit) => {
    const controller = new AbortController();
    const timer = setTimeout(
      () => controller.abort(new Error(`no response from ${String(input)} within ${ms} ms`)),
      ms,
    );
    const signal = init?.signal ? AbortSignal.any([init.signal, controller.signal]) : controller.signal;
    try {
      return await base(input, { ...init, signal });
    } finally {
      clearTimeout(timer);
    }
  };
}

/** An error's message with its causes ("fetch failed: getaddrinfo ENOTFOUND …"). */
function describe(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 4; depth++) {
    parts.push(current instanceof Error ? current.message : String(current));
    current = current instanceof Error ? current.cause : undefined;
  }
  return parts.join(': ');
}
