import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { PROJECT_ROOT, postActivity, type HttpResult } from './test-bot';

/** A free TCP port on loopback (the bot listens on the same one across restarts). */
export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const s = createServer()
      .once('error', reject)
      .listen(0, '127.0.0.1', () => {
        const port = (s.address() as { port: number }).port;
        s.close(() => resolve(port));
      });
  });

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

const MAX_OUTPUT = 400_000;

/**
 * The bot as a real, separate Node process (`src/index.ts`, as `npm start` runs it, through
 * tsx's loader in the same process: no wrapper, so a SIGKILL reaches the bot itself). Each
 * `start()` is a fresh process on the same port and database: a restart after a crash.
 */
export class BotProcess {
  private child: ChildProcess | undefined;
  private exit: Promise<Exit> | undefined;
  /** stdout and stderr of the current process (JSON log lines), for failure messages. */
  output = '';
  /** Every process's output, in order. */
  history = '';

  constructor(
    readonly port: number,
    private readonly baseEnv: Record<string, string>,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Starts the process (extra env on top of the base) and waits until /readyz answers 200. */
  async start(extraEnv: Record<string, string> = {}, timeoutMs = 45_000): Promise<void> {
    if (this.running) throw new Error('the bot process is already running');
    const env: NodeJS.ProcessEnv = { ...process.env, ...this.baseEnv, ...extraEnv };
    env.PORT = String(this.port);
    if (!extraEnv.SAMVERKAN_CRASH_POINTS) delete env.SAMVERKAN_CRASH_POINTS;
    this.output = '';
    const child = spawn(process.execPath, ['--import', 'tsx', path.join('src', 'index.ts')], {
      cwd: PROJECT_ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.exit = new Promise((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    const collect = (d: Buffer) => {
      const s = d.toString();
      if (this.output.length < MAX_OUTPUT) this.output += s;
      if (this.history.length < MAX_OUTPUT) this.history += s;
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const ok = await fetch(`${this.url}/readyz`).then(
        (r) => r.status === 200,
        () => false,
      );
      if (ok) return;
      if (!this.running) throw new Error(`the bot exited before it was ready:\n${this.tail()}`);
      if (Date.now() > deadline)
        throw new Error(`the bot was not ready within ${timeoutMs} ms:\n${this.tail()}`);
      await new Promise((r) => setTimeout(r, 150));
    }
  }

  /** POSTs an activity to /api/messages; rejects if the connection fails (e.g. the process died). */
  send(activity: Record<string, unknown>, serviceUrl: string): Promise<HttpResult> {
    return postActivity(this.url, { ...activity, serviceUrl });
  }

  /** Resolves when the current process has exited (or rejects after timeoutMs). */
  async exited(timeoutMs = 15_000): Promise<Exit> {
    if (!this.exit) throw new Error('never started');
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`the bot did not exit within ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    try {
      return await Promise.race([this.exit, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Sends a signal to the bot process (SIGKILL: a power cut, no clean-up). */
  kill(signal: NodeJS.Signals): void {
    if (this.running) this.child?.kill(signal);
  }

  /** Stops the process if it runs: SIGTERM, then SIGKILL if it does not exit in time. */
  async stop(): Promise<Exit | null> {
    if (!this.running) return null;
    this.kill('SIGTERM');
    try {
      return await this.exited(10_000);
    } catch {
      this.kill('SIGKILL');
      return this.exited(5_000);
    }
  }

  /** The last lines of output (for failure messages). */
  tail(lines = 40): string {
    return this.output.split('\n').slice(-lines).join('\n');
  }

  /** Parsed JSON log lines of every process so far. */
  logs(): Record<string, unknown>[] {
    return this.history
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .flatMap((l) => {
        try {
          return [JSON.parse(l) as Record<string, unknown>];
        } catch {
          return [];
        }
      });
  }
}

/** Polls `check` until it returns a value that is not undefined (or throws after timeoutMs). */
export async function until<T>(
  what: string,
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 20_000,
  everyMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: string | undefined;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (e) {
      last = e instanceof Error ? e.message : 'error';
    }
    if (Date.now() > deadline)
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${last}` : ''}`,
      );
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
