import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as sqliteVec from 'sqlite-vec';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Execution } from '../../ports/execution-store.js';
import { SqliteAccountStore } from './account-store.js';
import { migrate, openDatabase, type Db } from './database.js';
import { SqliteExecutionStore } from './execution-store.js';
import { migrations } from './migrations.js';

function execution(userId: string, createdAt: string, tokens: [number | null, number | null]): Execution {
  return {
    id: randomUUID(),
    userId,
    promptSlug: null,
    provider: 'openai',
    model: 'gpt-4o-mini',
    keyId: null,
    options: {},
    compareId: null,
    inputTokens: tokens[0],
    outputTokens: tokens[1],
    tokensEstimated: false,
    costUsd: null,
    priceVersion: null,
    latencyMs: null,
    ttftMs: null,
    status: tokens[0] === null ? 'running' : 'succeeded',
    errorCode: null,
    output: '',
    createdAt,
    finishedAt: null,
  };
}

/** What the quota used to compute: a plain sum over the day's executions. */
function summed(db: Db, userId: string, day: string): number {
  return db
    .prepare<[string, string], { n: number }>(
      `SELECT coalesce(sum(coalesce(input_tokens, 0) + coalesce(output_tokens, 0)), 0) AS n
         FROM executions WHERE user_id = ? AND substr(created_at, 1, 10) = ?`,
    )
    .get(userId, day)!.n;
}

const finished = (input: number | null, output: number | null) => ({
  inputTokens: input,
  outputTokens: output,
  tokensEstimated: false,
  costUsd: null,
  priceVersion: null,
  latencyMs: 10,
  ttftMs: 5,
  status: 'succeeded' as const,
  errorCode: null,
  output: 'x',
  finishedAt: new Date().toISOString(),
});

describe('SqliteExecutionStore daily token counters', () => {
  let dir: string;
  let db: Db;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'engify-exec-'));
    db = openDatabase(join(dir, 'engify.db'));
  });
  afterEach(async () => {
    db.close();
    await rm(dir, { recursive: true, force: true });
  });

  const user = async (email: string) =>
    (
      await new SqliteAccountStore(db).createUser({
        email,
        name: null,
        passwordHash: null,
        role: 'user',
        tier: 'free',
      })
    ).id;

  it('equals the sum of the day’s executions through inserts, finishes, re-finishes and deletes', async () => {
    const store = new SqliteExecutionStore(db);
    const users = [await user('a@example.com'), await user('b@example.com')];
    const days = ['2026-11-25', '2026-11-26'];
    const created: Execution[] = [];
    let seed = 42;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let step = 0; step < 300; step++) {
      const op = rand(10);
      if (op < 5 || created.length === 0) {
        const started = rand(2) === 0; // running rows have no tokens yet
        const e = execution(
          users[rand(2)]!,
          `${days[rand(2)]}T${String(rand(24)).padStart(2, '0')}:00:00.000Z`,
          started ? [null, null] : [rand(500), rand(2) === 0 ? null : rand(500)],
        );
        await store.create(e);
        created.push(e);
      } else if (op < 9) {
        const e = created[rand(created.length)]!;
        await store.finish(e.id, finished(rand(1000), rand(3) === 0 ? null : rand(1000)));
      } else {
        const e = created.splice(rand(created.length), 1)[0]!;
        db.prepare('DELETE FROM executions WHERE id = ?').run(e.id);
      }
    }
    for (const u of users) {
      for (const day of days) {
        const expected = summed(db, u, day);
        expect(await store.tokensOnDay(u, day)).toBe(expected);
      }
      expect(await store.tokensOnDay(u, '2026-11-24')).toBe(0);
    }
    expect(summed(db, users[0]!, days[0]!) + summed(db, users[0]!, days[1]!)).toBeGreaterThan(0);
  });

  it('answers from one counter row (no scan of the day’s executions)', () => {
    const plan = db
      .prepare('EXPLAIN QUERY PLAN SELECT tokens FROM token_usage_daily WHERE user_id = ? AND day = ?')
      .all('u', '2026-11-26') as { detail: string }[];
    expect(plan.map((p) => p.detail).join(' ')).toMatch(/SEARCH token_usage_daily USING PRIMARY KEY/);
  });

  it('is removed with its user', async () => {
    const store = new SqliteExecutionStore(db);
    const u = await user('gone@example.com');
    await store.create(execution(u, '2026-11-26T10:00:00.000Z', [3, 4]));
    expect(await store.tokensOnDay(u, '2026-11-26')).toBe(7);
    db.prepare('DELETE FROM users WHERE id = ?').run(u);
    const left = db.prepare('SELECT count(*) AS n FROM token_usage_daily WHERE user_id = ?').get(u) as {
      n: number;
    };
    expect(left.n).toBe(0);
  });
});

describe('migration 8 (daily token counters)', () => {
  it('backfills the counters from executions already stored', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'engify-mig8-'));
    const db = new Database(join(dir, 'engify.db'));
    try {
      sqliteVec.load(db);
      db.pragma('foreign_keys = ON');
      // A database as version 7 left it.
      db.exec(
        'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)',
      );
      for (const m of migrations.filter((m) => m.version <= 7)) {
        db.exec(m.sql);
        db.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)').run(m.version, m.name, 'then');
      }
      const u = await new SqliteAccountStore(db).createUser({
        email: 'old@example.com',
        name: null,
        passwordHash: null,
        role: 'user',
        tier: 'free',
      });
      const insert = db.prepare(
        `INSERT INTO executions (id, user_id, provider, model, options, input_tokens, output_tokens, status, created_at)
           VALUES (?, ?, 'openai', 'm', '{}', ?, ?, 'succeeded', ?)`,
      );
      insert.run('e1', u.id, 10, 5, '2026-11-25T23:59:59.999Z');
      insert.run('e2', u.id, 1, null, '2026-11-26T00:00:00.000Z');
      insert.run('e3', u.id, 100, 20, '2026-11-26T12:00:00.000Z');

      expect(migrate(db)).toContain(8);
      const store = new SqliteExecutionStore(db);
      expect(await store.tokensOnDay(u.id, '2026-11-25')).toBe(15);
      expect(await store.tokensOnDay(u.id, '2026-11-26')).toBe(121);
      // And the triggers keep counting from there.
      await store.finish('e2', finished(1, 9));
      expect(await store.tokensOnDay(u.id, '2026-11-26')).toBe(130);
    } finally {
      db.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
