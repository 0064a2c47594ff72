import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import type { Logger } from '../../core/logger';

/**
 * The embedded database used when MONGODB_URI is unset: FerretDB v1 (MongoDB wire protocol over
 * SQLite), built from tools/ferretdb (our own tiny Go module) into .cache/ferretdb and reused
 * until those sources change. It listens on loopback only, with telemetry off.
 * tools/ferretdb/source-edits.json lists small edits to FerretDB's own sources, applied at build
 * time to a copy of the module (see there why).
 */
const GO_SOURCES = ['go.mod', 'go.sum', 'main.go', 'source-edits.json'];
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
  const goEnv = { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: '-mod=mod' };
  const modFile = editedModFile(srcDir, path.join(outDir, `edited.${process.pid}`), goEnv);
  const build = spawnSync(
    'go',
    [
      'build',
      '-trimpath',
      '-tags',
      'ferretdb_no_postgresql',
      `-modfile=${modFile}`,
      '-o',
      tmp,
      '.',
    ],
    { cwd: srcDir, encoding: 'utf8', env: goEnv, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  rmSync(path.dirname(modFile), { recursive: true, force: true });
  if (build.status !== 0) {
    throw new EmbeddedDbError(
      `building the embedded FerretDB failed:\n${build.stderr || build.stdout || String(build.error)}`,
    );
  }
  renameSync(tmp, binary); // atomic: a concurrent build just replaces it with an identical file
  writeFileSync(stampFile, `${hash}\n`);
  return binary;
}

interface SourceEdit {
  name: string;
  module: string;
  file: string;
  from: string;
  to: string;
}

/**
 * Copies each module tools/ferretdb/source-edits.json edits from Go's module cache into `dir`,
 * applies the edits there and writes a go.mod that replaces those modules with the edited
 * copies (for `go build -modfile`; `-overlay` may not replace files in the module cache).
 * Returns that go.mod's path. An edit whose `from` is not found exactly once stops the build:
 * the module changed under it.
 */
function editedModFile(srcDir: string, dir: string, env: NodeJS.ProcessEnv): string {
  const { edits } = JSON.parse(readFileSync(path.join(srcDir, 'source-edits.json'), 'utf8')) as {
    edits: SourceEdit[];
  };
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const copies = new Map<string, string>();
  for (const edit of edits) {
    let copy = copies.get(edit.module);
    if (!copy) {
      // Where Go keeps the module, downloaded first if it is not there yet (`go list -m` would
      // leave Dir empty on a machine whose module cache does not have it).
      const download = spawnSync('go', ['mod', 'download', '-json', edit.module], {
        cwd: srcDir,
        encoding: 'utf8',
        env,
      });
      let moduleDir = '';
      try {
        const { Dir } = JSON.parse(download.stdout) as { Dir?: unknown };
        if (typeof Dir === 'string') moduleDir = Dir;
      } catch {
        // reported below
      }
      if (download.status !== 0 || !moduleDir)
        throw new EmbeddedDbError(
          `building the embedded FerretDB failed: go mod download ${edit.module}:\n${download.stderr || download.stdout}`,
        );
      copy = path.join(dir, `module-${copies.size}`);
      cpSync(moduleDir, copy, { recursive: true });
      copies.set(edit.module, copy);
    }
    const file = path.join(copy, edit.file);
    const text = readFileSync(file, 'utf8');
    if (text.split(edit.from).length !== 2)
      throw new EmbeddedDbError(
        `building the embedded FerretDB failed: source edit "${edit.name}" expects its text once in ${edit.module}/${edit.file}`,
      );
    chmodSync(file, 0o644); // files in Go's module cache are read-only, and so is the copy
    writeFileSync(
      file,
      text.replace(edit.from, () => edit.to),
    );
  }
  const modFile = path.join(dir, 'go.mod');
  const replaces = [...copies].map(([module, copy]) => `replace ${module} => ${copy}`);
  writeFileSync(
    modFile,
    `${readFileSync(path.join(srcDir, 'go.mod'), 'utf8')}\n${replaces.join('\n')}\n`,
  );
  cpSync(path.join(srcDir, 'go.sum'), path.join(dir, 'go.sum'));
  return modFile;
}

const RUN_FILE = 'ferretdb.run.json';

/** The URI of an embedded FerretDB another live process runs on `dataDir`, if any. */
export function runningEmbeddedDb(dataDir: string): string | undefined {
  try {
    const { uri, pid } = readRunFile(dataDir) ?? {};
    if (typeof uri !== 'string' || typeof pid !== 'number') return undefined;
    process.kill(pid, 0); // throws if that process is gone
    return uri;
  } catch {
    return undefined;
  }
}

/**
 * What the run file in `dataDir` says: the URI, the pid of the Node process that supervises the
 * database (`pid`) and the pid of the FerretDB process itself (`childPid`, updated on restarts).
 */
export function readRunFile(
  dataDir: string,
): { uri?: unknown; pid?: unknown; childPid?: unknown } | undefined {
  try {
    return JSON.parse(readFileSync(path.join(dataDir, RUN_FILE), 'utf8')) as {
      uri?: unknown;
      pid?: unknown;
      childPid?: unknown;
    };
  } catch {
    return undefined;
  }
}

export interface EmbeddedDb {
  uri: string;
  /** False from the moment the FerretDB process dies until a restarted one listens again. */
  healthy(): boolean;
  /** The pid of the current FerretDB process (undefined while it is down). */
  pid(): number | undefined;
  stop(): Promise<void>;
}

/** Backoff between restarts after consecutive early deaths: 0.5 s, 1 s, 2 s … at most 10 s. */
export const restartDelayMs = (attempt: number): number =>
  Math.min(500 * 2 ** Math.max(0, attempt), 10_000);
/** A process that ran this long before it died resets the backoff. */
const STABLE_MS = 30_000;

type EmbeddedLog = Pick<Logger, 'info' | 'warn' | 'error'>;

/**
 * Starts FerretDB on a free loopback port with its SQLite files in `dataDir`, and supervises it:
 * an unexpected exit is logged at once (error level, with code and signal) and the process is
 * restarted on the same port and folder with backoff, until `stop()`. `healthy()` tells
 * readiness at once whether it is up.
 */
export async function startEmbeddedDb(options: {
  projectRoot: string;
  dataDir: string;
  log?: EmbeddedLog;
  startTimeoutMs?: number;
}): Promise<EmbeddedDb> {
  const { log, dataDir } = options;
  const binary = ensureFerretDbBinary(options.projectRoot, log);
  mkdirSync(dataDir, { recursive: true });
  const startTimeoutMs = options.startTimeoutMs ?? 30_000;
  const runFile = path.join(dataDir, RUN_FILE);

  const launch = async (port: number) => {
    const child = spawn(binary, ['-dir', dataDir, '-port', String(port)], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const stderr = { tail: '' };
    const uri = await waitForListening(child, startTimeoutMs, stderr);
    return { child, uri, stderr, startedAt: Date.now() };
  };

  let current = await launch(0);
  const uri = current.uri;
  const port = Number(new URL(uri).port);
  let up = true;
  let stopping = false;
  let restartTimer: NodeJS.Timeout | undefined;
  let restarting: Promise<void> | undefined;
  let failures = 0; // consecutive deaths and failed restarts: the backoff's exponent
  let downSince = 0;

  // Lets tools (e.g. forums:import) reach the running database instead of opening the same
  // SQLite folder a second time; `childPid` lets an operator (or a test) find FerretDB itself.
  const writeRunFile = () =>
    writeFileSync(runFile, JSON.stringify({ uri, pid: process.pid, childPid: current.child.pid }));
  writeRunFile();
  log?.info({ uri, dataDir, pid: current.child.pid }, 'embedded FerretDB started');

  const scheduleRestart = (): number => {
    const delayMs = restartDelayMs(failures);
    failures++;
    restartTimer = setTimeout(() => {
      restartTimer = undefined;
      restarting = (async () => {
        try {
          const next = await launch(port);
          if (stopping) {
            await terminate(next.child);
            return;
          }
          current = next;
          up = true;
          watch(next);
          writeRunFile();
          log?.info(
            { uri, pid: next.child.pid, downMs: Date.now() - downSince, attempt: failures },
            'embedded FerretDB restarted',
          );
        } catch (e) {
          log?.error(
            { err: e instanceof Error ? e.message.slice(0, 2000) : String(e), attempt: failures },
            'embedded FerretDB could not be restarted; trying again',
          );
          if (!stopping) scheduleRestart();
        } finally {
          restarting = undefined;
        }
      })();
    }, delayMs);
    restartTimer.unref?.();
    return delayMs;
  };

  const watch = (running: typeof current) => {
    running.child.once('exit', (code, signal) => {
      if (stopping || running !== current) return;
      up = false;
      downSince = Date.now();
      if (Date.now() - running.startedAt >= STABLE_MS) failures = 0;
      const restartInMs = scheduleRestart();
      log?.error(
        {
          code,
          signal,
          pid: running.child.pid,
          uri,
          stderr: running.stderr.tail.slice(-2000) || undefined,
          restartInMs,
        },
        'embedded FerretDB exited unexpectedly; restarting it',
      );
    });
  };
  watch(current);

  let stopped: Promise<void> | undefined;
  return {
    uri,
    healthy: () => up && !stopping,
    pid: () => (up ? current.child.pid : undefined),
    stop() {
      stopped ??= (async () => {
        stopping = true;
        up = false;
        if (restartTimer) clearTimeout(restartTimer);
        await restarting;
        await terminate(current.child);
        rmSync(runFile, { force: true });
      })();
      return stopped;
    },
  };
}

/** Stops a FerretDB process: stdin closed and SIGTERM, SIGKILL after 10 s. */
function terminate(child: ChildProcess): Promise<void> {
  return new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.stdin?.end(); // the launcher exits when stdin closes …
    child.kill('SIGTERM'); // … or on SIGTERM
  });
}

function waitForListening(
  child: ChildProcess,
  timeoutMs: number,
  stderr: { tail: string },
): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    let listening = false;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new EmbeddedDbError(
          `FerretDB did not start within ${timeoutMs} ms: ${stderr.tail.slice(-2000)}`,
        ),
      );
    }, timeoutMs);
    // Both streams stay drained for the life of the process (a full pipe would block it).
    child.stderr?.on('data', (d: Buffer) => {
      stderr.tail = (stderr.tail + d.toString()).slice(-8000);
    });
    child.stdout?.on('data', (d: Buffer) => {
      if (listening) return;
      out += d.toString();
      const m = /LISTENING (\S+)/.exec(out);
      if (m?.[1]) {
        listening = true;
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (!listening)
        reject(
          new EmbeddedDbError(`FerretDB exited early (code ${code}): ${stderr.tail.slice(-2000)}`),
        );
    });
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}
