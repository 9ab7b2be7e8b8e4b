/**
 * Knowledge-base benchmark: retrieval latency, ingestion throughput and vector recall.
 *
 * Retrieval. For each corpus size a synthetic corpus (~110–150 words, about 150–200 tokens, per chunk;
 * bigram text learned from content/, seeded) is written through SqliteKnowledgeStore.upsertChunks and
 * SqliteVectorIndex.upsert into a temp SQLite database, in two layouts: one user owning every chunk
 * (spread over four collections), and the shared collection holding most chunks with the user owning
 * a few. 200 queries (3–8 word phrases cut from random chunks) are then timed, interleaved:
 *   (a) KnowledgeBaseService.search with the MiniLM-size model embedding the query, hybrid and vector, at
 *       the production embedding settings (the dtype and thread count `loadConfig({})` gives, i.e. the
 *       EMBEDDINGS_DTYPE / EMBEDDINGS_THREADS defaults), and hybrid with fp32 on ONNX Runtime's default
 *       thread count for comparison;
 *   (b) the same search with the query vector precomputed (an Embedder that looks it up), hybrid,
 *       vector and keyword — the retrieval alone;
 *   baseline: an exhaustive cosine scan in JavaScript over the same Float32 vectors of the scope.
 * recall@10 compares (b)'s vector-only top 10 (SqliteVectorIndex.knn) with that scan.
 *
 * Ingestion. Markdown documents are uploaded through KnowledgeBaseService.upload (SqliteJobQueue,
 * FsBlobStore in a temp dir) and JobWorker.drain runs the real ingestion jobs (extract, chunk,
 * embed, store, index); throughput = chunks ÷ drain time, per embedder, dtype, batch size and
 * ONNX Runtime thread count, with the lexical embedder through the same pipeline as the baseline. The
 * production setting (default dtype, threads and KB_EMBED_BATCH_SIZE) is always among the rows, marked.
 *
 * The MiniLM-size model is generated at run time into a temp dir by scripts/make-embedding-model.py
 * (random weights, all-MiniLM-L6-v2's exact dimensions: the real compute cost, meaningless vectors);
 * without the Python onnx package only the lexical parts run. Results go to BENCHMARKS.md, section
 * "rag" (only that section).
 *
 *   node --import tsx bench/rag.ts [--sizes 1000,10000,100000] [--queries 200] [--warmup 20]
 *     [--own-fraction 0.01] [--ingest-docs 1] [--ingest-doc-words 8000] [--ingest-rounds 4] [--ingest-batches 8,32]
 *     [--ingest-threads 2,1] [--no-q8] [--minilm-corpus-max 0] [--model-dir DIR]
 *     [--skip-retrieval] [--skip-ingestion] [--seed 1] [--out BENCHMARKS.md] [--no-write]
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { AutoTokenizer } from '@huggingface/transformers';
import { LexicalEmbedder, TransformersEmbedder } from '../src/adapters/embeddings/index.js';
import { FsBlobStore } from '../src/adapters/fs/blob-store.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/adapters/log/pino.js';
import { SqliteAccountStore } from '../src/adapters/sqlite/account-store.js';
import { openDatabase, type Db } from '../src/adapters/sqlite/database.js';
import { SqliteJobQueue } from '../src/adapters/sqlite/job-queue.js';
import { SqliteKnowledgeStore } from '../src/adapters/sqlite/knowledge-store.js';
import { SqliteVectorIndex } from '../src/adapters/sqlite/vector-index.js';
import { loadDefaultTokenCounter } from '../src/features/kb/chunk.js';
import { KnowledgeBaseService, type SearchMode } from '../src/features/kb/service.js';
import { JobWorker } from '../src/features/kb/worker.js';
import type { Embedder } from '../src/ports/embedder.js';
import { BUILTIN_COLLECTION, DEFAULT_COLLECTION, type NewChunk } from '../src/ports/knowledge-store.js';
import { loadWordModel, TextGenerator, type WordModel } from './lib/corpus.js';
import { Prng } from './lib/prng.js';
import { generateMiniLmSizedModel } from './lib/embedding-model.js';
import { table, updateSectionInFile } from './lib/markdown.js';
import { fmt, mean, percentile, summarize, type Summary } from './lib/stats.js';
import { dot, recallAtK, VectorMatrix } from './lib/vectors.js';

const { values: args } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1000,10000,100000' },
    queries: { type: 'string', default: '200' },
    warmup: { type: 'string', default: '20' },
    'own-fraction': { type: 'string', default: '0.01' },
    'ingest-docs': { type: 'string', default: '1' },
    'ingest-rounds': { type: 'string', default: '4' },
    'ingest-doc-words': { type: 'string', default: '8000' },
    'ingest-batches': { type: 'string', default: '8,32' },
    'ingest-threads': { type: 'string', default: '2,1' },
    'no-q8': { type: 'boolean', default: false },
    'minilm-corpus-max': { type: 'string', default: '0' },
    'model-dir': { type: 'string' },
    'skip-retrieval': { type: 'boolean', default: false },
    'skip-ingestion': { type: 'boolean', default: false },
    seed: { type: 'string', default: '1' },
    out: { type: 'string', default: 'BENCHMARKS.md' },
    'no-write': { type: 'boolean', default: false },
  },
});

const positiveInts = (name: string, raw: string): number[] => {
  const list = raw.split(',').map((s) => Number(s.trim()));
  if (list.length === 0 || !list.every((n) => Number.isInteger(n) && n > 0)) {
    throw new Error(`--${name} must be a comma-separated list of positive integers`);
  }
  return list;
};
const int = (name: keyof typeof args, min = 0) => {
  const n = Number(args[name]);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer ≥ ${min}`);
  return n;
};
const P = {
  sizes: positiveInts('sizes', String(args.sizes)),
  queries: int('queries', 1),
  warmup: int('warmup'),
  ownFraction: Number(args['own-fraction']),
  ingestDocs: int('ingest-docs', 1),
  ingestRounds: int('ingest-rounds', 1),
  ingestDocWords: int('ingest-doc-words', 100),
  ingestBatches: positiveInts('ingest-batches', String(args['ingest-batches'])),
  ingestThreads: positiveInts('ingest-threads', String(args['ingest-threads'])),
  q8: !args['no-q8'],
  minilmCorpusMax: int('minilm-corpus-max'),
  seed: int('seed'),
};
if (!(P.ownFraction > 0 && P.ownFraction < 1)) throw new Error('--own-fraction must be in (0, 1)');

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CONTENT_DIR = join(ROOT, 'content');
const TOP_K = 10;
/** Chunks per synthetic document (retrieval corpus). */
const CHUNKS_PER_DOC = 20;
/** The four collections the single owner's documents are spread over. */
const OWNER_COLLECTIONS = [DEFAULT_COLLECTION, 'notes', 'specs', 'runbooks'];
const TARGET = { p50At10k: 25, p50At100k: 80, ingest: 150 };

/** The embedding settings a server runs with when nothing is configured (src/config.ts defaults). */
const PRODUCTION = (() => {
  const kb = loadConfig({}).kb;
  return { dtype: kb.embeddings.dtype, threads: kb.embeddings.threads, batch: kb.embedBatchSize };
})();
/** fp32 on ONNX Runtime's default intra-op thread count: the comparison column. */
const COMPARISON = { dtype: 'fp32' as const, threads: undefined };

/** `1 thread`, `2 threads`, or `default threads` (ONNX Runtime's own choice, one per core). */
const threadsLabel = (threads: number | undefined | null) =>
  threads === undefined || threads === null
    ? 'default threads'
    : `${threads} thread${threads === 1 ? '' : 's'}`;
const PRODUCTION_LABEL = `${PRODUCTION.dtype}, ${threadsLabel(PRODUCTION.threads)}`;
const COMPARISON_LABEL = `${COMPARISON.dtype}, ${threadsLabel(COMPARISON.threads)}`;
/** The same in prose: `q8 on 1 thread`, `fp32 on ONNX Runtime’s default threads`. */
const inWords = (setting: { dtype: string; threads?: number | undefined }) =>
  `${setting.dtype} on ${setting.threads === undefined ? 'ONNX Runtime’s default threads' : threadsLabel(setting.threads)}`;
if (PRODUCTION.dtype === 'q8' && !P.q8) {
  throw new Error('--no-q8 cannot be used while the production default dtype (src/config.ts) is q8');
}
const MODEL_ID = 'bench/minilm-size-random';
/** MiniLM-L6 (BERT) dimensions, for the FLOP estimate. */
const BERT = { layers: 6, hidden: 384, intermediate: 1536 };

