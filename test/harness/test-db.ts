import { inject } from 'vitest';
import { MongoClient, type Db } from 'mongodb';
import { uniqueDbName } from './test-bot';

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
