import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from './database.js';
import { SqliteJobQueue, backoffDelayMs, type SqliteJobQueueOptions } from './job-queue.js';

const START = Date.UTC(2025, 0, 1);
const MINUTE = 60_000;

describe('backoffDelayMs', () => {
  const opts = { baseMs: 1_000, maxMs: 60_000 };

  it('stays between half and all of base * 2^(attempt-1), capped at maxMs', () => {
    const low = (a: number) => backoffDelayMs(a, opts, () => 0);
    const high = (a: number) => backoffDelayMs(a, opts, () => 0.999999);
    expect([1, 2, 3, 4, 5, 6, 7, 8, 20, 2000].map(low)).toEqual([
      500, 1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000, 30_000,
    ]);
    expect([1, 2, 3, 4, 5, 6, 7, 8, 20, 2000].map(high)).toEqual([
      1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000, 60_000, 60_000,
    ]);
  });

  it('spreads retries over the jitter window', () => {
    const draws = [0.1, 0.5, 0.9];
    expect(draws.map((d) => backoffDelayMs(3, opts, () => d))).toEqual([2_200, 3_000, 3_800]);
  });
});

describe('SqliteJobQueue', () => {
  let dir: string;
  let file: string;
  let db: Db;
  let clock: number;
  const extraDbs: Db[] = [];

  const queue = (options: SqliteJobQueueOptions = {}, on: Db = db) =>
    new SqliteJobQueue(on, { now: () => clock, random: () => 0.5, ...options });
  const rowOf = (id: string) =>
    db
      .prepare<[string], { attempts: number; available_at: number }>('SELECT * FROM jobs WHERE id = ?')
      .get(id);
  const connect = () => {
    const other = openDatabase(file);
    extraDbs.push(other);
    return other;
  };

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'engify-jobs-'));
    file = join(dir, 'engify.db');
    db = openDatabase(file);
    clock = START;
  });
  afterEach(async () => {
    for (const other of extraDbs.splice(0)) other.close();
    db.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('delivers a job once with its type and a JSON round trip of the payload, then complete removes it', async () => {
    const q = queue();
    const payload = {
      doc: 'd-1',
      chunks: [1, 2.5, -3],
      nested: { ok: true, none: null },
      text: 'naïve ✓ 日本',
    };
    const id = await q.enqueue('ingest', payload);
    expect(await q.stats()).toEqual({ queued: 1, inFlight: 0, deadLettered: 0 });

    const [job, ...rest] = await q.receive(10);
    expect(rest).toEqual([]);
    expect(job).toMatchObject({ id, type: 'ingest', payload, attempt: 1 });
    expect(job!.receipt).toEqual(expect.any(String));
    expect(await q.receive(10)).toEqual([]); // hidden while leased
    expect(await q.stats()).toEqual({ queued: 0, inFlight: 1, deadLettered: 0 });

    await q.complete(job!);
    expect(await q.stats()).toEqual({ queued: 0, inFlight: 0, deadLettered: 0 });
    clock += 60 * MINUTE;
    expect(await q.receive(10)).toEqual([]);
  });

  it('keeps scalar and absent payloads as JSON values', async () => {
    const q = queue();
    for (const payload of ['text', 42, false, null, undefined, [{}]]) await q.enqueue('t', payload);
    expect((await q.receive(10)).map((j) => j.payload)).toEqual(['text', 42, false, null, null, [{}]]);
  });

  it('hands out due jobs in arrival order, at most `max` at a time', async () => {
    const q = queue();
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push(await q.enqueue('t', { i }));
    expect((await q.receive(2)).map((j) => j.id)).toEqual(ids.slice(0, 2));
    expect((await q.receive(0)).map((j) => j.id)).toEqual([]);
    expect((await q.receive(10)).map((j) => j.id)).toEqual(ids.slice(2));
  });

  it('honours delayMs', async () => {
    const q = queue();
    const later = await q.enqueue('t', 'later', { delayMs: 30_000 });
    const now = await q.enqueue('t', 'now');
    expect((await q.receive(10)).map((j) => j.id)).toEqual([now]);
    clock += 29_999;
    expect(await q.receive(10)).toEqual([]);
    expect(await q.stats()).toMatchObject({ queued: 1, inFlight: 1 });
    clock += 1;
    expect((await q.receive(10)).map((j) => j.id)).toEqual([later]);
  });

  it('delivers again with attempt + 1 and a new receipt once the lease expires', async () => {
    const q = queue({ visibilityMs: 10_000 });
    const id = await q.enqueue('t', {});
    const [first] = await q.receive(1);
    clock += 9_999;
    expect(await q.receive(1)).toEqual([]);
    clock += 1;
    expect(await q.stats()).toEqual({ queued: 1, inFlight: 0, deadLettered: 0 });
    const [second] = await q.receive(1, 2_000); // a per-call visibility overrides the default
    expect(second).toMatchObject({ id, attempt: 2 });
    expect(second!.receipt).not.toBe(first!.receipt);
    clock += 2_000;
    expect(await q.receive(1)).toMatchObject([{ id, attempt: 3 }]);
    expect(rowOf(id)?.attempts).toBe(3);
  });

  it('ignores complete and fail with a stale receipt; the current holder still decides', async () => {
    const q = queue({ visibilityMs: 1_000 });
    const id = await q.enqueue('t', {});
    const [stale] = await q.receive(1);
    clock += 1_000;
    const [current] = await q.receive(1);
    expect(current).toMatchObject({ id, attempt: 2 });

    await q.complete(stale!);
    await q.fail(stale!, 'late failure');
    expect(await q.stats()).toEqual({ queued: 0, inFlight: 1, deadLettered: 0 });
    expect(rowOf(id)).toMatchObject({ attempts: 2, available_at: clock + 1_000 });

    await q.complete(current!);
    expect(rowOf(id)).toBeUndefined();
    await q.complete(current!); // completing twice is harmless
    await q.fail(current!, 'after completion'); // so is failing a job that is gone
    expect(await q.stats()).toEqual({ queued: 0, inFlight: 0, deadLettered: 0 });
  });

  it('still completes a job whose lease ran out while nobody re-leased it', async () => {
    const q = queue({ visibilityMs: 1_000 });
    await q.enqueue('t', {});
    const [job] = await q.receive(1);
    clock += 5_000;
    await q.complete(job!);
    expect(await q.receive(1)).toEqual([]);
  });

  it('retries a failed job after a backoff that grows per attempt and is bounded', async () => {
    const q = queue({ maxAttempts: 10, backoffBaseMs: 1_000, backoffMaxMs: 8_000, random: () => 0.5 });
    const id = await q.enqueue('t', {});
    const delays: number[] = [];
    for (let attempt = 1; attempt <= 6; attempt++) {
      const [job] = await q.receive(1);
      expect(job).toMatchObject({ id, attempt });
      await q.fail(job!, `boom ${attempt}`);
      const delay = rowOf(id)!.available_at - clock;
      delays.push(delay);
      clock += delay - 1;
      expect(await q.receive(1)).toEqual([]); // not before the backoff is over
      expect(await q.stats()).toEqual({ queued: 1, inFlight: 0, deadLettered: 0 });
      clock += 1;
    }
    // Equal jitter at 0.5: three quarters of min(8 s, 1 s * 2^(attempt-1)).
    expect(delays).toEqual([750, 1_500, 3_000, 6_000, 6_000, 6_000]);
  });

  it('dead-letters after maxAttempts failures with the last error, newest first', async () => {
    const q = queue({ maxAttempts: 3 });
    const first = await q.enqueue('ingest', { n: 1 });
    for (let attempt = 1; attempt <= 3; attempt++) {
      const [job] = await q.receive(1);
      expect(job).toMatchObject({ id: first, attempt });
      await q.fail(job!, `error ${attempt}`);
      clock += 10 * MINUTE;
    }
    expect(await q.receive(10)).toEqual([]);
    const second = await q.enqueue('embed', 'two');
    for (let attempt = 1; attempt <= 3; attempt++) {
      await q.fail((await q.receive(1))[0]!, `other ${attempt}`);
      clock += 10 * MINUTE;
    }

    expect(await q.stats()).toEqual({ queued: 0, inFlight: 0, deadLettered: 2 });
    expect(await q.deadLetters(10)).toEqual([
      {
        id: second,
        type: 'embed',
        payload: 'two',
        attempts: 3,
        lastError: 'other 3',
        failedAt: new Date(clock - 10 * MINUTE).toISOString(),
      },
      {
        id: first,
        type: 'ingest',
        payload: { n: 1 },
        attempts: 3,
        lastError: 'error 3',
        failedAt: new Date(START + 20 * MINUTE).toISOString(),
      },
    ]);
    expect((await q.deadLetters(1)).map((d) => d.id)).toEqual([second]);
    expect(await q.deadLetters(0)).toEqual([]);
  });

  it('ends a crash loop: after maxAttempts expired leases the next receive dead-letters the job', async () => {
    const q = queue({ maxAttempts: 3, visibilityMs: 1_000 });
    const id = await q.enqueue('poison', { big: true });
    expect(await q.receive(1)).toMatchObject([{ id, attempt: 1 }]);
    clock += 1_000; // the worker died: the lease runs out
    const [second] = await q.receive(1);
    expect(second).toMatchObject({ id, attempt: 2 });
    await q.fail(second!, 'out of memory'); // remembered as the previous error
    clock += 10 * MINUTE;
    expect(await q.receive(1)).toMatchObject([{ id, attempt: 3 }]);
    clock += 1_000; // died again, on the last allowed attempt
    const other = await q.enqueue('fine', {});
    expect(await q.stats()).toEqual({ queued: 2, inFlight: 0, deadLettered: 0 });
    expect((await q.receive(10)).map((j) => j.id)).toEqual([other]);
    const [dead] = await q.deadLetters(10);
    expect(dead).toMatchObject({ id, type: 'poison', payload: { big: true }, attempts: 3 });
    expect(dead!.lastError).toMatch(/lease expired on attempt 3/);
    expect(dead!.lastError).toMatch(/previous error: out of memory/);
    expect(await q.stats()).toEqual({ queued: 0, inFlight: 1, deadLettered: 1 });
  });

  it('retryDeadLetter puts a dead letter back with a fresh attempt count', async () => {
    const q = queue({ maxAttempts: 1 });
    const id = await q.enqueue('t', { x: 1 });
    await q.fail((await q.receive(1))[0]!, 'bad');
    expect(await q.retryDeadLetter('no-such-id')).toBe(false);
    expect(await q.retryDeadLetter(id)).toBe(true);
    expect(await q.deadLetters(10)).toEqual([]);
    expect(await q.receive(1)).toMatchObject([{ id, type: 't', payload: { x: 1 }, attempt: 1 }]);
    expect(await q.retryDeadLetter(id)).toBe(false);
  });

  it('is durable: jobs, leases and dead letters survive reopening the file', async () => {
    const q = queue({ maxAttempts: 1 });
    const waiting = await q.enqueue('t', 'waiting');
    const leased = await q.enqueue('t', 'leased');
    await q.enqueue('t', 'dead');
    await q.fail((await q.receive(1, 1_000))[0]!, 'x'); // 'waiting' goes to dead letters
    const [held] = await q.receive(1, 1_000);
    expect(held!.id).toBe(leased);
    db.close();

    db = openDatabase(file);
    const reopened = queue({ maxAttempts: 2 });
    expect(await reopened.stats()).toEqual({ queued: 1, inFlight: 1, deadLettered: 1 });
    expect((await reopened.deadLetters(5)).map((d) => d.id)).toEqual([waiting]);
    clock += 1_000;
    const again = await reopened.receive(10);
    expect(again.map((j) => [j.payload, j.attempt])).toEqual([
      ['dead', 1],
      ['leased', 2],
    ]);
  });

  it('rejects nonsensical options', () => {
    expect(() => queue({ maxAttempts: 0 })).toThrow(RangeError);
    expect(() => queue({ visibilityMs: -1 })).toThrow(RangeError);
    expect(() => queue({ backoffMaxMs: Number.NaN })).toThrow(RangeError);
  });

  it('two instances on two connections to one file, receiving interleaved, lease each job exactly once', async () => {
    const a = queue({}, db);
    const b = queue({}, connect());
    const ids = new Set<string>();
    for (let i = 0; i < 200; i++) ids.add(await (i % 2 ? a : b).enqueue('t', { i }));

    const seen: string[] = [];
    const sizes = [1, 3, 2, 7];
    for (let round = 0; ; round++) {
      const batches = await Promise.all([a.receive(sizes[round % 4]!), b.receive(sizes[(round + 1) % 4]!)]);
      if (batches.every((batch) => batch.length === 0)) break;
      for (const batch of batches) seen.push(...batch.map((j) => j.id));
      // Half of what b received is completed through a, which holds no lease but shares the file.
      for (const job of batches[1]!.filter((_, k) => k % 2 === 0)) await a.complete(job);
    }
    expect(seen).toHaveLength(200);
    expect(new Set(seen)).toEqual(ids);
    const attempts = db.prepare<[], { attempts: number }>('SELECT attempts FROM jobs').all();
    expect(attempts.every((r) => r.attempts === 1)).toBe(true);
    expect(attempts.length).toBeLessThan(200);
  });

  it('three processes on one file, receiving concurrently, never get the same job', async () => {
    const q = queue();
    const total = 200;
    for (let i = 0; i < total; i++) await q.enqueue('t', { i });

    const workers = Array.from({ length: 3 }, () => receiverProcess(file));
    await Promise.all(workers.map((w) => w.ready));
    for (const w of workers) w.go();
    const received = await Promise.all(workers.map((w) => w.done));

    const all = received.flat();
    expect(all).toHaveLength(total);
    expect(new Set(all).size).toBe(total);
    const counts = db
      .prepare<[], { n: number; max: number }>('SELECT COUNT(*) AS n, MAX(attempts) AS max FROM jobs')
      .get();
    expect(counts).toEqual({ n: total, max: 1 });
  });
});