const logger = createLogger('silent');
const lexical = new LexicalEmbedder();
const LOAD_AT_START = os.loadavg();

// ---------------------------------------------------------------------------------------------------------
// Small helpers

const now = () => performance.now();
const load1 = () => os.loadavg()[0]!;
const pct = (s: Summary) => `${fmt(s.p50)} / ${fmt(s.p99)}`;
const perSecond = (count: number, ms: number) => (count / ms) * 1000;

/** A query embedder whose vectors were computed beforehand: the search without the model's cost. */
class PrecomputedEmbedder implements Embedder {
  readonly kind = 'lexical-fallback' as const;
  readonly dimensions = 384;

  constructor(
    readonly id: string,
    private readonly vectors: Map<string, Float32Array>,
  ) {}

  embed(texts: string[]): Promise<Float32Array[]> {
    return Promise.resolve(
      texts.map((text) => {
        const vector = this.vectors.get(text);
        if (!vector) throw new Error(`no precomputed vector for ${JSON.stringify(text)}`);
        return vector;
      }),
    );
  }
}

/** Passes calls through and adds up the time spent in them. */
class TimedEmbedder implements Embedder {
  ms = 0;
  texts = 0;

  constructor(private readonly inner: Embedder) {}

  get id() {
    return this.inner.id;
  }
  get kind() {
    return this.inner.kind;
  }
  get dimensions() {
    return this.inner.dimensions;
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    const t0 = now();
    try {
      return await this.inner.embed(texts);
    } finally {
      this.ms += now() - t0;
      this.texts += texts.length;
    }
  }
}

function minilm(modelDir: string, options: { dtype: 'fp32' | 'q8'; batchSize?: number; threads?: number }) {
  return new TransformersEmbedder({
    modelId: MODEL_ID,
    localModelDir: modelDir,
    dtype: options.dtype,
    ...(options.batchSize !== undefined ? { batchSize: options.batchSize } : {}),
    ...(options.threads !== undefined ? { threads: options.threads } : {}),
  });
}

/** What KnowledgeBaseService embeds for a chunk (title, heading path, text), as in its ingestion. */
const embeddingText = (title: string, heading: string | null, content: string) =>
  [title, heading, content].filter(Boolean).join('\n');

/** FLOPs of one BERT encoder pass over a sequence of `tokens` (dense layers + attention products). */
function bertFlops(tokens: number): number {
  const { layers, hidden: h, intermediate: i } = BERT;
  return layers * (2 * tokens * (4 * h * h + 2 * h * i) + 4 * tokens * tokens * h);
}

async function makeUser(db: Db, name: string): Promise<string> {
  const user = await new SqliteAccountStore(db).createUser({
    email: `${name}@bench.example`,
    name,
    passwordHash: null,
    role: 'user',
    tier: 'team',
  });
  return user.id;
}

// ---------------------------------------------------------------------------------------------------------
// Retrieval corpus

interface CorpusChunk {
  doc: number;
  ordinal: number;
  heading: string;
  content: string;
  words: number;
}

interface Corpus {
  chunks: CorpusChunk[];
  titles: string[];
  /** Vectors of embeddingText(title, heading, content), one per chunk. */
  vectors: Float32Array[];
  vectorSource: string;
  embedMs: number;
}

function generateChunks(
  model: WordModel,
  size: number,
  seed: number,
): Omit<Corpus, 'vectors' | 'vectorSource' | 'embedMs'> {
  const gen = new TextGenerator(model, seed);
  const chunks: CorpusChunk[] = [];
  const titles: string[] = [];
  let heading = '';
  for (let i = 0; i < size; i++) {
    const doc = Math.floor(i / CHUNKS_PER_DOC);
    const ordinal = i % CHUNKS_PER_DOC;
    if (ordinal === 0) titles.push(gen.phrase(3, 6));
    if (ordinal % 4 === 0) heading = gen.phrase(2, 5);
    const passage = gen.passage(gen.int(110, 140));
    chunks.push({ doc, ordinal, heading, content: passage.text, words: passage.words });
  }
  return { chunks, titles };
}

interface Layout {
  name: 'owner' | 'shared';
  db: Db;
  dir: string;
  store: SqliteKnowledgeStore;
  index: SqliteVectorIndex;
  /** The user whose searches are timed. */
  userId: string;
  /** Corpus index of each chunk id. */
  indexOf: Map<string, number>;
  chunkIdOf: (i: number) => string;
  loadMs: { chunks: number; vectors: number };
}

/**
 * Writes the corpus into a fresh database. `owner`: one user owns every chunk, documents spread over
 * four collections. `shared`: the first chunks are the shared built-in collection's, the last `own`
 * belong to the user (collection `default`).
 */
async function buildLayout(name: Layout['name'], corpus: Corpus, own: number): Promise<Layout> {
  const dir = await mkdtemp(join(os.tmpdir(), `engify-rag-${name}-`));
  const db = openDatabase(join(dir, 'kb.db'));
  const store = new SqliteKnowledgeStore(db);
  const index = new SqliteVectorIndex(db);
  const userId = await makeUser(db, 'reader');
  const n = corpus.chunks.length;
  const firstOwn = name === 'owner' ? 0 : n - own;
  const docCount = Math.ceil(n / CHUNKS_PER_DOC);
  const docIds: string[] = [];
  const docMeta: Array<{ ownerId: string | null; collection: string }> = [];
  const stamp = new Date().toISOString();
  for (let d = 0; d < docCount; d++) {
    // A document straddling the boundary goes to the user (its chunks split the same way below).
    const lastChunk = Math.min(n, (d + 1) * CHUNKS_PER_DOC) - 1;
    const mine = lastChunk >= firstOwn;
    const ownerId = mine ? userId : null;
    const collection =
      name === 'owner'
        ? OWNER_COLLECTIONS[d % OWNER_COLLECTIONS.length]!
        : mine
          ? DEFAULT_COLLECTION
          : BUILTIN_COLLECTION;
    const id = `doc-${String(d).padStart(6, '0')}`;
    docIds.push(id);
    docMeta.push({ ownerId, collection });
    await store.createDocument({
      id,
      ownerId,
      collection,
      title: corpus.titles[d]!,
      filename: `${id}.md`,
      mediaType: 'text/markdown',
      sizeBytes: 0,
      contentHash: id,
      blobKey: null,
      status: 'ready',
      chunksDone: 0,
      chunksTotal: 0,
      error: null,
      createdAt: stamp,
      updatedAt: stamp,
    });
  }
  const chunkIdOf = (i: number) => `${docIds[corpus.chunks[i]!.doc]!}:${corpus.chunks[i]!.ordinal}`;
  const indexOf = new Map<string, number>();
  const batch = 1000;
  let chunksMs = 0;
  let vectorsMs = 0;
  await index.setEmbedderId(corpus.vectorSource);
  for (let start = 0; start < n; start += batch) {
    const rows: NewChunk[] = [];
    for (let i = start; i < Math.min(n, start + batch); i++) {
      const c = corpus.chunks[i]!;
      const id = chunkIdOf(i);
      indexOf.set(id, i);
      rows.push({
        id,
        documentId: docIds[c.doc]!,
        ordinal: c.ordinal,
        heading: c.heading,
        content: c.content,
        tokens: Math.round(c.words * 1.3),
      });
    }
    let t0 = now();
    await store.upsertChunks(rows);
    chunksMs += now() - t0;
    t0 = now();
    await index.upsert(
      rows.map((row) => {
        const i = indexOf.get(row.id)!;
        const meta = docMeta[corpus.chunks[i]!.doc]!;
        return {
          chunkId: row.id,
          documentId: row.documentId,
          ownerId: meta.ownerId,
          collection: meta.collection,
          vector: corpus.vectors[i]!,
        };
      }),
    );
    vectorsMs += now() - t0;
  }
  db.pragma('optimize');
  return {
    name,
    db,
    dir,
    store,
    index,
    userId,
    indexOf,
    chunkIdOf,
    loadMs: { chunks: chunksMs, vectors: vectorsMs },
  };
}

async function closeLayout(layout: Layout): Promise<void> {
  layout.db.close();
  await rm(layout.dir, { recursive: true, force: true });
}

// ---------------------------------------------------------------------------------------------------------
// Retrieval measurements

