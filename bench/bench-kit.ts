import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startEmbeddedDb } from '../src/infra/db/embedded-ferretdb';

/** What the benchmarks share: a database to run on, cleanups in reverse, the last line last. */
export const PROJECT_ROOT = path.resolve(__dirname, '..');
const STOP_WATCHDOG_MS = 30_000;

export type Cleanups = (() => Promise<void>)[];

/** MONGODB_URI if set, otherwise an embedded FerretDB in a temporary folder (removed at the end). */
export async function benchDatabase(
  cleanups: Cleanups,
): Promise<{ uri: string; external: boolean }> {
  const externalUri = process.env.MONGODB_URI || undefined;
  if (externalUri) return { uri: externalUri, external: true };
  const dataDir = mkdtempSync(path.join(tmpdir(), 'samverkan-bench-db-'));
  cleanups.push(() => Promise.resolve(rmSync(dataDir, { recursive: true, force: true })));
  const embedded = await startEmbeddedDb({ projectRoot: PROJECT_ROOT, dataDir });
  cleanups.push(() => embedded.stop());
  return { uri: embedded.uri, external: false };
}

/**
 * Runs a benchmark body, then every cleanup in reverse, then prints its machine-readable line,
 * so that it really is the last line; exits with the body's code (1 on any failure).
 */
export function runBench(
  body: (cleanups: Cleanups) => Promise<{ code: number; lastLine?: string }>,
): void {
  const run = async (): Promise<number> => {
    const cleanups: Cleanups = [];
    let code = 0;
    let lastLine: string | undefined;
    try {
      ({ code, lastLine } = await body(cleanups));
    } catch (e) {
      console.error('bench failed:', e instanceof Error ? (e.stack ?? e.message) : e);
      code = 1;
    } finally {
      for (const fn of cleanups.reverse()) {
        try {
          await fn();
        } catch (e) {
          console.error('error while stopping:', e instanceof Error ? e.message : e);
          code = 1;
        }
      }
    }
    if (lastLine) console.log(lastLine);
    return code;
  };
  void run().then((code) => {
    process.exitCode = code;
    // Everything is closed by now; if some handle still keeps the process alive, do not hang.
    setTimeout(() => {
      console.error('bench: process did not exit after cleanup; forcing exit');
      process.exit(code);
    }, STOP_WATCHDOG_MS).unref();
  });
}

/** A loopback HTTP server with start()/stop(): the base of the benchmarks' fake connectors. */
export abstract class LoopbackServer {
  private server: Server | undefined;
  url = '';

  protected abstract handle(req: IncomingMessage, res: ServerResponse): Promise<void>;

  async start(): Promise<this> {
    const server = createServer((req, res) => void this.handle(req, res));
    server.keepAliveTimeout = 5_000;
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    return this;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    const server = this.server;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