// A separate Node process with its own connection that leases one job at a time (real clock, 5-minute
// leases) until none is due, and prints the ids it got.
const RECEIVER = `
const [queueModule, dbModule, file] = process.argv.slice(1);
const { SqliteJobQueue } = await import(queueModule);
const { openDatabase } = await import(dbModule);
const db = openDatabase(file);
const queue = new SqliteJobQueue(db);
process.stdout.write('ready\\n');
await new Promise((resolve) => process.stdin.once('data', resolve));
const ids = [];
for (;;) {
  const jobs = await queue.receive(1);
  if (jobs.length === 0) break;
  ids.push(jobs[0].id);
}
db.close();
process.stdout.write(JSON.stringify(ids) + '\\n');
process.exit(0);
`;

function receiverProcess(file: string) {
  const here = (name: string) => fileURLToPath(new URL(name, import.meta.url));
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      '--input-type=module',
      '-e',
      RECEIVER,
      here('./job-queue.ts'),
      here('./database.ts'),
      file,
    ],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: string) => {
      out += d;
      if (out.startsWith('ready\n')) resolve();
    });
    child.on('exit', () => reject(new Error(`receiver exited before it was ready: ${err}`)));
  });
  const done = new Promise<string[]>((resolve, reject) => {
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`receiver exited with ${code}: ${err}`));
      resolve(JSON.parse(out.slice('ready\n'.length)) as string[]);
    });
  });
  return { ready, done, go: () => child.stdin.end('go\n') };
}