interface ScopeSpec {
  label: string;
  layout: Layout;
  collection?: string;
  /** Corpus indices the scope may see (for the scan baseline and recall). */
  visible: number[];
  /** Which (a) columns (query embedding + search) are measured for this scope. */
  embed: EmbedVariant[];
}

/**
 * embedHybrid / embedVector: the query embedder at the production setting (PRODUCTION); embedHybridFp32:
 * fp32 on ONNX Runtime's default thread count (COMPARISON).
 */
type EmbedVariant = 'embedHybrid' | 'embedVector' | 'embedHybridFp32';
type Variant = EmbedVariant | 'hybrid' | 'vector' | 'keyword' | 'scan';

/** Does the variant's query embedder run a multi-threaded ONNX Runtime session (a pool of spinning threads)? */
const pooled = (variant: EmbedVariant) =>
  (variant === 'embedHybridFp32' ? COMPARISON.threads : PRODUCTION.threads) !== 1;

interface ScopeResult {
  size: number;
  label: string;
  visible: number;
  times: Partial<Record<Variant, Summary>>;
  recall: number;
  /** Mean number of (b) hybrid's top results that the keyword search had found. */
  keywordHits: number;
}

interface SizeResult {
  size: number;
  corpus: { words: number; cl100k: number; vectorSource: string; embedMs: number };
  load: Array<{ layout: string; chunksMs: number; vectorsMs: number }>;
  scopes: ScopeResult[];
  loadBefore: number;
}

function makeQueries(chunks: readonly CorpusChunk[], count: number, seed: number): string[] {
  const gen = new Prng(seed);
  const queries: string[] = [];
  const seen = new Set<string>();
  while (queries.length < count) {
    const chunk = gen.pick(chunks);
    const words = chunk.content.split(/\s+/);
    const length = gen.int(3, 8);
    const start = gen.int(0, Math.max(0, words.length - length));
    const query = words
      .slice(start, start + length)
      .join(' ')
      .replace(/[.,;:]+$/, '');
    if (seen.has(query)) continue;
    seen.add(query);
    queries.push(query);
  }
  return queries;
}

async function measureScope(
  size: number,
  spec: ScopeSpec,
  corpus: Corpus,
  queries: string[],
  services: {
    production: KnowledgeBaseService | null;
    comparison: KnowledgeBaseService | null;
    precomputed: KnowledgeBaseService;
  },
  queryVectors: Map<string, Float32Array>,
): Promise<ScopeResult> {
  const matrix = new VectorMatrix(
    384,
    spec.visible.map((i) => corpus.vectors[i]!),
    spec.visible,
  );
  // Separate passes. ONNX Runtime's pool threads keep spinning for a while after each run of a
  // multi-threaded session, which on two cores slows whatever runs next: interleaved with such a model,
  // the model-free columns would pay for its runs. A one-thread session has no pool, so it shares the first
  // pass; each multi-threaded embedder gets a pass of its own.
  const first: Variant[] = ['hybrid', 'vector', 'keyword', 'scan'];
  const passes: Variant[][] = [first];
  if (services.production) {
    first.push(...spec.embed.filter((v) => !pooled(v)));
    const production = spec.embed.filter((v) => pooled(v) && v !== 'embedHybridFp32');
    const comparison = spec.embed.filter((v) => pooled(v) && v === 'embedHybridFp32');
    for (const pass of [production, comparison]) if (pass.length > 0) passes.push(pass);
  }
  const samples = new Map<Variant, number[]>(passes.flat().map((v) => [v, []]));
  const recalls: number[] = [];
  const keywordHits: number[] = [];
  const userId = spec.layout.userId;
  const request = (query: string, mode: SearchMode) => ({
    query,
    topK: TOP_K,
    mode,
    ...(spec.collection ? { collection: spec.collection } : {}),
  });
  const total = P.warmup + queries.length;
  for (const variants of passes)
    for (let q = 0; q < total; q++) {
      const query = queries[q % queries.length]!;
      const record = q >= P.warmup;
      let vectorTop: number[] | null = null;
      let scanTop: { ids: number[]; scores: number[] } | null = null;
      // Rotate the order every query so no variant always runs first (warm caches) or last.
      for (let r = 0; r < variants.length; r++) {
        const variant = variants[(q + r) % variants.length]!;
        const t0 = now();
        switch (variant) {
          case 'embedHybrid':
            await services.production!.search(userId, request(query, 'hybrid'));
            break;
          case 'embedVector':
            await services.production!.search(userId, request(query, 'vector'));
            break;
          case 'embedHybridFp32':
            await services.comparison!.search(userId, request(query, 'hybrid'));
            break;
          case 'hybrid': {
            const out = await services.precomputed.search(userId, request(query, 'hybrid'));
            // The service reports a result's keyword score when the keyword search found it.
            if (record) keywordHits.push(out.results.filter((r) => r.keywordScore !== null).length);
            break;
          }
          case 'vector': {
            const out = await services.precomputed.search(userId, request(query, 'vector'));
            vectorTop = out.results.map((r) => spec.layout.indexOf.get(r.chunkId)!);
            break;
          }
          case 'keyword':
            await services.precomputed.search(userId, request(query, 'keyword'));
            break;
          case 'scan':
            scanTop = matrix.topK(queryVectors.get(query)!, TOP_K);
            break;
        }
        if (record) samples.get(variant)!.push(now() - t0);
      }
      if (record && vectorTop && scanTop) {
        const qv = queryVectors.get(query)!;
        recalls.push(recallAtK(vectorTop, scanTop, TOP_K, (i) => dot(qv, corpus.vectors[i]!)));
      }
    }
  const times: Partial<Record<Variant, Summary>> = {};
  for (const [variant, list] of samples) times[variant] = summarize(list);
  return {
    size,
    label: spec.label,
    visible: spec.visible.length,
    times,
    recall: mean(recalls),
    keywordHits: mean(keywordHits),
  };
}

async function embedCorpus(
  chunks: CorpusChunk[],
  titles: string[],
  model: string | null,
): Promise<{ vectors: Float32Array[]; source: string; ms: number }> {
  const texts = chunks.map((c) => embeddingText(titles[c.doc]!, c.heading, c.content));
  const t0 = now();
  if (model && chunks.length <= P.minilmCorpusMax) {
    // The production dtype, so stored and query vectors come from the same model file.
    const embedder = minilm(model, { dtype: PRODUCTION.dtype });
    try {
      const vectors = await embedder.embed(texts);
      return { vectors, source: embedder.id, ms: now() - t0 };
    } finally {
      await embedder.close();
    }
  }
  return { vectors: await lexical.embed(texts), source: lexical.id, ms: now() - t0 };
}

