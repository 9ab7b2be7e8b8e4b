import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SqliteCatalogStore } from '../../src/adapters/sqlite/catalog-store.js';
import { openDatabase } from '../../src/adapters/sqlite/database.js';
import { migrations } from '../../src/adapters/sqlite/migrations.js';
import { FsContentSource } from '../../src/adapters/fs/content-source.js';
import { validateCatalog } from '../../src/features/catalog/validate.js';
import { FIXTURE_CONTENT } from '../helpers/app.js';
import { catalogStoreContract } from './catalog-store.contract.js';

async function tempDb() {
  const dir = await mkdtemp(join(tmpdir(), 'engify-sqlite-'));
  return { file: join(dir, 'engify.db'), cleanup: () => rm(dir, { recursive: true, force: true }) };
}

catalogStoreContract('sqlite', async () => {
  const { file, cleanup } = await tempDb();
  const store = new SqliteCatalogStore(openDatabase(file));
  return {
    store,
    dispose: async () => {
      await store.close();
      await cleanup();
    },
  };
});

describe('SQLite adapter specifics', () => {
  it('uses WAL and applies each migration once, also on reopen', async () => {
    const { file, cleanup } = await tempDb();
    const db = openDatabase(file);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    const applied = db.prepare('SELECT version FROM schema_migrations ORDER BY version').all();
    expect(applied).toEqual(migrations.map((m) => ({ version: m.version })));
    db.close();
    const again = openDatabase(file);
    expect(again.prepare('SELECT count(*) AS n FROM schema_migrations').get()).toEqual({
      n: migrations.length,
    });
    again.close();
    await cleanup();
  });

  it('never touches user-created prompts when built-ins are synced, even on a slug clash', async () => {
    const { file, cleanup } = await tempDb();
    const db = openDatabase(file);
    const store = new SqliteCatalogStore(db);
    const content = validateCatalog(await new FsContentSource(FIXTURE_CONTENT).read());
    await store.syncBuiltins(content);
    // A user prompt, written the way the user-prompt feature will write it.
    const insertUser = db.prepare(
      `INSERT INTO prompts (slug, source, title, description, category, difficulty, roles, tags, patterns,
         variables, template, content_hash, created_at, updated_at)
       VALUES (?, 'user', ?, 'mine', 'debugging', 'beginner', '[]', '[]', '[]', '[]', 'x', '', 't', 't')`,
    );
    insertUser.run('my-own-prompt', 'My own prompt');
    // A release that ships a built-in with a slug the user already has, and drops another built-in.
    const next = structuredClone(content);
    next.prompts.push({
      ...structuredClone(next.prompts[0]!),
      slug: 'my-own-prompt',
      title: 'Built-in clash',
    });
    next.prompts = next.prompts.filter((p) => p.slug !== 'flaky-test');
    const report = await store.syncBuiltins(next);
    expect(report.prompts.skipped).toEqual(['my-own-prompt']);
    expect(report.prompts.deleted).toBe(1);
    const mine = await store.getPrompt('my-own-prompt');
    expect(mine).toMatchObject({ source: 'user', title: 'My own prompt', description: 'mine' });
    await store.close();
    await cleanup();
  });
});
