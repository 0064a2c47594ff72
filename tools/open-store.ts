import { buildServices, openDatabase, type Services } from '../src/app';
import { loadConfig, readEnvFiles } from '../src/config/config';
import { systemClock } from '../src/core/clock';
import { findProjectRoot } from '../src/infra/db/project-root';
import { createLogger } from '../src/infra/logger';

/**
 * For command-line tools: the same configuration and database as `npm start` (env files, then
 * the environment). With the embedded database, a bot already running on DATA_DIR is reused.
 */
export async function openStore(): Promise<{ services: Services; close: () => Promise<void> }> {
  const projectRoot = findProjectRoot();
  const config = loadConfig(
    { ...readEnvFiles(projectRoot, process.env.APP_ENV ?? 'local'), ...process.env },
    { projectRoot },
  );
  const log = createLogger({ level: 'warn', pretty: config.log.pretty });
  const store = await openDatabase(config, log, { reuseRunning: true });
  const services = await buildServices(store.db.db, config, systemClock);
  return { services, close: () => store.close() };
}