async function runRetrievalSize(
  size: number,
  words: WordModel,
  model: string | null,
  countTokens: (text: string) => number,
): Promise<SizeResult> {
  const loadBefore = load1();
  const generated = generateChunks(words, size, P.seed);
  const embedded = await embedCorpus(generated.chunks, generated.titles, model);
  const corpus: Corpus = {
    ...generated,
    vectors: embedded.vectors,
    vectorSource: embedded.source,
    embedMs: embedded.ms,
  };
  const sample = corpus.chunks.slice(0, Math.min(1000, size));
  const cl100k = mean(sample.map((c) => countTokens(c.content)));
  const own = Math.max(1, Math.round(size * P.ownFraction));
  console.log(
    `  ${size} chunks: ${fmt(mean(sample.map((c) => c.words)), 0)} words, ${fmt(cl100k, 0)} tokens each; ` +
      `vectors (${corpus.vectorSource}) in ${fmt(corpus.embedMs / 1000, 1)} s`,
  );

  const queries = makeQueries(corpus.chunks, P.queries, P.seed + size);
  const queryVectors = new Map<string, Float32Array>();
  const lexicalVectors = await lexical.embed(queries);
  queries.forEach((q, i) => queryVectors.set(q, lexicalVectors[i]!));

  const result: SizeResult = {
    size,
    corpus: {
      words: mean(sample.map((c) => c.words)),
      cl100k,
      vectorSource: corpus.vectorSource,
      embedMs: corpus.embedMs,
    },
    load: [],
    scopes: [],
    loadBefore,
  };
  const all = corpus.chunks.map((_, i) => i);
  const queryModel = model ? minilm(model, { dtype: PRODUCTION.dtype, threads: PRODUCTION.threads }) : null;
  const queryModelFp32 = model ? minilm(model, COMPARISON) : null;
  await Promise.all([queryModel?.load(), queryModelFp32?.load()]);
  try {
    for (const name of ['owner', 'shared'] as const) {
      const layout = await buildLayout(name, corpus, own);
      result.load.push({ layout: name, chunksMs: layout.loadMs.chunks, vectorsMs: layout.loadMs.vectors });
      console.log(
        `  ${name} layout loaded: chunks ${fmt(layout.loadMs.chunks / 1000, 1)} s, vectors ${fmt(layout.loadMs.vectors / 1000, 1)} s`,
      );
      try {
        const deps = {
          store: layout.store,
          vectors: layout.index,
          blobs: new FsBlobStore(join(layout.dir, 'blobs')),
          queue: new SqliteJobQueue(layout.db),
          logger,
        };
        const services = {
          production: queryModel
            ? new KnowledgeBaseService(
                { ...deps, embedder: Promise.resolve(queryModel) },
                { maxUploadBytes: 1 },
              )
            : null,
          comparison: queryModelFp32
            ? new KnowledgeBaseService(
                { ...deps, embedder: Promise.resolve(queryModelFp32) },
                { maxUploadBytes: 1 },
              )
            : null,
          precomputed: new KnowledgeBaseService(
            {
              ...deps,
              embedder: Promise.resolve(new PrecomputedEmbedder(corpus.vectorSource, queryVectors)),
            },
            { maxUploadBytes: 1 },
          ),
        };
        const specs: ScopeSpec[] =
          name === 'owner'
            ? [
                {
                  label: 'one user owns all; all their collections',
                  layout,
                  visible: all,
                  embed: ['embedHybrid', 'embedVector', 'embedHybridFp32'],
                },
                {
                  label: 'one user owns all; one collection (¼)',
                  layout,
                  collection: OWNER_COLLECTIONS[1]!,
                  visible: all.filter((i) => corpus.chunks[i]!.doc % OWNER_COLLECTIONS.length === 1),
                  embed: [],
                },
              ]
            : [
                {
                  label: `shared holds most, user owns ${own}; own + shared`,
                  layout,
                  visible: all,
                  embed: ['embedHybrid', 'embedHybridFp32'],
                },
                {
                  label: `shared holds most, user owns ${own}; own collection only`,
                  layout,
                  collection: DEFAULT_COLLECTION,
                  visible: all.filter((i) => {
                    const doc = corpus.chunks[i]!.doc;
                    return Math.min(size, (doc + 1) * CHUNKS_PER_DOC) - 1 >= size - own;
                  }),
                  embed: ['embedHybrid', 'embedHybridFp32'],
                },
              ];
        for (const spec of specs) {
          const r = await measureScope(size, spec, corpus, queries, services, queryVectors);
          result.scopes.push(r);
          const t = r.times;
          console.log(
            `    ${spec.label} (${r.visible} visible): ` +
              (t.embedHybrid ? `embed (${PRODUCTION_LABEL})+hybrid ${pct(t.embedHybrid)}, ` : '') +
              (t.embedHybridFp32 ? `embed (${COMPARISON_LABEL})+hybrid ${pct(t.embedHybridFp32)}, ` : '') +
              `hybrid ${pct(t.hybrid!)}, vector ${pct(t.vector!)}, keyword ${pct(t.keyword!)}, ` +
              `JS scan ${pct(t.scan!)} ms; recall@10 ${fmt(r.recall, 3)}`,
          );
        }
      } finally {
        await closeLayout(layout);
      }
    }
  } finally {
    await Promise.all([queryModel?.close(), queryModelFp32?.close()]);
  }
  return result;
}

interface QueryEmbedResult {
  label: string;
  dtype: 'fp32' | 'q8';
  threads?: number;
  /** The production setting (PRODUCTION's dtype and threads). */
  production: boolean;
  times: Summary;
}

/** The query embedding alone, per dtype and thread count (the part of (a) that (b) leaves out). */
async function measureQueryEmbedding(model: string, queries: string[]): Promise<QueryEmbedResult[]> {
  const settings: Array<{ dtype: 'fp32' | 'q8'; threads?: number }> = [
    { dtype: 'fp32' },
    { dtype: 'fp32', threads: 1 },
  ];
  if (P.q8) settings.push({ dtype: 'q8' }, { dtype: 'q8', threads: 1 });
  const isProduction = (c: { dtype: 'fp32' | 'q8'; threads?: number }) =>
    c.dtype === PRODUCTION.dtype && c.threads === PRODUCTION.threads;
  if (!settings.some(isProduction)) settings.push({ dtype: PRODUCTION.dtype, threads: PRODUCTION.threads });
  const configs = settings.map((c) => ({
    ...c,
    production: isProduction(c),
    label: `${c.dtype}, ${threadsLabel(c.threads)}${isProduction(c) ? ' (production setting)' : ''}`,
  }));
  const embedders = configs.map((c) =>
    minilm(model, { dtype: c.dtype, ...(c.threads ? { threads: c.threads } : {}) }),
  );
  await Promise.all(embedders.map((e) => e.load()));
  const samples = configs.map(() => [] as number[]);
  try {
    // One configuration at a time (see measureScope on ONNX Runtime's spinning threads).
    for (let j = 0; j < embedders.length; j++) {
      for (let q = 0; q < P.warmup + queries.length; q++) {
        const t0 = now();
        await embedders[j]!.embed([queries[q % queries.length]!]);
        if (q >= P.warmup) samples[j]!.push(now() - t0);
      }
    }
  } finally {
    await Promise.all(embedders.map((e) => e.close()));
  }
  return configs.map((c, i) => ({ ...c, times: summarize(samples[i]!) }));
}

const SPREAD_SAMPLE = 20;

/** Mean cosine similarity between the model's vectors of unrelated chunks (1 = all parallel). */
async function vectorSpread(model: string, words: WordModel): Promise<number> {
  const { chunks, titles } = generateChunks(words, SPREAD_SAMPLE * CHUNKS_PER_DOC, P.seed + 23);
  const sample = chunks.filter((_, i) => i % CHUNKS_PER_DOC === 0);
  const embedder = minilm(model, { dtype: PRODUCTION.dtype, threads: PRODUCTION.threads });
  try {
    const vectors = await embedder.embed(
      sample.map((c) => embeddingText(titles[c.doc]!, c.heading, c.content)),
    );
    const pairs: number[] = [];
    for (let i = 0; i < vectors.length; i++) {
      for (let j = i + 1; j < vectors.length; j++) pairs.push(dot(vectors[i]!, vectors[j]!));
    }
    return mean(pairs);
  } finally {
    await embedder.close();
  }
}

// ---------------------------------------------------------------------------------------------------------
// Ingestion

interface IngestConfig {
  embedder: 'lexical' | 'minilm';
  dtype: 'fp32' | 'q8' | null;
  batch: number;
  threads: number | null;
}

/** The production setting: default dtype and thread count, KB_EMBED_BATCH_SIZE's default batch. */
const isProductionIngest = (c: IngestConfig) =>
  c.embedder === 'minilm' &&
  c.dtype === PRODUCTION.dtype &&
  c.threads === PRODUCTION.threads &&
  c.batch === PRODUCTION.batch;

interface IngestResult extends IngestConfig {
  chunks: number;
  ms: number;
  embedMs: number;
  cpuMs: number;
  load: number;
  /** Chunks per second: of the run, or the median over rounds, with the lowest and highest round. */
  rate: number;
  rateRange: [number, number];
  /** Mean WordPiece tokens per embedded text (MiniLM runs), and the FLOPs that implies. */
  bertTokens: number | null;
  gflopPerChunk: number | null;
}

