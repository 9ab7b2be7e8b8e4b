import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteAccountStore } from '../src/adapters/sqlite/account-store.js';
import { openDatabase } from '../src/adapters/sqlite/database.js';

const run = promisify(execFile);

describe('npm run admin', () => {
  let dataDir: string;
  const admin = (args: string[], env: Record<string, string> = {}) =>
    run(process.execPath, ['--import', 'tsx', 'scripts/admin.ts', ...args], {
      env: { ...process.env, DATA_DIR: dataDir, ...env },
    });

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'engify-admin-'));
  });
  afterAll(async () => rm(dataDir, { recursive: true, force: true }));

  it('creates an admin with a one-time generated password, and promotes existing accounts', async () => {
    const created = await admin(['create', 'Ops@Example.com']);
    expect(created.stdout).toMatch(/Created admin ops@example.com/);
    expect(created.stdout).toMatch(/Password \(shown once.*\): \S{20,}/);

    const db = openDatabase(join(dataDir, 'engify.db'));
    const accounts = new SqliteAccountStore(db);
    await accounts.createUser({
      email: 'dev@example.com',
      name: null,
      passwordHash: null,
      role: 'user',
      tier: 'free',
    });
    expect((await accounts.findUserByEmail('dev@example.com'))?.role).toBe('user');
    await admin(['create', 'dev@example.com']);
    expect((await accounts.findUserByEmail('dev@example.com'))?.role).toBe('admin');
    db.close();

    const list = await admin(['list']);
    expect(list.stdout).toMatch(/ops@example.com\tadmin/);
    expect(list.stdout).toMatch(/dev@example.com\tadmin/);
  });

  it('refuses a bad email or a short password with a usage message', async () => {
    await expect(admin(['create', 'not-an-email'])).rejects.toMatchObject({ code: 2 });
    await expect(
      admin(['create', 'x@example.com'], { ENGIFY_ADMIN_PASSWORD: 'short' }),
    ).rejects.toMatchObject({
      code: 2,
    });
  });
});
