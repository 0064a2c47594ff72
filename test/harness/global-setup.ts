import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbeddedDb, type EmbeddedDb } from '../../src/infra/db/embedded-ferretdb';

declare module 'vitest' {
  export interface ProvidedContext {
    mongoUri: string;
  }
}

/**
 * Once per run: the real database. MONGODB_URI if set (a MongoDB/Atlas/Cosmos server), otherwise
 * the embedded FerretDB on a temporary folder. Each test file then uses a database of its own.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const external = process.env.MONGODB_URI;
  if (external) {
    project.provide('mongoUri', external);
    return async () => {};
  }
  const dataDir = mkdtempSync(path.join(tmpdir(), 'samverkan-test-db-'));
  const db: EmbeddedDb = await startEmbeddedDb({
    projectRoot: path.resolve(__dirname, '../..'),
    dataDir,
  });
  project.provide('mongoUri', db.uri);
  return async () => {
    await db.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
}