async function ingestOnce(
  config: IngestConfig,
  docs: Array<{ name: string; text: string }>,
  model: string | null,
) {
  const dir = await mkdtemp(join(os.tmpdir(), 'engify-rag-ingest-'));
  const db = openDatabase(join(dir, 'kb.db'));
  let inner: Embedder;
  let closeEmbedder = async () => {};
  if (config.embedder === 'minilm') {
    const e = minilm(model!, { dtype: config.dtype!, batchSize: config.batch, threads: config.threads! });
    await e.load();
    // Warm the session at this batch shape (ONNX Runtime plans memory on the first calls).
    await e.embed(docs[0]!.text.match(/[^\n]{200,}/g)!.slice(0, config.batch));
    inner = e;
    closeEmbedder = () => e.close();
  } else {
    inner = lexical;
  }
  const embedder = new TimedEmbedder(inner);
  try {
    const userId = await makeUser(db, 'uploader');
    const store = new SqliteKnowledgeStore(db);
    const queue = new SqliteJobQueue(db);
    const kb = new KnowledgeBaseService(
      {
        store,
        vectors: new SqliteVectorIndex(db),
        blobs: new FsBlobStore(join(dir, 'blobs')),
        queue,
        embedder: Promise.resolve(embedder),
        logger,
      },
      { maxUploadBytes: 50 * 1024 * 1024, embedBatchSize: config.batch },
    );
    for (const doc of docs) {
      await kb.upload(userId, { filename: doc.name, bytes: new TextEncoder().encode(doc.text) });
    }
    const worker = new JobWorker(queue, (type, payload) => kb.handleJob(type, payload), logger, {
      maxAttempts: 1,
    });
    const load = load1();
    const cpu = process.cpuUsage();
    const t0 = now();
    const ran = await worker.drain();
    const ms = now() - t0;
    const used = process.cpuUsage(cpu);
    const { items } = await kb.list(userId, { limit: 100 });
    const notReady = items.filter((d) => d.status !== 'ready');
    if (ran !== docs.length || notReady.length > 0) {
      throw new Error(
        `ingestion: ${ran} jobs ran, not ready: ${notReady.map((d) => `${d.filename} ${d.status} ${d.error}`).join('; ')}`,
      );
    }
    const chunks = await store.countChunks();
    let bertTokens: number | null = null;
    let gflopPerChunk: number | null = null;
    if (config.embedder === 'minilm') {
      // Token counts of exactly what was embedded, with the model's own tokenizer (cut at 256 like the embedder).
      const tokenizer = await AutoTokenizer.from_pretrained(resolve(model!), { local_files_only: true });
      const texts: string[] = [];
      for (const doc of items) {
        for (const c of await store.listChunks(doc.id))
          texts.push(embeddingText(doc.title, c.heading, c.content));
      }
      const counts = texts.map((t) => Math.min(256, tokenizer.encode(t).length));
      bertTokens = mean(counts);
      gflopPerChunk = mean(counts.map(bertFlops)) / 1e9;
    }
    const result: IngestResult = {
      ...config,
      chunks,
      ms,
      embedMs: embedder.ms,
      cpuMs: (used.user + used.system) / 1000,
      load,
      rate: perSecond(chunks, ms),
      rateRange: [perSecond(chunks, ms), perSecond(chunks, ms)],
      bertTokens,
      gflopPerChunk,
    };
    return result;
  } finally {
    await closeEmbedder();
    db.close();
    await rm(dir, { recursive: true, force: true });
  }
}

function ingestConfigs(model: string | null): IngestConfig[] {
  const configs: IngestConfig[] = P.ingestBatches.map((batch) => ({
    embedder: 'lexical',
    dtype: null,
    batch,
    threads: null,
  }));
  if (!model) return configs;
  const [mainThreads, ...otherThreads] = P.ingestThreads;
  const largest = Math.max(...P.ingestBatches);
  for (const dtype of P.q8 ? (['fp32', 'q8'] as const) : (['fp32'] as const)) {
    for (const batch of P.ingestBatches)
      configs.push({ embedder: 'minilm', dtype, batch, threads: mainThreads! });
    for (const threads of otherThreads) configs.push({ embedder: 'minilm', dtype, batch: largest, threads });
  }
  // The production setting is always measured, whatever the batch and thread lists say.
  if (!configs.some(isProductionIngest)) {
    configs.push({
      embedder: 'minilm',
      dtype: PRODUCTION.dtype,
      batch: PRODUCTION.batch,
      threads: PRODUCTION.threads,
    });
  }
  return configs;
}

// ---------------------------------------------------------------------------------------------------------
// Report

/** The CPU clock in MHz: what Node reports, else /proc/cpuinfo (Node reports 0 in some VMs); 0 if unknown. */
function cpuMhz(): number {
  const reported = os.cpus()[0]?.speed ?? 0;
  if (reported > 0) return reported;
  try {
    const match = /^cpu MHz\s*:\s*([\d.]+)/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    return match ? Math.round(Number(match[1])) : 0;
  } catch {
    return 0;
  }
}

function machineLine(): string {
  const cpus = os.cpus();
  const mhz = cpuMhz();
  return `${cpus.length} × ${cpus[0]?.model.trim() ?? 'unknown CPU'}${mhz ? ` (${mhz} MHz)` : ''}, ${Math.round(os.totalmem() / 2 ** 30)} GiB RAM, ${os.platform()} ${os.release()} (${os.arch()}), Node ${process.version}`;
}

/** Theoretical fp32 peak in GFLOP/s, assuming 32 FLOP per cycle per core (two 256-bit FMA pipes); 0 if the clock is unknown. */
function peakGflops(): number {
  return (os.cpus().length * cpuMhz() * 32) / 1000;
}

/** How measureScope splits the columns into passes, in words. */
function passesNote(): string {
  const spin =
    '(a multi-threaded ONNX Runtime session’s pool threads spin for a while after each run, and on two cores ' +
    'that slowed the next column’s kNN by about half when interleaved, in earlier runs of this benchmark). ';
  const rotated = 'each column of a pass running once per query in an order rotated every query';
  return PRODUCTION.threads === 1
    ? `Two passes over the queries, ${rotated}: first the model-free columns with the production-setting model ` +
        `(one thread, so no pool), then the model at ${inWords(COMPARISON)} on its own ${spin}`
    : `Three passes over the queries, ${rotated}: the model-free columns, then the production-setting model on ` +
        `its own, then the model at ${inWords(COMPARISON)} on its own ${spin}`;
}

