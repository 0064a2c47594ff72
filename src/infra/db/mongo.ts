import { MongoClient, type Db } from 'mongodb';

/** The database handle repositories are built on (modules pass it through; only repositories use it). */
export type DbHandle = Db;

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

/**
 * Duplicate key: the one write FerretDB v1, MongoDB and Cosmos DB all make atomic. A bulk write
 * reports it per operation (`writeErrors`), with the first error's code on the error itself.
 */
export const isDuplicateKey = (e: unknown): boolean => {
  if (typeof e !== 'object' || e === null) return false;
  if ((e as { code?: unknown }).code === 11000) return true;
  const writeErrors = (e as { writeErrors?: unknown }).writeErrors;
  return (
    Array.isArray(writeErrors) &&
    writeErrors.length > 0 &&
    writeErrors.every((w) => (w as { code?: unknown } | null)?.code === 11000)
  );
};

/**
 * Runs an upsert that two requests can race on (Teams sends a new conversation's install event
 * and first message at once). Both see "no document" and both insert; the loser gets a duplicate
 * key (MongoDB raises it on concurrent upserts too, FerretDB always). That means "someone else
 * just created it": the same write again now finds the document and updates it. The write must
 * be idempotent (a replace or `$set` by `_id`).
 */
export async function upsertRacing<T>(write: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (e) {
      if (!isDuplicateKey(e) || attempt >= attempts) throw e;
    }
  }
}
