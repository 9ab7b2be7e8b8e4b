import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { AutoTokenizer } from '@huggingface/transformers';
import { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TransformersEmbedder } from './transformers.js';

// The committed test model (scripts/make-embedding-model.py --size tiny): random weights, so the
// vectors mean nothing, but tokenizer, ONNX graph and file layout are those of a real BERT export.
const fixture = resolve('test/fixtures/embedding-model');
const modelId = 'engify/tiny-random-bert';

const norm = (v: Float32Array): number => Math.hypot(...v);
const maxDiff = (a: Float32Array, b: Float32Array): number =>
  a.reduce((worst, value, i) => Math.max(worst, Math.abs(value - b[i]!)), 0);

const short = 'cache hit';
const long =
  'The worker reads each job from the queue, retries failed tasks, and writes the result to the database.';

describe('TransformersEmbedder on the committed test model', () => {
  let hidden: number;
  let embedder: TransformersEmbedder;

  beforeAll(async () => {
    hidden = (JSON.parse(await readFile(join(fixture, 'config.json'), 'utf8')) as { hidden_size: number })
      .hidden_size;
    embedder = new TransformersEmbedder({ modelId, localModelDir: fixture, batchSize: 2 });
    await embedder.load();
  });
  afterAll(() => embedder.close());

  it('names the model and takes its size from config.json', () => {
    expect(embedder.id).toBe(`minilm:${modelId}`);
    expect(embedder.kind).toBe('minilm');
    expect(embedder.dimensions).toBe(hidden);
    expect(new TransformersEmbedder({ modelId, localModelDir: fixture, dtype: 'q8' }).id).toBe(
      `minilm:${modelId}:q8`,
    );
  });

  it('returns one unit-length vector of the hidden size per text', async () => {
    const texts = [short, long, '', 'x'];
    const vectors = await embedder.embed(texts);
    expect(vectors).toHaveLength(texts.length);
    for (const vector of vectors) {
      expect(vector).toBeInstanceOf(Float32Array);
      expect(vector).toHaveLength(hidden);
      expect(norm(vector)).toBeCloseTo(1, 5);
    }
    expect(maxDiff(vectors[0]!, vectors[1]!)).toBeGreaterThan(1e-3);
  });

  it('mean-pools the last hidden states over the attention mask', async () => {
    // Independent of the embedder: the tokenizer's ids, ONNX Runtime on the same file, and the
    // pooling written out here.
    const tokenizer = await AutoTokenizer.from_pretrained(fixture, { local_files_only: true });
    const encoded = tokenizer([short, long], { padding: true, truncation: true }) as unknown as Record<
      'input_ids' | 'attention_mask' | 'token_type_ids',
      { data: BigInt64Array; dims: number[] }
    >;
    const [batch, sequence] = encoded.input_ids.dims as [number, number];
    const mask = encoded.attention_mask.data;
    expect(mask.slice(0, sequence).includes(0n)).toBe(true); // the short text really is padded

    const session = await InferenceSession.create(join(fixture, 'onnx/model.onnx'));
    const feeds = Object.fromEntries(
      (['input_ids', 'attention_mask', 'token_type_ids'] as const).map((name) => [
        name,
        new OrtTensor('int64', encoded[name].data, [batch, sequence]),
      ]),
    );
    const states = (await session.run(feeds)).last_hidden_state!.data as Float32Array;
    await session.release();

    const pooled = (row: number, useMask: boolean): Float32Array => {
      const sum = new Float32Array(hidden);
      let count = 0;
      for (let s = 0; s < sequence; s++) {
        if (useMask && mask[row * sequence + s] === 0n) continue;
        count++;
        for (let h = 0; h < hidden; h++) sum[h]! += states[(row * sequence + s) * hidden + h]!;
      }
      const scaled = sum.map((value) => value / count);
      const length = norm(scaled);
      return scaled.map((value) => value / length);
    };

    const [shortVector, longVector] = await embedder.embed([short, long]);
    expect(maxDiff(shortVector!, pooled(0, true))).toBeLessThan(1e-5);
    expect(maxDiff(longVector!, pooled(1, true))).toBeLessThan(1e-5);
    // Pooling that ignored the mask would give a clearly different vector for the padded text.
    expect(maxDiff(pooled(0, false), pooled(0, true))).toBeGreaterThan(1e-3);
  });

  it('gives a text the same vector alone and padded in a batch', async () => {
    const [alone] = await embedder.embed([short]);
    const [, padded] = await embedder.embed([long, short]);
    expect(maxDiff(alone!, padded!)).toBeLessThan(1e-5);
  });

  it('keeps the input order across batches', async () => {
    const texts = ['one', long, 'two words', `${long} ${long}`, 'three'];
    const together = await embedder.embed(texts);
    const separately = await Promise.all(texts.map(async (text) => (await embedder.embed([text]))[0]!));
    together.forEach((vector, i) => expect(maxDiff(vector, separately[i]!)).toBeLessThan(1e-5));
    expect(await embedder.embed([])).toEqual([]);
  });

  it('cuts texts longer than the model accepts instead of failing', async () => {
    const [vector] = await embedder.embed(['word '.repeat(2000)]);
    expect(norm(vector!)).toBeCloseTo(1, 5);
  });
});

