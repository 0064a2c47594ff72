import { MongoClient, type Db } from 'mongodb';

export interface Database {
  db: Db;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

/** Connects with the official driver; fails fast (10 s) if the server does not answer `ping`. */
export async function connectDatabase(uri: string, dbName: string): Promise<Database> {
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 10_000, appName: 'samverkan' });
  await client.connect();
  const db = client.db(dbName);
  await db.command({ ping: 1 });
  return {
    db,
    async ping() {
      try {
        const res = await db.command({ ping: 1 }, { timeoutMS: 2_000 });
        return res.ok === 1;
      } catch {
        return false;
      }
    },
    close: () => client.close(),
  };
}

/** Duplicate key: the one write FerretDB v1, MongoDB and Cosmos DB all make atomic. */
export const isDuplicateKey = (e: unknown): boolean =>
  typeof e === 'object' && e !== null && (e as { code?: unknown }).code === 11000;
