import {
  MongoClient,
  MongoNetworkError,
  MongoServerError,
  MongoServerSelectionError,
  type Collection,
  type Db,
  type Filter,
} from 'mongodb';

/** The database handle repositories are built on (modules pass it through; only repositories use it). */
export type DbHandle = Db;

export interface Database {
  db: Db;
  /** Does the server answer `ping` within `timeoutMs` (default 500 ms)? Never throws. */
  ping(timeoutMs?: number): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * How long an operation waits for a reachable server. The driver's default is 30 s; while the
 * database is down a turn should fail within a couple of seconds (the user is told to try
 * again). The driver reconnects by itself when the server is back.
 */
export const SERVER_SELECTION_TIMEOUT_MS = 2_000;
const CONNECT_TIMEOUT_MS = 5_000;
const START_DEADLINE_MS = 10_000;

/**
 * Connects with the official driver; at start it tries for 10 s until the server answers
 * `ping`, after that each operation waits at most SERVER_SELECTION_TIMEOUT_MS for a server.
 */
export async function connectDatabase(uri: string, dbName: string): Promise<Database> {
  const client = new MongoClient(uri, {
    serverSelectionTimeoutMS: SERVER_SELECTION_TIMEOUT_MS,
    connectTimeoutMS: CONNECT_TIMEOUT_MS,
    appName: 'samverkan',
  });
  const db = client.db(dbName);
  const deadline = Date.now() + START_DEADLINE_MS;
  for (;;) {
    try {
      await client.connect();
      await db.command({ ping: 1 });
      break;
    } catch (e) {
      if (!isDatabaseUnavailable(e) || Date.now() >= deadline) {
        await client.close().catch(() => undefined);
        throw e;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  return {
    db,
    async ping(timeoutMs = 500) {
      try {
        const res = await db.command({ ping: 1 }, { timeoutMS: timeoutMs });
        return res.ok === 1;
      } catch {
        return false;
      }
    },
    close: () => client.close(),
  };
}

/** Server error codes that mean "no usable server right now" (shutting down, stepped down …). */
const UNAVAILABLE_CODES = new Set([
  6, // HostUnreachable
  7, // HostNotFound
  89, // NetworkTimeout
  91, // ShutdownInProgress
  189, // PrimarySteppedDown
  10107, // NotWritablePrimary
  11600, // InterruptedAtShutdown
  11602, // InterruptedDueToReplStateChange
  13435, // NotPrimaryNoSecondaryOk
  13436, // NotPrimaryOrSecondary
]);

/**
 * The one place that says whether a driver error means "the database server is unavailable"
 * (down, unreachable, restarting): no server to select, a broken connection, a cleared pool.
 * Such a turn is answered with "try again in a while", not with an error code. A client this
 * process closed itself (shutdown) is not "unavailable" but a bug, and is left out. Looks through
 * `cause` (errors wrapped on the way up).
 */
export function isDatabaseUnavailable(e: unknown, depth = 0): boolean {
  if (typeof e !== 'object' || e === null || depth > 5) return false;
  if (
    e instanceof MongoServerSelectionError ||
    e instanceof MongoNetworkError || // also its subclasses: timeouts and a cleared pool
    (e as { name?: unknown }).name === 'MongoPoolClearedError'
  )
    return true;
  if (e instanceof MongoServerError && typeof e.code === 'number' && UNAVAILABLE_CODES.has(e.code))
    return true;
  return isDatabaseUnavailable((e as { cause?: unknown }).cause, depth + 1);
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

/**
 * Cursor batch size for reads that return a whole collection's worth (every forum, the due
 * messages): FerretDB v1 answers a `getMore` with about a hundred documents, so 1,000
 * documents cost ten round trips; this makes it one (MongoDB caps a batch at 16 MB anyway).
 */
export const SCAN_BATCH = { batchSize: 10_000 } as const;

/** Unordered insertMany: the ids inserted; duplicates (someone else's) are not errors. */
export async function insertManyUnique<T extends { _id: string }>(
  col: Collection<T>,
  docs: readonly T[],
): Promise<Set<string>> {
  if (docs.length === 0) return new Set();
  const ids = docs.map((d) => d._id);
  try {
    await col.insertMany(
      docs.map((d) => ({ ...d })) as unknown as Parameters<Collection<T>['insertMany']>[0],
      {
        ordered: false,
      },
    );
    return new Set(ids);
  } catch (e) {
    const failed = duplicateIndexes(e);
    if (!failed) throw e;
    return new Set(ids.filter((_, i) => !failed.has(i)));
  }
}

/** The indexes of an insertMany's duplicate-key errors, or null if it failed otherwise. */
function duplicateIndexes(e: unknown): Set<number> | null {
  const errors = (e as { writeErrors?: unknown }).writeErrors;
  const list = Array.isArray(errors) ? errors : errors ? [errors] : [];
  if (list.length === 0) return null;
  const out = new Set<number>();
  for (const w of list as {
    code?: number;
    index?: number;
    err?: { code?: number; index?: number };
  }[]) {
    const code = w.code ?? w.err?.code;
    const index = w.index ?? w.err?.index;
    if (code !== 11000 || index === undefined) return null;
    out.add(index);
  }
  return out;
}

/** Unique insert of one document: true if inserted, false if its `_id` was there (someone else's). */
export async function insertUnique<T extends { _id: string }>(
  col: Collection<T>,
  doc: T,
): Promise<boolean> {
  try {
    await col.insertOne(doc as Parameters<Collection<T>['insertOne']>[0]);
    return true;
  } catch (e) {
    if (isDuplicateKey(e)) return false;
    throw e;
  }
}

/**
 * A few documents read one by one by `_id`, at once (on FerretDB v1 `$in` scans the collection;
 * a handful of `_id` lookups cost less). The ones not found are left out.
 */
async function findEachById<T extends { _id: string }>(
  col: Collection<T>,
  ids: Iterable<string>,
  projection?: Record<string, 0 | 1>,
): Promise<T[]> {
  const found = await Promise.all(
    [...ids].map((_id) => col.findOne({ _id } as Filter<T>, projection ? { projection } : {})),
  );
  return found.filter((d) => d !== null) as T[];
}

/**
 * Is the server FerretDB v1? There, any filter but `{ _id: <value> }` (`$in` on `_id` too) reads
 * the whole collection; an `_id` equality uses the index (tools/ferretdb/source-edits.json).
 */
export async function scansOnly(db: Db): Promise<boolean> {
  const info = await db
    .admin()
    .command({ buildInfo: 1 })
    .catch(() => ({}));
  return 'ferretdbVersion' in info;
}

/**
 * Up to this many documents are read by `_id` one by one on FerretDB rather than by a scan:
 * measured there (patched build, 5,000 documents of about 1 KB), 128 lookups at once took
 * 50 ms and 256 took 130 ms, against 340–460 ms for the scan.
 */
export const BY_ID_MAX = 128;

/**
 * One document by `_id`, for a read every turn makes (the user's access stamp): the `find`
 * command itself, without the driver's cursor, which costs this process about 0.13 ms of CPU a
 * read against 0.08 ms for the command (measured with 20 reads in flight). Dates and other
 * BSON types come back as with `findOne`.
 */
export async function readById<T extends { _id: string }>(
  db: Db,
  collection: string,
  id: string,
): Promise<T | null> {
  const res = await db.command({
    find: collection,
    filter: { _id: id },
    limit: 1,
    singleBatch: true,
    batchSize: 1,
  });
  const batch = (res as { cursor?: { firstBatch?: T[] } }).cursor?.firstBatch;
  return batch?.[0] ?? null;
}

/**
 * Documents by `_id` (those not found are left out). MongoDB and Cosmos DB: one `$in` query on
 * the index. FerretDB (`scans`): up to BY_ID_MAX lookups by `_id`, otherwise one scan with
 * `scanFilter` (an equality that narrows what is returned; the ids are picked in code).
 */
export async function findByIds<T extends { _id: string }>(
  col: Collection<T>,
  ids: readonly string[],
  options: { scans: boolean; projection?: Record<string, 0 | 1>; scanFilter?: Filter<T> },
): Promise<T[]> {
  const wanted = new Set(ids);
  if (wanted.size === 0) return [];
  const { scans, projection } = options;
  if (scans && wanted.size <= BY_ID_MAX) return findEachById(col, wanted, projection);
  const filter = scans ? (options.scanFilter ?? {}) : { _id: { $in: [...wanted] } };
  const docs = await col
    .find(filter as Filter<T>, { ...(projection ? { projection } : {}), ...SCAN_BATCH })
    .toArray();
  return (docs as T[]).filter((d) => wanted.has(d._id));
}
