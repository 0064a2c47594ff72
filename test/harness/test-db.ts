import { inject } from 'vitest';
import { MongoClient, type Db } from 'mongodb';
import { buildModules, type Modules } from '../../src/app';
import { loadConfig } from '../../src/config/config';
import { ManualClock } from '../../src/core/clock';
import { createLogger } from '../../src/infra/logger';
import { PROJECT_ROOT, uniqueDbName } from './test-bot';

/** A fresh database on the run's real server (embedded FerretDB or MONGODB_URI). */
export async function openTestDb(prefix = 'db'): Promise<{ db: Db; close: () => Promise<void> }> {
  const client = new MongoClient(inject('mongoUri'));
  await client.connect();
  const db = client.db(uniqueDbName(prefix));
  return {
    db,
    close: async () => {
      await db.dropDatabase().catch(() => undefined);
      await client.close();
    },
  };
}

/**
 * The kernel and every module on a fresh test database, without a bot or a server (for tests of
 * the wiring: routes, verbs, templates). Nothing is sent: the sender refuses.
 */
export async function openTestModules(): Promise<{
  modules: Modules;
  db: Db;
  close: () => Promise<void>;
}> {
  const { db, close } = await openTestDb('mod');
  const config = loadConfig(
    { NODE_ENV: 'test', MONGODB_URI: inject('mongoUri'), LOG_LEVEL: 'silent' },
    { projectRoot: PROJECT_ROOT },
  );
  const modules = await buildModules(db, config, new ManualClock(), createLogger(config.log), {
    sender: { send: () => Promise.resolve({ ok: false, status: 0 }) },
  });
  return { modules, db, close };
}
