import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordingLogger } from '../../../test/helpers/recording-logger.js';
import { createEmbedder, LexicalEmbedder, TransformersEmbedder } from './index.js';

const fixture = resolve('test/fixtures/embedding-model');

describe('createEmbedder', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'engify-create-embedder-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('falls back to the lexical embedder with one warning when the model directory does not exist', async () => {
    const logger = recordingLogger();
    const modelDir = join(dir, 'missing-model');
    const embedder = await createEmbedder(
      { modelId: 'Xenova/all-MiniLM-L6-v2', modelDir, allowRemote: true, cacheDir: join(dir, 'cache') },
      logger,
    );
    expect(embedder).toBeInstanceOf(LexicalEmbedder);
    expect(embedder.kind).toBe('lexical-fallback');
    expect(embedder.dimensions).toBe(384);
    expect(logger.entries).toHaveLength(1);
    const [entry] = logger.entries;
    expect(entry!.level).toBe('warn');
    expect(entry!.msg).toContain(modelDir);
    expect(entry!.msg).toMatch(/keywords, not meaning/);
    expect(entry!.msg).toContain('EMBEDDINGS_MODEL_DIR');
    expect(entry!.obj).toMatchObject({ embedder: 'lexical:v1', modelDir });
  });

  it('falls back when downloads are off and nothing is cached', async () => {
    const logger = recordingLogger();
    const embedder = await createEmbedder(
      { modelId: 'Xenova/all-MiniLM-L6-v2', allowRemote: false, cacheDir: join(dir, 'empty-cache') },
      logger,
    );
    expect(embedder.id).toBe('lexical:v1');
    expect(logger.entries.map((e) => e.level)).toEqual(['warn']);
    expect(logger.entries[0]!.msg).toMatch(/downloads are disabled/);
  });

  it('uses the model when it loads and has the expected size', async () => {
    const logger = recordingLogger();
    const embedder = await createEmbedder(
      {
        modelId: 'engify/tiny-random-bert',
        modelDir: fixture,
        allowRemote: false,
        cacheDir: join(dir, 'cache'),
        expectedDimensions: 32,
      },
      logger,
    );
    expect(embedder).toBeInstanceOf(TransformersEmbedder);
    expect(embedder.id).toBe('minilm:engify/tiny-random-bert');
    expect(embedder.dimensions).toBe(32);
    expect(await embedder.embed(['hello', 'world'])).toHaveLength(2);
    expect(logger.entries.filter((e) => e.level === 'warn')).toEqual([]);
    await (embedder as TransformersEmbedder).close();
  });

  it('does not use a model whose vectors have another size than the system stores', async () => {
    const logger = recordingLogger();
    const embedder = await createEmbedder(
      {
        modelId: 'engify/tiny-random-bert',
        modelDir: fixture,
        allowRemote: false,
        cacheDir: join(dir, 'cache'),
      },
      logger,
    );
    expect(embedder).toBeInstanceOf(LexicalEmbedder);
    expect(logger.entries).toHaveLength(1);
    expect(logger.entries[0]!.msg).toMatch(/32-dimensional vectors, 384 are needed/);
  });
});
