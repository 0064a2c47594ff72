/**
 * `npm run playground`: chat with the bot offline in the Microsoft 365 Agents Playground.
 *
 * 1. starts the bot exactly like `npm start` (`node dist/src/index.js`, same environment, so
 *    env/.env.local and the embedded database in .data/); run from source with
 *    `tsx tools/playground.ts` it starts `src/index.ts` through tsx instead;
 * 2. waits until GET /readyz answers 200;
 * 3. starts `agentsplayground start -e http://127.0.0.1:<PORT>/api/messages -c msteams --dt`
 *    with a no-op `xdg-open` first on PATH (on a headless machine it exits 1 when it cannot
 *    open a browser) and prints the address of its web UI.
 *
 * Ctrl-C / SIGTERM stops the playground first, then the bot (which shuts down gracefully).
 * If either exits, the other is stopped and this exits with its code.
 * PLAYGROUND_PORT picks the UI port (default 56150; 0 = any free port). The playground takes
 * a random port when the one asked for is busy: the real one is read from its output.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readEnvFiles } from '../src/config/config';
import { findProjectRoot } from '../src/infra/db/project-root';

const READY_TIMEOUT_MS = Number(process.env.PLAYGROUND_READY_TIMEOUT_MS ?? 300_000);
const STOP_TIMEOUT_MS = 30_000;

const root = findProjectRoot(__dirname);
const env = { ...readEnvFiles(root, process.env.APP_ENV ?? 'local'), ...process.env };
const botPort = Number(env.PORT || 3978);
const botHost = env.HOST || '127.0.0.1';
const uiPort = Number(process.env.PLAYGROUND_PORT ?? 56150);

const say = (line: string) => console.log(`[playground] ${line}`);
const children: ChildProcess[] = [];
let stopping = false;

/** True if nothing listens on host:port (so /readyz cannot be answered by another bot). */
function portIsFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, host, () => s.close(() => resolve(true)));
  });
}

function exited(child: ChildProcess): Promise<number> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  if (child.signalCode !== null) return Promise.resolve(1);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code ?? 1)));
}

/** SIGTERM, then SIGKILL after STOP_TIMEOUT_MS; resolves when it has exited. */
async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  child.kill('SIGTERM');
  await exited(child);
  clearTimeout(timer);
}

/** Stops the playground first, then the bot, and exits with `code`. */
async function shutdown(code: number): Promise<never> {
  stopping = true;
  say('stopping the playground, then the bot');
  for (const child of [...children].reverse()) await stop(child);
  process.exit(code);
}

async function waitUntilReady(bot: ChildProcess): Promise<void> {
  const url = `http://${botHost}:${botPort}/readyz`;
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (bot.exitCode !== null || bot.signalCode !== null) {
      say(`the bot exited (code ${bot.exitCode ?? bot.signalCode}) before it was ready; see above`);
      return shutdown(bot.exitCode || 1);
    }
    try {
      if ((await fetch(url, { signal: AbortSignal.timeout(2000) })).status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  say(
    `the bot did not answer 200 on ${url} within ${READY_TIMEOUT_MS / 1000} s ` +
      '(the first run builds the embedded database: set PLAYGROUND_READY_TIMEOUT_MS to wait longer)',
  );
  return shutdown(1);
}

/** Starts the playground; `port` resolves with the port its web UI really listens on. */
function startPlayground(): { child: ChildProcess; port: Promise<number> } {
  const bin = path.join(
    path.dirname(require.resolve('@microsoft/m365agentsplayground/package.json')),
    'cli.js',
  );
  const noBrowser = mkdtempSync(path.join(tmpdir(), 'samverkan-no-browser-'));
  writeFileSync(path.join(noBrowser, 'xdg-open'), '#!/bin/sh\nexit 0\n');
  chmodSync(path.join(noBrowser, 'xdg-open'), 0o755);
  process.on('exit', () => rmSync(noBrowser, { recursive: true, force: true }));

  const endpoint = `http://127.0.0.1:${botPort}/api/messages`;
  const args = ['start', '-e', endpoint, '-c', 'msteams', '--dt', '-p', String(uiPort)];
  say(`starting: agentsplayground ${args.join(' ')}`);
  const pg = spawn(process.execPath, [bin, ...args], {
    cwd: root, // it writes devTools/ here (git-ignored)
    env: { ...process.env, PATH: `${noBrowser}${path.delimiter}${process.env.PATH ?? ''}` },
    stdio: ['ignore', 'pipe', 'inherit'],
    detached: true, // its own process group: Ctrl-C reaches us only, and we stop it in order
  });
  children.push(pg);
  const port = new Promise<number>((resolve) => {
    let out = '';
    pg.stdout?.on('data', (d: Buffer) => {
      process.stdout.write(d);
      out += d.toString();
      const m = /Listening on (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
  });
  return { child: pg, port };
}

async function main(): Promise<void> {
  if (!(await portIsFree(botPort, botHost))) {
    say(`port ${botPort} is busy: is another bot running? Stop it or set PORT to a free port.`);
    process.exit(1);
  }
  if (env.BOT_ID)
    say(
      'BOT_ID is set, so the bot checks tokens and tenants, and the Playground sends neither: ' +
        'expect 401s. Run with BOT_ID= (empty) to chat offline.',
    );
  const fromSource = __filename.endsWith('.ts');
  const botArgs = fromSource ? ['--import', 'tsx', 'src/index.ts'] : ['dist/src/index.js'];
  say(`starting the bot: node ${botArgs.join(' ')} (port ${botPort})`);
  const bot = spawn(process.execPath, botArgs, {
    cwd: root,
    env: process.env,
    stdio: 'inherit',
    detached: true,
  });
  children.push(bot);
  say(`bot pid ${bot.pid}`);

  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.on(signal, () => {
      if (!stopping) void shutdown(0);
    });
  // Safety net if we die some other way: never leave the children behind.
  process.on('exit', () => children.forEach((c) => c.exitCode === null && c.kill('SIGKILL')));

  await waitUntilReady(bot);
  say(`the bot is ready on http://${botHost}:${botPort}`);
  const pg = startPlayground();
  const port = await Promise.race([pg.port, exited(pg.child).then(() => 0)]);
  if (port) {
    say(`playground pid ${pg.child.pid}`);
    if (uiPort && port !== uiPort) say(`port ${uiPort} was busy, so the playground took ${port}`);
    console.log(`\nOpen http://localhost:${port} in your browser to chat with Samverkan\n`);
  }

  const [which, code] = await Promise.race(
    children.map((c, i) => exited(c).then((n) => [i === 0 ? 'bot' : 'playground', n] as const)),
  );
  if (stopping) return;
  say(`the ${which} exited (code ${code}); stopping the rest`);
  await shutdown(code);
}

main().catch((e: unknown) => {
  console.error(e);
  void shutdown(1);
});