function markdown(input: {
  sizes: SizeResult[];
  embedAlone: QueryEmbedResult[];
  ingest: IngestResult[];
  model: { ok: boolean; note: string };
  seconds: number;
  words: WordModel;
  loadEnd: number;
  /** Mean pairwise cosine of the model's vectors for random chunks; null when not measured. */
  modelSpread: number | null;
}): string {
  const { sizes, embedAlone, ingest, model, seconds, words } = input;
  const command = ['node --import tsx bench/rag.ts', ...process.argv.slice(2)].join(' ');
  const [before1, , before15] = LOAD_AT_START;
  const out: string[] = [
    '## Knowledge base: retrieval and ingestion',
    '',
    `_Generated by \`${command}\` on ${new Date().toISOString()} (${fmt(seconds, 0)} s)._`,
    '',
    `**Machine:** ${machineLine()}. Load average before the run: ${before1!.toFixed(2)} (1 min), ${before15!.toFixed(2)} (15 min); after: ${input.loadEnd.toFixed(2)} (1 min)` +
      (before1! > 1
        ? ' — other work was running on this machine, so times are inflated and tails (p99) noisier.'
        : '.'),
    '',
    `**Model:** ${model.note}`,
  ];

  if (sizes.length > 0) {
    const own = sizes.map((s) => Math.max(1, Math.round(s.size * P.ownFraction)));
    const productionIngest = ingest.find(isProductionIngest);
    const largest = Math.max(...sizes.map((s) => s.size));
    out.push(
      '',
      '### Retrieval latency',
      '',
      `**Corpus:** synthetic, seeded (${P.seed}): a bigram model of the ${words.files} text files under \`content/\` ` +
        `(${words.tokens.length.toLocaleString('en')} words, ${words.vocabulary.toLocaleString('en')} distinct) ` +
        `writes chunks of ${sizes.map((s) => fmt(s.corpus.words, 0)).join(' / ')} words, ` +
        `${sizes.map((s) => fmt(s.corpus.cl100k, 0)).join(' / ')} tokens (cl100k, mean), ${CHUNKS_PER_DOC} per document, ` +
        'loaded with `SqliteKnowledgeStore.upsertChunks` and `SqliteVectorIndex.upsert` (1,000 per call) into a file ' +
        'database in a temp dir. Stored vectors: ' +
        sizes.map((s) => `${s.size.toLocaleString('en')} → \`${s.corpus.vectorSource}\``).join(', ') +
        '. ' +
        (sizes.some((s) => s.corpus.vectorSource === lexical.id)
          ? 'The lexical embedder stands in for the model ' +
            (productionIngest
              ? `for time — the MiniLM-size model ingests ${fmt(productionIngest.rate, 1)} chunks/s here at the ` +
                `production setting (see ingestion), so ${largest.toLocaleString('en')} chunks would take ` +
                `${fmt(largest / productionIngest.rate / 60, 0)} minutes — `
              : 'for time ') +
            'and for realism: the random-weight model maps unrelated texts to nearly parallel vectors' +
            (input.modelSpread !== null
              ? ` (mean cosine ${fmt(input.modelSpread, 3)} between ${SPREAD_SAMPLE} random chunks)`
              : '') +
            ', which would make the overlap between keyword and vector candidates meaningless. An exact kNN costs ' +
            'the same whatever the vectors mean. `--minilm-corpus-max N` embeds corpora of up to N chunks with the ' +
            'model instead.'
          : ''),
      '',
      `**Layouts:** _one user owns all_ — every chunk is the reader's, documents spread round-robin over four ` +
        `collections; _shared holds most_ — the shared built-in collection holds all but the last ${own.join(' / ')} ` +
        `chunks (${fmt(P.ownFraction * 100, 0)} %), which are the reader's (collection \`default\`). Two separate databases per size.`,
      '',
      `**Queries:** ${P.queries} per size (+${P.warmup} warm-up), 3–8 consecutive words cut from random chunks, topK ${TOP_K}. ` +
        passesNote() +
        '_Embed (…) + …_ = `KnowledgeBaseService.search` with the MiniLM-size model embedding the query — the whole ' +
        `retrieval a chat turn waits for — at the production setting (${PRODUCTION_LABEL}: the ` +
        '`EMBEDDINGS_DTYPE` / `EMBEDDINGS_THREADS` defaults in `src/config.ts`), or, for comparison, ' +
        `${inWords(COMPARISON)} (one per core). _Hybrid / Vector / Keyword_ = the same ` +
        '`search` with the query vector precomputed (an `Embedder` that looks it up; lexical vectors): sqlite-vec ' +
        'cosine kNN and/or FTS5 BM25 (50 candidates each for hybrid), RRF fusion, chunk rows read back. ' +
        '_JS scan_ = exhaustive cosine over a `Float32Array` holding exactly the scope’s vectors (the baseline; it ' +
        'skips the filtering a database has to do). _kNN ÷ scan_ = vector-only p50 ÷ JS scan p50. recall@10 = ' +
        'share of the scan’s exact top 10 that the vector-only search returned (ties count).',
      '',
      'All times in ms, p50 / p99.',
      '',
      table(
        [
          'Chunks',
          'Scope (chunks visible)',
          `Embed (${PRODUCTION_LABEL}) + hybrid`,
          `Embed (${PRODUCTION_LABEL}) + vector`,
          `Embed (${COMPARISON_LABEL}) + hybrid`,
          'Hybrid',
          'Vector',
          'Keyword',
          'JS scan',
          'kNN ÷ scan',
          'recall@10',
        ],
        sizes.flatMap((s) =>
          s.scopes.map((r) => [
            s.size.toLocaleString('en'),
            `${r.label} (${r.visible.toLocaleString('en')})`,
            r.times.embedHybrid ? `**${pct(r.times.embedHybrid)}**` : '—',
            r.times.embedVector ? pct(r.times.embedVector) : '—',
            r.times.embedHybridFp32 ? pct(r.times.embedHybridFp32) : '—',
            pct(r.times.hybrid!),
            pct(r.times.vector!),
            pct(r.times.keyword!),
            pct(r.times.scan!),
            `${fmt(r.times.vector!.p50 / r.times.scan!.p50)}×`,
            fmt(r.recall, 3),
          ]),
        ),
        ['r', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
      ),
      '',
      `Bulk load (${sizes.map((s) => s.size.toLocaleString('en')).join(' / ')} chunks, owner layout): chunk rows + FTS ` +
        sizes.map((s) => `${fmt(perSecond(s.size, s.load[0]!.chunksMs), 0)}`).join(' / ') +
        ' chunks/s, vectors ' +
        sizes.map((s) => `${fmt(perSecond(s.size, s.load[0]!.vectorsMs), 0)}`).join(' / ') +
        ' vectors/s. Hybrid searches fused ' +
        sizes.map((s) => fmt(s.scopes[0]!.keywordHits, 1)).join(' / ') +
        ` keyword-scored chunks into their top ${TOP_K} (all-collections scope).`,
    );
    if (embedAlone.length > 0) {
      out.push(
        '',
        `Query embedding alone (\`TransformersEmbedder.embed\` of one query, MiniLM-size model, ${P.queries} queries, p50 / p99 ms): ` +
          embedAlone
            .map((e) => (e.production ? `**${e.label}: ${pct(e.times)}**` : `${e.label}: ${pct(e.times)}`))
            .join('; ') +
          '.',
      );
    }
  }

  if (ingest.length > 0) {
    const peak = peakGflops();
    out.push(
      '',
      '### Ingestion throughput',
      '',
      `**Pipeline:** ${P.ingestDocs} Markdown documents of about ${P.ingestDocWords.toLocaleString('en')} words ` +
        '(`#` title, `##` sections, paragraphs; same generator) uploaded with `KnowledgeBaseService.upload` ' +
        '(SqliteJobQueue, FsBlobStore, SQLite file in a temp dir), then `JobWorker.drain` runs the ingestion jobs ' +
        '(read blob, extract, chunk at 200 tokens with 40 overlap, embed in batches, write chunks + FTS + vectors, ' +
        'progress). Throughput = chunks ÷ drain time, per round: ' +
        `${P.ingestRounds} round${P.ingestRounds === 1 ? '' : 's'} run the configurations in alternating order ` +
        '(forward, backward, …), each time in a fresh database with a warmed-up model, and the table gives the ' +
        'median round with the slowest and fastest in brackets (other work on the machine moves them a lot). ' +
        'ORT threads = ONNX Runtime intra-op threads (2 is its default here). The row marked _production ' +
        `setting_ is what a server runs with by default (${PRODUCTION_LABEL}, batch ${PRODUCTION.batch} = ` +
        '`KB_EMBED_BATCH_SIZE`); the other MiniLM rows are comparisons. The load column is the mean ' +
        '1-minute load average at the start of ' +
        'each drain. _Embed share_ = time inside `embed()` ÷ drain time and _cores busy_ = process CPU time ÷ drain ' +
        'time, over all rounds ' +
        `(2 = both cores); _GFLOP/s_ = chunks/s × the encoder FLOPs of the texts actually embedded ` +
        '(WordPiece tokens counted with the model’s tokenizer; dense layers + attention products).',
      '',
      table(
        [
          'Embedder',
          'Batch',
          'ORT threads',
          'Chunks (all rounds)',
          'Chunks/s (range)',
          'Embed share',
          'Cores busy',
          'Tokens / chunk',
          'GFLOP/s',
          'Load (1 min)',
        ],
        ingest.map((r) => [
          r.embedder === 'lexical'
            ? '`lexical:v1` (baseline)'
            : isProductionIngest(r)
              ? `**MiniLM-size ${r.dtype} — production setting**`
              : `MiniLM-size ${r.dtype}`,
          r.batch,
          r.threads ?? '—',
          r.chunks,
          `**${fmt(r.rate, 1)}**` +
            (r.rateRange[0] !== r.rateRange[1]
              ? ` (${fmt(r.rateRange[0], 1)}–${fmt(r.rateRange[1], 1)})`
              : ''),
          `${fmt((r.embedMs / r.ms) * 100, 0)} %`,
          fmt(r.cpuMs / r.ms, 2),
          r.bertTokens === null ? '—' : fmt(r.bertTokens, 0),
          r.gflopPerChunk === null ? '—' : fmt(r.rate * r.gflopPerChunk, 0),
          fmt(r.load, 2),
        ]),
        ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
      ),
      '',
      `Peak fp32 arithmetic of this machine, if its ${os.cpus().length} vCPUs are separate cores with two 256-bit ` +
        `FMA pipes each (32 FLOP per cycle): ≈ ${fmt(peak, 0)} GFLOP/s.`,
    );
  }

  out.push('', '### Verdict', '', ...verdict(sizes, ingest, embedAlone));
  return out.join('\n');
}

/** Plain sentences: which targets are met at the production setting, which not, the comparison, and why. */
function verdict(sizes: SizeResult[], ingest: IngestResult[], embedAlone: QueryEmbedResult[]): string[] {
  const lines: string[] = [];
  const ms = (value: number) => `${fmt(value, 1)} ms`;
  const count = (n: number) => n.toLocaleString('en');
  const alone = {
    production: embedAlone.find((e) => e.production),
    comparison: embedAlone.find((e) => e.dtype === COMPARISON.dtype && e.threads === COMPARISON.threads),
  };

  // Retrieval targets, against every scope that sees the whole corpus (both layouts).
  const checks: string[] = [];
  for (const [size, target] of [
    [10_000, TARGET.p50At10k],
    [100_000, TARGET.p50At100k],
  ] as const) {
    const whole =
      sizes.find((s) => s.size === size)?.scopes.filter((r) => r.visible === size && r.times.embedHybrid) ??
      [];
    if (whole.length === 0) continue;
    const outcome = (list: Summary[]) => {
      const met = list.filter((t) => t.p50 < target).length;
      return met === list.length ? 'met' : met === 0 ? 'not met' : `met in ${met} of ${list.length} layouts`;
    };
    const production = whole.map((r) => r.times.embedHybrid!);
    const comparison = whole.flatMap((r) => (r.times.embedHybridFp32 ? [r.times.embedHybridFp32] : []));
    checks.push(
      `${production.map((t) => ms(t.p50)).join(' and ')} at ${count(size)} chunks ` +
        `(p99 ${production.map((t) => ms(t.p99)).join(' and ')}; target p50 < ${target} ms: **${outcome(production)}**` +
        (comparison.length === production.length
          ? `; ${inWords(COMPARISON)}: ${comparison.map((t) => ms(t.p50)).join(' and ')}, ${outcome(comparison)}`
          : '') +
        ')',
    );
  }
  if (checks.length > 0) {
    lines.push(
      `Retrieval at the production setting (${PRODUCTION_LABEL}): query embedding + hybrid search over the whole ` +
        'corpus takes, at p50, for one user owning every chunk and for the shared layout (own + shared), ' +
        `${checks.join(', and ')}.`,
    );
  }

  const big = sizes.at(-1);
  const top = big?.scopes.find((r) => r.times.embedVector) ?? big?.scopes[0];
  const recalls = sizes.flatMap((s) => s.scopes.map((r) => r.recall));
  const worst = recalls.length > 0 ? Math.min(...recalls) : Number.NaN;
  if (big && top) {
    const perVector = (top.times.vector!.p50 / top.visible) * 1e6;
    lines.push(
      `At ${count(big.size)} chunks the search alone takes ${ms(top.times.hybrid!.p50)}: BM25 ` +
        `${ms(top.times.keyword!.p50)} and the exact kNN ${ms(top.times.vector!.p50)} — sqlite-vec reads every visible ` +
        `vector, about ${fmt(perVector, 0)} ns each, ${fmt(top.times.vector!.p50 / top.times.scan!.p50, 2)}× the plain ` +
        `JS scan’s ${ms(top.times.scan!.p50)}, so it grows linearly with the chunks a user can see, and its recall@10 ` +
        `against that scan is ${fmt(worst, 3)} at worst over every size and scope` +
        (worst >= 0.999
          ? ' (it is exact, filtered or not).'
          : ' although it should be exact: see the table.'),
    );
  }

  const embedRows = sizes
    .map((s) => ({
      size: s.size,
      r: s.scopes.find((x) => x.times.embedHybrid && x.times.embedHybridFp32 && x.times.embedVector),
    }))
    .filter((x): x is { size: number; r: ScopeResult } => x.r !== undefined);
  if (embedRows.length > 0) {
    const added = (r: ScopeResult, v: 'embedHybrid' | 'embedHybridFp32') =>
      r.times[v]!.p50 - r.times.hybrid!.p50;
    const list = (v: 'embedHybrid' | 'embedHybridFp32') =>
      embedRows.map((x) => fmt(added(x.r, v), 1)).join(' / ');
    /** The most a search paid for the query embedding beyond what the embedding takes on its own. */
    const excess = (v: 'embedHybrid' | 'embedHybridFp32', own: QueryEmbedResult | undefined) =>
      own ? Math.max(...embedRows.map((x) => added(x.r, v) - own.times.p50)) : Number.NaN;
    const extra = {
      production: excess('embedHybrid', alone.production),
      comparison: excess('embedHybridFp32', alone.comparison),
    };
    const notes: string[] = [];
    if (extra.comparison > 3) {
      notes.push(
        `the search with ${inWords(COMPARISON)} pays up to ${ms(extra.comparison)} more than its embedding alone takes` +
          (COMPARISON.threads !== 1
            ? ', consistent with its pool threads spinning after each run and competing with the kNN scan for ' +
              'the two cores (why it has a pass of its own)'
            : ''),
      );
    }
    if (extra.production > 3) {
      notes.push(
        `the production setting’s search pays up to ${ms(extra.production)} more than its embedding alone takes`,
      );
    }
    lines.push(
      `The query embedding adds ${list('embedHybrid')} ms at the production setting (${PRODUCTION_LABEL}) and ` +
        `${list('embedHybridFp32')} ms with ${inWords(COMPARISON)} (${embedRows.map((x) => count(x.size)).join(' / ')} ` +
        'chunks, one user owning all; p50 of embed + hybrid minus p50 of hybrid alone, so noisy)' +
        (alone.production && alone.comparison
          ? `; on its own (one query, no search) it takes ${ms(alone.production.times.p50)} ` +
            `(p99 ${ms(alone.production.times.p99)}) at the production setting and ` +
            `${ms(alone.comparison.times.p50)} (p99 ${ms(alone.comparison.times.p99)}) with ${inWords(COMPARISON)}`
          : '') +
        (notes.length > 0 ? `; ${notes.join(', and ')}` : '') +
        '.',
    );
  }

  const shared = big?.scopes.filter((r) => r.label.startsWith('shared')) ?? [];
  const quarter = big?.scopes.find((r) => r.label.includes('one collection'));
  if (big && shared.length === 2) {
    const [wide, narrow] = shared as [ScopeResult, ScopeResult];
    lines.push(
      `Scope filtering at ${count(big.size)}: a user searching only their own ` +
        `${count(narrow.visible)} chunks pays ${ms(narrow.times.vector!.p50)} for the kNN and ` +
        `${ms(narrow.times.keyword!.p50)} for BM25, against ${ms(wide.times.vector!.p50)} and ` +
        `${ms(wide.times.keyword!.p50)} with the shared collection included` +
        (narrow.times.vector!.p50 < wide.times.vector!.p50 / 3
          ? ' — the owner partitions spare a small scope the scan of everything'
          : ' — the narrow scope is not much cheaper, so the filter does not avoid the full scan') +
        (quarter
          ? `, whereas a collection filter inside one owner’s chunks is only a metadata check during the scan: ` +
            `the kNN over a quarter of them takes ${ms(quarter.times.vector!.p50)} of ${ms(top!.times.vector!.p50)}, ` +
            `and a hybrid search (50 candidates per retriever) ${ms(quarter.times.hybrid!.p50)} of ${ms(top!.times.hybrid!.p50)}`
          : '') +
        '.',
    );
  }

  const production = ingest.find(isProductionIngest);
  if (production) {
    const rate = (r: IngestResult) => r.rate;
    const met = (r: IngestResult) => r.rate >= TARGET.ingest;
    const minilmRows = ingest.filter((r) => r.embedder === 'minilm');
    const fastest = minilmRows.reduce((a, b) => (rate(b) > rate(a) ? b : a));
    const lexRate = Math.max(...ingest.filter((r) => r.embedder === 'lexical').map(rate));
    const setting = (r: IngestResult) => `${r.dtype}, batch ${r.batch}, ${threadsLabel(r.threads)}`;
    const range = (r: IngestResult) =>
      r.rateRange[0] !== r.rateRange[1] ? `, rounds ${fmt(r.rateRange[0], 1)}–${fmt(r.rateRange[1], 1)}` : '';
    const rounds = P.ingestRounds === 1 ? 'one round' : `median of ${P.ingestRounds} rounds`;
    const threadNote = (dtype: 'fp32' | 'q8') => {
      const rows = ingest.filter((r) => r.dtype === dtype && r.batch === Math.max(...P.ingestBatches));
      const one = rows.find((r) => r.threads === 1);
      const two = rows.find((r) => r.threads === 2);
      return one && two
        ? `${dtype} ${fmt(rate(two), 1)} chunks/s with 2 ONNX Runtime threads vs ${fmt(rate(one), 1)} with 1 ` +
            `(${fmt(two.cpuMs / two.ms, 2)} vs ${fmt(one.cpuMs / one.ms, 2)} cores busy)`
        : null;
    };
    const threads = [threadNote('fp32'), threadNote('q8')].filter(Boolean);
    lines.push(
      `Ingestion at the production setting (${setting(production)}): ${fmt(rate(production), 1)} chunks/s ` +
        `(${rounds}${range(production)}) against the ${TARGET.ingest} chunks/s target — ` +
        `**${met(production) ? 'met' : 'not met'}**` +
        (fastest !== production
          ? `; the fastest configuration measured, ${setting(fastest)}, does ${fmt(rate(fastest), 1)} chunks/s ` +
            `(${met(fastest) ? 'meets' : 'also short of'} the target, ${fmt(fastest.cpuMs / fastest.ms, 2)} cores busy)`
          : '') +
        `; the same pipeline with the lexical embedder does ${fmt(lexRate, 0)} chunks/s, so the encoder is the cost` +
        (threads.length > 0 ? ` (at batch ${Math.max(...P.ingestBatches)}: ${threads.join('; ')})` : '') +
        '.',
    );
    const gflop = production.gflopPerChunk!;
    const needed = TARGET.ingest * gflop;
    const peak = peakGflops();
    const fp32Twin = ingest.find(
      (r) =>
        r.embedder === 'minilm' &&
        r.dtype === 'fp32' &&
        r.batch === production.batch &&
        r.threads === production.threads,
    );
    lines.push(
      `Why: a chunk is ${fmt(production.bertTokens!, 0)} WordPiece tokens with its title and heading, ≈ ` +
        `${fmt(gflop, 1)} GFLOP through MiniLM-L6, so ${TARGET.ingest} chunks/s means ≈ ${fmt(needed, 0)} GFLOP/s of ` +
        'encoder arithmetic' +
        (peak > 0
          ? `, ${fmt(needed / peak, 1)}× the ≈ ${fmt(peak, 0)} GFLOP/s of fp32 these ${os.cpus().length} cores can do at all`
          : '') +
        `; the production setting gets through the equivalent of ${fmt(rate(production) * gflop, 0)} GFLOP/s on ` +
        `${threadsLabel(production.threads)} and is ${fmt(TARGET.ingest / rate(production), 1)}× short` +
        (fp32Twin && production.dtype !== 'fp32'
          ? ` (fp32 at the same batch and thread count: ${fmt(rate(fp32Twin), 1)} chunks/s, so int8 is ` +
            `${fmt(rate(production) / rate(fp32Twin), 1)}× faster here)`
          : '') +
        (production.dtype === 'q8'
          ? '. The hub model’s own q8 file has the same shapes and quantized ops but was not measured (it cannot ' +
            'be downloaded here)'
          : '') +
        '.',
    );
  }
  return lines;
}

// ---------------------------------------------------------------------------------------------------------

async function main() {
  const began = now();
  console.log(
    `rag: Node ${process.version}, ${os.cpus().length} CPUs, load ${LOAD_AT_START.map((l) => l.toFixed(2)).join(' ')}`,
  );
  const words = await loadWordModel(CONTENT_DIR);
  let modelDir: string | null = null;
  let modelNote: string;
  let tempModel: string | null = null;
  if (args['model-dir']) {
    modelDir = resolve(String(args['model-dir']));
    modelNote = `the model in \`--model-dir\` (fp32${P.q8 ? ' and q8' : ''}).`;
  } else {
    tempModel = await mkdtemp(join(os.tmpdir(), 'engify-rag-model-'));
    const generated = await generateMiniLmSizedModel(join(tempModel, 'model'), {
      wordsFrom: CONTENT_DIR,
      q8: P.q8,
    });
    if (generated.ok) {
      modelDir = generated.dir;
      modelNote =
        'random-weight BERT with all-MiniLM-L6-v2’s exact dimensions (hidden 384, 6 layers, 12 heads, ' +
        'intermediate 1536, 30,522-token vocabulary from `content/`), generated at run time by ' +
        `\`scripts/make-embedding-model.py --size minilm${P.q8 ? ' --dtype both' : ''}\` into a temp dir: the real ` +
        'compute cost of MiniLM, vectors without meaning.' +
        (P.q8
          ? ' q8 = `onnx/model_quantized.onnx` from the same weights: int8 dense layers (per-column scales) ' +
            'run as DynamicQuantizeLinear + MatMulInteger, which ONNX Runtime fuses on load, and an int8 ' +
            'word-embedding table — the layout of the hub model’s own quantized file.'
          : '');
    } else {
      modelNote = `**not available — only the lexical parts ran.** ${generated.reason}.`;
      console.warn(
        `\nrag: the MiniLM-size model could not be generated; running only the lexical parts.\n  ${generated.reason}\n`,
      );
    }
  }
  try {
    const countTokens = await loadDefaultTokenCounter();
    const sizes: SizeResult[] = [];
    let embedAlone: QueryEmbedResult[] = [];
    let modelSpread: number | null = null;
    if (!args['skip-retrieval']) {
      console.log('retrieval');
      for (const size of P.sizes) sizes.push(await runRetrievalSize(size, words, modelDir, countTokens));
      if (modelDir) {
        const queries = makeQueries(generateChunks(words, 50, P.seed + 7).chunks, P.queries, P.seed + 11);
        embedAlone = await measureQueryEmbedding(modelDir, queries);
        for (const e of embedAlone) console.log(`  query embed, ${e.label}: ${pct(e.times)} ms`);
        modelSpread = await vectorSpread(modelDir, words);
      }
    }
    const ingest: IngestResult[] = [];
    if (!args['skip-ingestion']) {
      console.log('ingestion');
      const gen = new TextGenerator(words, P.seed + 99);
      const docs = Array.from({ length: P.ingestDocs }, (_, i) => {
        const doc = gen.markdown(P.ingestDocWords);
        return { name: `guide-${i + 1}.md`, text: doc.text };
      });
      // One untimed pass first, so JIT compilation of the pipeline's code is not charged to the first row.
      await ingestOnce(
        { embedder: 'lexical', dtype: null, batch: 32, threads: null },
        docs.slice(0, 1),
        null,
      );
      // Rounds alternate the order (forward, backward, …) so a change in the machine's load while the
      // benchmark runs is spread over every configuration rather than landing on the last ones.
      const configs = ingestConfigs(modelDir);
      const runs = configs.map(() => [] as IngestResult[]);
      for (let round = 0; round < P.ingestRounds; round++) {
        const order = configs.map((_, i) => (round % 2 === 0 ? i : configs.length - 1 - i));
        for (const i of order) {
          const config = configs[i]!;
          const r = await ingestOnce(config, docs, modelDir);
          runs[i]!.push(r);
          console.log(
            `  ${config.embedder}${config.dtype ? ` ${config.dtype}` : ''} batch ${config.batch}` +
              `${config.threads ? `, ${config.threads} threads` : ''}: ${r.chunks} chunks, ` +
              `${fmt(perSecond(r.chunks, r.ms), 1)} chunks/s (embed ${fmt((r.embedMs / r.ms) * 100, 0)} %, load ${fmt(r.load, 2)})`,
          );
        }
      }
      for (const list of runs) {
        const sum = (pick: (r: IngestResult) => number) => list.reduce((total, r) => total + pick(r), 0);
        ingest.push({
          ...list[0]!,
          chunks: sum((r) => r.chunks),
          ms: sum((r) => r.ms),
          embedMs: sum((r) => r.embedMs),
          cpuMs: sum((r) => r.cpuMs),
          load: mean(list.map((r) => r.load)),
          rate: percentile(
            list.map((r) => r.rate),
            50,
          ),
          rateRange: [Math.min(...list.map((r) => r.rate)), Math.max(...list.map((r) => r.rate))],
        });
      }
    }
    const seconds = (now() - began) / 1000;
    const section = markdown({
      sizes,
      embedAlone,
      ingest,
      model: { ok: modelDir !== null, note: modelNote },
      seconds,
      words,
      loadEnd: load1(),
      modelSpread,
    });
    console.log(`\n${section}`);
    if (!args['no-write']) {
      const out = resolve(String(args.out));
      await updateSectionInFile(out, 'rag', section);
      console.log(`\nwrote section "rag" of ${out}`);
    }
  } finally {
    if (tempModel) await rm(tempModel, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
