import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * `tools/playground.ts` end to end, as a user would try it: the bot (from source, on a temporary
 * data dir and a free port) plus the Microsoft 365 Agents Playground (on a free port), driven
 * with headless Chromium. Everything it starts is stopped in afterAll, also on failure.
 *
 * The Playground (0.2.28) sends every activity with locale en-US (hard-coded), so the bot
 * answers in English here even to `hjälp`.
 */
const CHROMIUM = '/usr/bin/chromium';
const ROOT = path.resolve(__dirname, '../..');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

const alive = (pid: number | undefined): boolean => {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

function exited(child: ChildProcess, ms: number): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`still running after ${ms} ms`)), ms);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

describe('npm run playground', () => {
  let tool: ChildProcess | undefined;
  let browser: Browser | undefined;
  let dataDir: string | undefined;
  let output = '';
  let uiUrl = '';
  const pids: number[] = []; // the bot and the playground, as the tool reports them

  beforeAll(async () => {
    if (!existsSync(CHROMIUM))
      throw new Error(`${CHROMIUM} is missing: run \`apt-get install -y chromium\` (Debian)`);
    dataDir = mkdtempSync(path.join(tmpdir(), 'samverkan-playground-'));
    tool = spawn(process.execPath, ['--import', 'tsx', 'tools/playground.ts'], {
      cwd: ROOT,
      env: {
        ...process.env,
        NODE_ENV: 'development',
        BOT_ID: '', // local mode even if env/.env.local.user holds real credentials
        PORT: String(await freePort()),
        DATA_DIR: dataDir,
        MONGODB_DB: `playground_e2e_${process.pid}`, // only used when MONGODB_URI is set
        PLAYGROUND_PORT: '0', // any free port: parallel runs never share a UI
        PLAYGROUND_READY_TIMEOUT_MS: '40000',
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    uiUrl = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no UI within 45 s:\n${output}`)), 45_000);
      const onData = (d: Buffer) => {
        output += d.toString();
        for (const m of output.matchAll(/(?:bot|playground) pid (\d+)/g))
          if (!pids.includes(Number(m[1]))) pids.push(Number(m[1]));
        const url = /Open (http:\/\/localhost:\d+) in your browser/.exec(output)?.[1];
        if (url) {
          clearTimeout(timer);
          resolve(url);
        }
      };
      tool!.stdout!.on('data', onData);
      tool!.stderr!.on('data', onData);
      tool!.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`tools/playground.ts exited early (code ${code}):\n${output}`));
      });
    });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close().catch(() => {});
    if (tool && tool.exitCode === null && tool.signalCode === null) {
      tool.kill('SIGTERM');
      await exited(tool, 15_000).catch(() => tool!.kill('SIGKILL'));
    }
    for (const pid of pids) if (alive(pid)) process.kill(pid, 'SIGKILL');
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }, 30_000);

  it('answers hjälp with the help card in the Playground', async () => {
    const page = await browser!.newPage();
    await page.goto(uiUrl);
    const composer = page.locator('[role=textbox][contenteditable=true]');
    await composer.click({ timeout: 15_000 });
    await composer.fill('hjälp');
    await page.keyboard.press('Enter');
    // Case-sensitive: the welcome card ends with "… to see what you can do."
    const card = page.locator('.ac-adaptiveCard', { hasText: /What you can do/ }).last();
    await card.waitFor({ timeout: 15_000 });
    const text = await card.innerText();
    expect(text).toContain('Your roles: administrator'); // Alex Wilber is the local admin
    expect(text).toContain('whoami');
  }, 40_000);

  it('stops the playground and then the bot on SIGTERM, exiting 0', async () => {
    expect(pids).toHaveLength(2);
    tool!.kill('SIGTERM');
    expect(await exited(tool!, 15_000)).toBe(0);
    expect(pids.filter(alive)).toEqual([]);
    expect(output).toContain('stopping the playground, then the bot');
  }, 20_000);
});
