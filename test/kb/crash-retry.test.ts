import Database from 'better-sqlite3';
import { fork } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as sqliteVec from 'sqlite-vec';
import { createLogger } from '../../src/adapters/log/pino.js';
import { loadConfig } from '../../src/config.js';
import { processSqsEvent } from '../../src/runtime/lambda-worker.js';
import { createServices, type Services } from '../../src/services.js';
import { FIXTURE_CONTENT } from '../helpers/app.js';

// A worker killed in the middle of a job (SIGKILL: no cleanup) must lead to a retry that finishes
// the document with every chunk exactly once — in the table, the keyword index and the vectors.

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function services(dataDir: string, env: Record<string, string> = {}): Promise<Services> {
  const config = loadConfig({
    DATA_DIR: dataDir,
    CONTENT_DIR: FIXTURE_CONTENT,
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    EMBEDDINGS_ALLOW_REMOTE: 'false',
    JOB_VISIBILITY_MS: '1000',
    ...env,
  });
  return createServices(config, createLogger('silent'));
}

/** A long Markdown document: many sections, so ingestion has many batches. */
function bigDocument(sections: number): string {
  const parts = ['# Field notes'];
  for (let i = 0; i < sections; i++) {
    parts.push(`## Observation ${i}`);
    parts.push(
      Array.from(
        { length: 12 },
        (_, j) => `Sensor ${i}-${j} reported a reading of ${(i * 31 + j * 7) % 97} units near gate ${j % 5}.`,
      ).join(' '),
    );
  }
  return parts.join('\n\n');
}

async function until<T>(read: () => T, done: (value: T) => boolean, timeoutMs = 60_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = read();
    if (done(value)) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out; last value ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('ingestion crash and retry', () => {
  it('finishes a document after its worker is killed mid-job, without duplicate chunks', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'engify-crash-'));
    dirs.push(dataDir);
    // Enqueue the job with no worker running.
    const setup = await services(dataDir, { KB_WORKER: 'off' });
    await setup.backgroundReady;
    const user = await setup.accounts.createUser({
      email: 'crash@example.com',
      name: null,
      passwordHash: null,
      role: 'user',
      tier: 'free',
    });
    const { document } = await setup.kb.upload(user.id, {
      filename: 'field-notes.md',
      bytes: new TextEncoder().encode(bigDocument(400)),
    });
    await setup.close();

    const db = new Database(join(dataDir, 'engify.db'));
    sqliteVec.load(db);
    const progress = () =>
      db
        .prepare<[string], { status: string; done: number; total: number }>(
          'SELECT status, chunks_done AS done, chunks_total AS total FROM kb_documents WHERE id = ?',
        )
        .get(document.id)!;

    const child = fork(join(import.meta.dirname, 'ingest-worker.ts'), [dataDir, FIXTURE_CONTENT], {
      execArgv: ['--import', 'tsx'],
      stdio: 'ignore',
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    await until(progress, (p) => p.done > 0);
    child.kill('SIGKILL');
    await exited;
    const afterKill = progress();
    expect(afterKill.status).toBe('processing');
    // Killed part-way: some chunks written, not all (otherwise this test proves nothing).
    expect(afterKill.done).toBeLessThan(afterKill.total);
    const chunksAtKill = db
      .prepare('SELECT count(*) AS n FROM kb_chunks WHERE document_id = ?')
      .get(document.id) as {
      n: number;
    };
    expect(chunksAtKill.n).toBeGreaterThan(0);

    // A new worker picks the job up once its lease (1 s) runs out and redoes it from the start.
    const retry = await services(dataDir, { KB_WORKER: 'inline' });
    try {
      const finished = await until(progress, (p) => p.status === 'ready' || p.status === 'failed');
      expect(finished.status).toBe('ready');
      expect(finished.done).toBe(finished.total);
      const count = (sql: string) => (db.prepare(sql).get(document.id) as { n: number }).n;
      expect(count('SELECT count(*) AS n FROM kb_chunks WHERE document_id = ?')).toBe(finished.total);
      expect(count('SELECT count(DISTINCT ordinal) AS n FROM kb_chunks WHERE document_id = ?')).toBe(
        finished.total,
      );
      // The keyword index: every chunk matches "sensor reported", each exactly once.
      const keyword = await retry.kb.search(user.id, {
        query: 'sensor reported',
        topK: 10 * finished.total,
        mode: 'keyword',
      });
      const keywordIds = keyword.results.map((r) => r.chunkId);
      expect(keywordIds).toHaveLength(finished.total);
      expect(new Set(keywordIds).size).toBe(finished.total);
      expect(count("SELECT count(*) AS n FROM kb_vectors WHERE document_id = ? AND owner != ''")).toBe(
        finished.total,
      );
      // Searching returns each chunk once.
      const { results } = await retry.kb.search(user.id, {
        query: 'Sensor 7-3 reported a reading near gate 3',
        topK: 20,
        mode: 'hybrid',
      });
      const ids = results.map((r) => r.chunkId);
      expect(new Set(ids).size).toBe(ids.length);
      // The job ran twice and is gone from the queue (not dead-lettered).
      expect(await retry.queue.stats()).toEqual({ queued: 0, inFlight: 0, deadLettered: 0 });
    } finally {
      await retry.close();
      db.close();
    }
  }, 120_000);
});

