import type { Config } from '../../config/config';
import type { Logger } from '../../core/logger';
import { runningEmbeddedDb, startEmbeddedDb, type EmbeddedDb } from './embedded-ferretdb';
import { connectDatabase, type Database } from './mongo';

export interface Store {
  db: Database;
  uri: string;
  /**
   * False at once while a supervised embedded database is down (readiness answers 503 without
   * waiting for a timeout). With MONGODB_URI there is nothing to supervise: always true.
   */
  healthy(): boolean;
  close(): Promise<void>;
}

/**
 * The database: MONGODB_URI if set; otherwise the embedded FerretDB in DATA_DIR — the one a live
 * process already runs there (for tools), or a new one started here.
 */
export async function openDatabase(
  config: Config,
  log: Logger,
  options: { reuseRunning?: boolean } = {},
): Promise<Store> {
  let embedded: EmbeddedDb | undefined;
  let uri =
    config.mongodb.uri ?? (options.reuseRunning ? runningEmbeddedDb(config.dataDir) : undefined);
  if (!uri) {
    embedded = await startEmbeddedDb({
      projectRoot: config.projectRoot,
      dataDir: config.dataDir,
      log,
    });
    uri = embedded.uri;
  }
  try {
    const db = await connectDatabase(uri, config.mongodb.dbName);
    return {
      db,
      uri,
      healthy: () => embedded?.healthy() ?? true,
      close: async () => {
        await db.close();
        await embedded?.stop();
      },
    };
  } catch (e) {
    await embedded?.stop();
    throw e;
  }
}