describe('TransformersEmbedder loading', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'engify-embedder-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('reads nothing until first used, then loads once for concurrent callers', async () => {
    const modelDir = join(dir, 'model');
    const embedder = new TransformersEmbedder({ modelId, localModelDir: modelDir });
    expect(() => embedder.dimensions).toThrow(/load/);
    expect(await embedder.embed([])).toEqual([]);
    // The directory only appears after construction: a constructor that loaded would have failed.
    await cp(fixture, modelDir, { recursive: true });
    const first = embedder.load();
    expect(embedder.load()).toBe(first);
    const [a, b] = await Promise.all([embedder.embed(['alpha']), embedder.embed(['beta'])]);
    expect(a).toHaveLength(1);
    expect(b).toHaveLength(1);
    expect(embedder.load()).toBe(first);
    await embedder.close();
  });

  it('rejects with the reason when the directory lacks the model, and can try again later', async () => {
    const modelDir = join(dir, 'incomplete');
    const embedder = new TransformersEmbedder({ modelId, localModelDir: modelDir });
    await expect(embedder.load()).rejects.toThrow(/lacks config\.json, tokenizer\.json/);
    await cp(join(fixture, 'config.json'), join(modelDir, 'config.json'));
    await cp(join(fixture, 'tokenizer.json'), join(modelDir, 'tokenizer.json'));
    await cp(join(fixture, 'tokenizer_config.json'), join(modelDir, 'tokenizer_config.json'));
    await expect(embedder.embed(['x'])).rejects.toThrow(/lacks onnx\/model\.onnx/);
    await cp(join(fixture, 'onnx'), join(modelDir, 'onnx'), { recursive: true });
    await expect(embedder.embed(['x'])).resolves.toHaveLength(1);
    await embedder.close();
  });

  it('wants onnx/model_quantized.onnx for dtype q8', async () => {
    const embedder = new TransformersEmbedder({ modelId, localModelDir: fixture, dtype: 'q8' });
    await expect(embedder.load()).rejects.toThrow(/lacks onnx\/model_quantized\.onnx/);
  });

  it('fails fast when downloads are off and the model is not in the cache', async () => {
    const embedder = new TransformersEmbedder({ modelId, cacheDir: join(dir, 'cache'), allowRemote: false });
    await expect(embedder.load()).rejects.toThrow(/not in the download cache .* downloads are disabled/);
  });

  it('loads a model from the download cache without downloading', async () => {
    const cacheDir = join(dir, 'cache-filled');
    await cp(fixture, join(cacheDir, modelId), { recursive: true });
    const embedder = new TransformersEmbedder({ modelId, cacheDir, allowRemote: false });
    await expect(embedder.embed(['cached'])).resolves.toHaveLength(1);
    await embedder.close();
  });

  describe('from a hub that never answers', () => {
    let server: Server;
    let port: number;
    const sockets = new Set<Socket>();
    beforeAll(async () => {
      // Accepts connections and reads requests, but never sends a byte back.
      server = createServer((socket) => {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
        socket.resume();
      });
      await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
      port = (server.address() as { port: number }).port;
    });
    afterAll(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((done) => server.close(done));
    });

    it('gives up after the request timeout instead of hanging', async () => {
      const embedder = new TransformersEmbedder({
        modelId,
        cacheDir: join(dir, 'hub-cache'),
        allowRemote: true,
        remoteHost: `http://127.0.0.1:${port}/`,
        requestTimeoutMs: 200,
      });
      await expect(embedder.load()).rejects.toThrow(
        /from the hub: .*no response from http:\/\/127\.0\.0\.1:\d+\/.* within 200 ms/,
      );
      expect(sockets.size).toBeGreaterThan(0); // it really asked this server
    });
  });
});
