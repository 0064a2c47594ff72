import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from '../../core/logger';

/**
 * The embedded database used when MONGODB_URI is unset: FerretDB v1 (MongoDB wire protocol over
 * SQLite), built from tools/ferretdb (our own tiny Go module) into .cache/ferretdb and reused
 * until those sources change. It listens on loopback only, with telemetry off.
 */
const GO_SOURCES = ['go.mod', 'go.sum', 'main.go'];
const BINARY = 'samverkan-ferretdb';

export class EmbeddedDbError extends Error {
  override name = 'EmbeddedDbError';
}

function sourceHash(srcDir: string): string {
  const h = createHash('sha256');
  for (const f of GO_SOURCES) h.update(f).update(readFileSync(path.join(srcDir, f)));
  return h.digest('hex').slice(0, 16);
}

/** Builds the binary if it is missing or its sources changed; returns its path. */
export function ensureFerretDbBinary(projectRoot: string, log?: Pick<Logger, 'info'>): string {
  const srcDir = path.join(projectRoot, 'tools', 'ferretdb');
  const outDir = path.join(projectRoot, '.cache', 'ferretdb');
  const binary = path.join(outDir, BINARY);
  const stampFile = path.join(outDir, 'source-hash');
  const hash = sourceHash(srcDir);
  if (
    existsSync(binary) &&
    existsSync(stampFile) &&
    readFileSync(stampFile, 'utf8').trim() === hash
  ) {
    return binary;
  }
  const go = spawnSync('go', ['version'], { encoding: 'utf8' });
  if (go.error || go.status !== 0) {
    throw new EmbeddedDbError(
      'The embedded database needs Go (1.24 or newer) to build FerretDB once, and `go` was not found. ' +
        'Install it (Debian/Ubuntu: `apt-get install golang-go`, or from go.dev), or set MONGODB_URI ' +
        'to a MongoDB 7/8, Atlas or Cosmos DB for MongoDB server.',
    );
  }
  mkdirSync(outDir, { recursive: true });
  log?.info(
    { dir: outDir },
    'building the embedded FerretDB (first run only; takes a few minutes)',
  );
  const tmp = `${binary}.${process.pid}.tmp`;
  const build = spawnSync(
    'go',
    ['build', '-trimpath', '-tags', 'ferretdb_no_postgresql', '-o', tmp, '.'],
    {
      cwd: srcDir,
      encoding: 'utf8',
      env: { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: '-mod=mod' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  if (build.status !== 0) {
    throw new EmbeddedDbError(
      `building the embedded FerretDB failed:\n${build.stderr || build.stdout || String(build.error)}`,
    );
  }
  renameSync(tmp, binary); // atomic: a concurrent build just replaces it with an identical file
  writeFileSync(stampFile, `${hash}\n`);
  return binary;
}

const RUN_FILE = 'ferretdb.run.json';

/** The URI of an embedded FerretDB another live process runs on `dataDir`, if any. */
export function runningEmbeddedDb(dataDir: string): string | undefined {
  try {
    const { uri, pid } = JSON.parse(readFileSync(path.join(dataDir, RUN_FILE), 'utf8')) as {
      uri?: unknown;
      pid?: unknown;
    };
    if (typeof uri !== 'string' || typeof pid !== 'number') return undefined;
    process.kill(pid, 0); // throws if that process is gone
    return uri;
  } catch {
    return undefined;
  }
}

export interface EmbeddedDb {
  uri: string;
  stop(): Promise<void>;
}

/** Starts FerretDB on a free loopback port with its SQLite files in `dataDir`. */
export async function startEmbeddedDb(options: {
  projectRoot: string;
  dataDir: string;
  log?: Pick<Logger, 'info' | 'warn'>;
  startTimeoutMs?: number;
}): Promise<EmbeddedDb> {
  const binary = ensureFerretDbBinary(options.projectRoot, options.log);
  mkdirSync(options.dataDir, { recursive: true });
  const child = spawn(binary, ['-dir', options.dataDir], { stdio: ['pipe', 'pipe', 'pipe'] });
  const uri = await waitForListening(child, options.startTimeoutMs ?? 30_000);
  options.log?.info({ uri, dataDir: options.dataDir }, 'embedded FerretDB started');
  // Lets tools (e.g. forums:import) reach the running database instead of opening the same
  // SQLite folder a second time.
  const runFile = path.join(options.dataDir, RUN_FILE);
  writeFileSync(runFile, JSON.stringify({ uri, pid: process.pid }));

  let stopped: Promise<void> | undefined;
  return {
    uri,
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) {
          rmSync(runFile, { force: true });
          return resolve();
        }
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.once('exit', () => {
          clearTimeout(timer);
          rmSync(runFile, { force: true });
          resolve();
        });
        child.stdin?.end(); // the launcher exits when stdin closes …
        child.kill('SIGTERM'); // … or on SIGTERM
      });
      return stopped;
    },
  };
}

function waitForListening(child: ChildProcess, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new EmbeddedDbError(`FerretDB did not start within ${timeoutMs} ms: ${err.slice(-2000)}`),
      );
    }, timeoutMs);
    child.stderr?.on('data', (d: Buffer) => {
      err = (err + d.toString()).slice(-8000);
    });
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /LISTENING (\S+)/.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new EmbeddedDbError(`FerretDB exited early (code ${code}): ${err.slice(-2000)}`));
    });
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}
