// Account administration from the command line (works on the local SQLite store):
//   npm run admin -- create <email>    create an admin account, or make an existing account admin
//   npm run admin -- list              list accounts
// The password for a new account comes from ENGIFY_ADMIN_PASSWORD, or is generated and printed once.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { z } from 'zod';
import { Argon2PasswordHasher } from '../src/adapters/argon2/password-hasher.js';
import { SqliteAccountStore } from '../src/adapters/sqlite/account-store.js';
import { openDatabase } from '../src/adapters/sqlite/database.js';
import { ConfigError, loadConfig } from '../src/config.js';

const usage = 'usage: npm run admin -- create <email> | list';

async function main(args: string[]): Promise<number> {
  const config = loadConfig();
  const db = openDatabase(join(config.dataDir, 'engify.db'));
  const accounts = new SqliteAccountStore(db);
  try {
    const [command, email] = args;
    if (command === 'list') {
      const { items } = await accounts.listUsers({ limit: 1000, offset: 0 });
      for (const u of items) console.log(`${u.email}\t${u.role}\t${u.tier}\t${u.createdAt}`);
      return 0;
    }
    if (command !== 'create' || !email || !z.email().safeParse(email).success) {
      console.error(usage);
      return 2;
    }
    const normalized = email.toLowerCase();
    const existing = await accounts.findUserByEmail(normalized);
    if (existing) {
      await accounts.updateUser(existing.id, { role: 'admin' });
      console.log(`${normalized} is now an admin.`);
      return 0;
    }
    const provided = process.env.ENGIFY_ADMIN_PASSWORD;
    if (provided !== undefined && provided.length < 10) {
      console.error('ENGIFY_ADMIN_PASSWORD must be at least 10 characters');
      return 2;
    }
    const password = provided ?? randomBytes(18).toString('base64url');
    await accounts.createUser({
      email: normalized,
      name: null,
      passwordHash: await new Argon2PasswordHasher().hash(password),
      role: 'admin',
      tier: 'free',
    });
    console.log(`Created admin ${normalized}.`);
    if (!provided) console.log(`Password (shown once, change it after signing in): ${password}`);
    return 0;
  } finally {
    db.close();
  }
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (err) {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exitCode = 1;
}
