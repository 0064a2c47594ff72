import { loadConfig, readEnvFiles, ConfigError } from './config/config';
import { findProjectRoot } from './infra/db/project-root';
import { createLogger } from './infra/logger';
import { startApp } from './start';

/** Entry point: config → logger → app; SIGTERM/SIGINT close everything in reverse. */
async function main(): Promise<void> {
  const projectRoot = findProjectRoot();
  const envName = process.env.APP_ENV ?? 'local';
  let config;
  try {
    config = loadConfig({ ...readEnvFiles(projectRoot, envName), ...process.env }, { projectRoot });
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(1);
    }
    throw e;
  }
  const log = createLogger(config.log);
  const app = await startApp(config, {
    log,
    warmGate: true,
    operationLeaseMs: config.operationLeaseSeconds * 1000,
  });
  log.info({ url: app.url }, 'Samverkan is running: POST /api/messages, GET /healthz, GET /readyz');

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    app.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((e: unknown) => {
  process.stderr.write(
    `Samverkan failed to start: ${e instanceof Error ? e.message : String(e)}\n`,
  );
  process.exit(1);
});