describe('a job whose worker dies on its last attempt', () => {
  it('is dead-lettered and its document marked failed, so the user can upload it again', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'engify-expired-'));
    dirs.push(dataDir);
    const s = await services(dataDir, { KB_WORKER: 'off', JOB_MAX_ATTEMPTS: '1' });
    try {
      await s.backgroundReady;
      const user = await s.accounts.createUser({
        email: 'expired@example.com',
        name: null,
        passwordHash: null,
        role: 'user',
        tier: 'free',
      });
      // Drop the built-in documents' jobs: only ours matters here.
      for (let jobs = await s.queue.receive(50); jobs.length; jobs = await s.queue.receive(50)) {
        for (const job of jobs) await s.queue.complete(job);
      }
      const bytes = new TextEncoder().encode('# Notes\n\nA worker will die while reading this.');
      const { document } = await s.kb.upload(user.id, { filename: 'notes.md', bytes });
      // A worker leases the job and dies: no complete, no fail.
      expect(await s.queue.receive(1, 1000)).toHaveLength(1);
      await new Promise((resolve) => setTimeout(resolve, 1100));
      expect(await s.queue.receive(1)).toEqual([]); // the expired lease is dead-lettered instead
      expect((await s.queue.stats()).deadLettered).toBe(1);
      const failed = await s.kb.get(user.id, document.id);
      expect(failed.status).toBe('failed');
      expect(failed.error).toMatch(/lease expired/);
      const again = await s.kb.upload(user.id, { filename: 'notes.md', bytes });
      expect(again.duplicate).toBe(false);
    } finally {
      await s.close();
    }
  });
});

describe('lambda worker', () => {
  it('runs SQS records through the same handler and reports only the failed ones', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'engify-lambda-worker-'));
    dirs.push(dataDir);
    const s = await services(dataDir, { KB_WORKER: 'off' });
    try {
      await s.backgroundReady;
      const user = await s.accounts.createUser({
        email: 'lambda@example.com',
        name: null,
        passwordHash: null,
        role: 'user',
        tier: 'free',
      });
      const { document } = await s.kb.upload(user.id, {
        filename: 'notes.md',
        bytes: new TextEncoder().encode('# Notes\n\nThe deploy freeze starts on Friday at noon.'),
      });
      const record = (id: string, body: string, type?: string) => ({
        messageId: id,
        receiptHandle: `receipt-${id}`,
        body,
        attributes: { ApproximateReceiveCount: '1' },
        messageAttributes: type ? { type: { stringValue: type, dataType: 'String' } } : {},
      });
      const response = await processSqsEvent(s, {
        Records: [
          record('m1', JSON.stringify({ documentId: document.id }), 'kb.ingest'),
          record('m2', 'not json', 'kb.ingest'),
          record('m3', JSON.stringify({ documentId: document.id })),
        ],
      });
      expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'm2' }, { itemIdentifier: 'm3' }]);
      expect((await s.kb.get(user.id, document.id)).status).toBe('ready');
    } finally {
      await s.close();
    }
  });
});
