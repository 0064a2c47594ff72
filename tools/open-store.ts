import { buildModules, openDatabase, type Modules } from '../src/app';
import { loadConfig, readEnvFiles } from '../src/config/config';
import { systemClock } from '../src/core/clock';
import { offlineRoster } from '../src/core/roster';
import { findProjectRoot } from '../src/infra/db/project-root';
import { createLogger } from '../src/infra/logger';

/**
 * For command-line tools: the same configuration and database as `npm start` (env files, then
 * the environment). With the embedded database, a bot already running on DATA_DIR is reused.
 */
export async function openStore(): Promise<{
  services: Modules['faces'];
  close: () => Promise<void>;
}> {
  const projectRoot = findProjectRoot();
  const config = loadConfig(
    { ...readEnvFiles(projectRoot, process.env.APP_ENV ?? 'local'), ...process.env },
    { projectRoot },
  );
  const log = createLogger({ level: 'warn', pretty: config.log.pretty });
  const store = await openDatabase(config, log, { reuseRunning: true });
  // Tools send nothing: the outbox keeps what they queue for the bot to deliver.
  const modules = await buildModules(store.db.db, config, systemClock, log, {
    sender: { send: () => Promise.resolve({ ok: false, status: 0 }) },
    roster: offlineRoster,
  });
  return { services: modules.faces, close: () => store.close() };
}
