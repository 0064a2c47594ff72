import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Locator } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * `tools/playground.ts` end to end, as a user would try it: the bot (from source, on a temporary
 * data dir and a free port) plus the Microsoft 365 Agents Playground (on a free port), driven
 * with headless Chromium. Everything it starts is stopped in afterAll, also on failure.
 *
 * The Playground (0.2.28) sends every activity with locale en-US (hard-coded), so the bot
 * answers in English here even to `hjälp`. Its user, Alex Wilber, is the local administrator
 * (env/.env.local), and the bot is called "Test Bot" in its UI (so `@Test Bot` in channels).
 *
 * Screenshots of every step of the first run go to test/playground/artifacts/ (git-ignored).
 */
const CHROMIUM = '/usr/bin/chromium';
const ROOT = path.resolve(__dirname, '../..');
const ARTIFACTS = path.join(__dirname, 'artifacts');
/** Every bounded wait for the bot or the Playground's UI. */
const WAIT = 15_000;
/** An error reply of the bot (en, sv: error.unexpected), which a first run must never show. */
const ERROR_REPLY = /went wrong|Något gick fel/i;

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

/** A case-sensitive pattern for exactly this text. */
const literal = (text: string): RegExp => new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));

/** The months as the Playground's date picker names them (en-US). */
const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

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
    rmSync(ARTIFACTS, { recursive: true, force: true }); // only this run's screenshots
    mkdirSync(ARTIFACTS, { recursive: true });
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

  /**
   * A newcomer's first run on an empty database, only through the Playground's UI: the welcome
   * and its first step, joining the organisation, creating a forum with the card, linking it in
   * a channel with an @mention, and the next meetings there. No reply may be an error.
   */
  it('takes a newcomer from the welcome to a forum linked in a channel', async () => {
    const page = await browser!.newPage({ viewport: { width: 1280, height: 1100 } });
    page.setDefaultTimeout(WAIT);

    // Everything the bot says reaches the page: messages over the Playground's WebSocket (all
    // conversations, also the ones not on screen), Action.Execute answers as invoke responses.
    const said: string[] = [];
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    // When the user's messages and the bot's replies reached the page, for failure reports.
    const trace: string[] = [];
    const started = Date.now();
    const note = (line: string) => trace.push(`${Date.now() - started} ms ${line}`);
    page.on('websocket', (ws) =>
      ws.on('framereceived', (f) => {
        if (typeof f.payload !== 'string' || !f.payload.includes('"createMessage"')) return;
        const frame = JSON.parse(f.payload) as { actionConversationId?: string };
        note(`bot message in ${frame.actionConversationId}`);
        said.push(JSON.stringify(frame)); // decoded: å, ä, ö as they are
      }),
    );
    page.on('response', (r) => {
      if (r.url().includes('/_conversation/v1/'))
        r.text().then(
          (body) => {
            note(`${r.url().replace(/^.*\/_conversation\/v1\//, '')} answered ${body}`);
            if (r.url().endsWith('/invoke')) said.push(body);
          },
          () => {},
        );
    });

    /** The last card with this text (case-sensitive, unlike Playwright's hasText strings). */
    const card = (text: string | RegExp): Locator =>
      page
        .locator('.ac-adaptiveCard', { hasText: typeof text === 'string' ? literal(text) : text })
        .last();
    const composer = page.locator('[role=textbox][contenteditable=true]');
    const shot = async (name: string, focus?: Locator) => {
      await focus?.scrollIntoViewIfNeeded();
      await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });
    };
    const diagnose = () =>
      `\n--- page errors:\n${pageErrors.join('\n')}\n--- bot and playground output:\n${output.slice(-6000)}`;
    /**
     * One step. On failure: a screenshot failed-<name>.png, everything the bot said in
     * failed-<name>.said.json, the order of messages and replies in failed-<name>.trace.txt,
     * and the logs with the error.
     */
    const step = async (name: string, run: () => Promise<void>) => {
      try {
        await run();
      } catch (e) {
        await shot(`failed-${name}`).catch(() => {});
        writeFileSync(path.join(ARTIFACTS, `failed-${name}.said.json`), `[${said.join(',\n')}]\n`);
        writeFileSync(path.join(ARTIFACTS, `failed-${name}.trace.txt`), `${trace.join('\n')}\n`);
        throw new Error(`step "${name}" failed: ${(e as Error).message}${diagnose()}`);
      }
    };
    /** Picks `option` in the Adaptive Card choice set labelled `label` (a Fluent combobox). */
    const choose = async (scope: Locator, label: RegExp, option: string) => {
      await scope.getByRole('combobox', { name: label }).click();
      await page.getByRole('option', { name: option, exact: true }).click();
    };

    // 1. The personal chat opens; the first message gets the welcome and the answer.
    const welcome = card('Hi! I am Samverkan.');
    await step('welcome', async () => {
      await page.goto(uiUrl);
      await composer.click();
      await composer.fill('hi');
      await page.keyboard.press('Enter');
      const answer = page.getByText('Hi! This is how I can help you:').last();
      await answer.waitFor();
      await card('What you can do').waitFor();
      await welcome.waitFor();
      expect(
        await page.locator('.ac-adaptiveCard', { hasText: literal('Hi! I am Samverkan.') }).count(),
      ).toBe(1); // conversationUpdate + installationUpdate + first message: one welcome
      // The welcome comes before the first answer (on install, or deferred to the message).
      expect((await welcome.boundingBox())!.y).toBeLessThan((await answer.boundingBox())!.y);
      const text = await welcome.innerText();
      expect(text).toContain('Get started, in this order:');
      expect(text).toContain('Add yourself to your organisation: type roles.');
      expect(text).toContain('Create a forum: type new forum.');
      expect(text).toContain('Link the forum to the channel or group chat where it meets');
      await shot('01-welcome', welcome);
    });

    // The welcome's button sends `roles` for the user (Action.Submit with `{ command }`).
    const roles = card('Roles and organisations');
    await step('welcome-button', async () => {
      await welcome.getByRole('button', { name: 'Choose your organisation' }).click();
      await roles.waitFor({ timeout: 15_000 });
      await shot('02-welcome-button-clicked', roles);
      expect(pageErrors).toEqual([]);
    });

    await step('roles', async () => {
      await choose(roles, /^User/, 'Alex Wilber');
      await choose(roles, /^Organisation/, 'School');
      await shot('03-roles', roles);
      await roles.getByRole('button', { name: 'Add to organisation' }).click();
      await card('Alex Wilber now belongs to School.').waitFor();
      expect(await roles.innerText()).toMatch(/Alex Wilber\s+administrator · School/);
      await shot('04-roles-added', roles);
    });

    // 2. A forum, filled in the card as a user would.
    await step('new-forum', async () => {
      await composer.fill('new forum');
      await page.keyboard.press('Enter');
      const form = card('New forum');
      await form.waitFor();
      await form.getByRole('textbox', { name: 'Name', exact: true }).fill('Fossam');
      await form.getByRole('textbox', { name: /^Short name/ }).fill('FOS');
      await choose(form, /^Kind/, 'Case forum');
      await form.getByRole('combobox', { name: /^Member organisations/ }).click();
      for (const organisation of ['School', 'Social services'])
        await page.getByRole('menuitemcheckbox', { name: organisation, exact: true }).click();
      await page.keyboard.press('Escape');
      await expect
        .poll(() => form.getByRole('combobox', { name: /^Member organisations/ }).inputValue())
        .toBe('School, Social services');
      await choose(form, /^Weekday/, 'Tuesday');
      await choose(form, /^How often/, 'Every week');
      await choose(form, /^Start time/, '2:00 PM');
      // First meeting: the 1st of next month, picked in the calendar.
      await form.getByRole('combobox', { name: /^First meeting/ }).click();
      const calendar = page.getByRole('dialog', { name: 'Calendar' });
      await calendar.getByTitle(/^Next month/).click();
      const [month = '', year = ''] = (await calendar
        .getByRole('grid')
        .getAttribute('aria-label'))!.split(/[ ,]+/);
      expect(MONTHS).toContain(month);
      await calendar.getByRole('button', { name: `1, ${month}, ${year}`, exact: true }).click();
      await expect
        .poll(() => form.getByRole('combobox', { name: /^First meeting/ }).inputValue())
        .toBe(`${month} 1, ${year}`);
      await form.getByRole('textbox', { name: 'Place', exact: true }).fill('Stadshuset, sal 3');
      await shot('05-forum-form', form);
      await form.getByRole('button', { name: 'Create forum' }).click();
      const created = card('The forum Fossam has been created.');
      await created.waitFor();
      const text = await created.innerText();
      expect(text).toContain('Upcoming meetings: Fossam');
      expect(text).toMatch(/Tuesday \d+ \w+, 14:00–16:00/);
      expect(text).toContain('Place: Stadshuset, sal 3');
      await shot('06-forum-created', created);
    });

    // 3. The team's General channel: @mention the bot and link the forum there.
    /**
     * Posts `@Test Bot <command>` as a new post in the channel and returns the bot's card with
     * `text` in that post's thread. The Playground (0.2.28) now and then leaves a new post's
     * thread empty although the bot's reply reached the page for that very post (seen once in
     * about 15 runs). Only then the user posts once more; a reply the bot never sent fails.
     */
    const ask = async (command: string, text: string): Promise<Locator> => {
      for (let attempt = 1; ; attempt++) {
        await page.getByText('Start a new post').waitFor();
        await composer.first().click(); // the channel's "Start a new post" box
        await page.keyboard.type('@');
        await page.getByRole('menuitem', { name: 'Test Bot' }).click();
        await page.keyboard.type(` ${command}`);
        const posted = page.waitForResponse((r) =>
          /\/_conversation\/v1\/conversations\/[^/]+\/messages$/.test(r.url()),
        );
        await page.getByRole('button', { name: 'Post', exact: true }).click();
        const { postConversationId } = (await (await posted).json()) as {
          postConversationId: string;
        };
        const thread = page
          .locator('.fui-Card[role=group]')
          .filter({ has: page.getByText(new RegExp(`^\\s*${command}\\s*$`)) })
          .first(); // the newest post comes first
        const reply = thread.locator('.ac-adaptiveCard', { hasText: literal(text) });
        if (
          await reply.waitFor().then(
            () => true,
            () => false,
          )
        )
          return reply;
        const sent = said.some(
          (s) => s.includes(`"actionConversationId":"${postConversationId}"`) && s.includes(text),
        );
        if (!sent || attempt === 2)
          throw new Error(
            `no card "${text}" in the thread of "@Test Bot ${command}" (${postConversationId}): ` +
              (sent
                ? 'the bot sent it, the Playground did not show it'
                : 'the bot did not send it'),
          );
        console.warn(
          `The Playground did not show the bot's reply to "@Test Bot ${command}" although ` +
            `the bot sent it to ${postConversationId}; posting once more.`,
        );
      }
    };
    await step('channel', async () => {
      await page.getByText('General', { exact: true }).click();
      const channelWelcome = card('Here in the channel I answer when you mention me');
      await channelWelcome.waitFor();
      await shot('07-channel-welcome', channelWelcome);
    });

    await step('link-forum', async () => {
      const link = await ask('link forum', 'Choose the forum that belongs here.');
      await choose(link, /^Forum/, 'Fossam');
      await shot('08-link-forum', link);
      await link.getByRole('button', { name: 'Link', exact: true }).click();
      const linked = card('Fossam is now linked here.');
      await linked.waitFor();
      await shot('09-forum-linked', linked);
    });

    const screens: string[] = [];
    await step('next-meeting', async () => {
      const meetings = await ask('next meeting', 'Upcoming meetings: Fossam');
      expect(await meetings.innerText()).toMatch(/Tuesday \d+ \w+, 14:00–16:00/);
      await shot('10-next-meeting', meetings);
      screens.push(await page.locator('body').innerText());
    });

    // 4. Back in the personal chat: a deviation reported through its card, and status asked.
    await page.getByText('Personal Chat', { exact: true }).click();
    await card('Hi! I am Samverkan.').waitFor();
    await step('deviation', async () => {
      await composer.fill('deviation');
      await page.keyboard.press('Enter');
      const form = card('Report a deviation');
      await form.waitFor();
      await form.getByRole('combobox', { name: /^Which organisations/ }).click();
      await page.getByRole('menuitemcheckbox', { name: 'Social services', exact: true }).click();
      await page.keyboard.press('Escape');
      await choose(form, /^Category/, 'Contact person change not communicated');
      await form
        .getByRole('textbox', { name: /^Description/ })
        .fill('Skolan fick inte veta att kontaktpersonen på socialtjänsten hade bytts.');
      await form.getByRole('radio', { name: 'No', exact: true }).check();
      await shot('11-deviation-form', form);
      await form.getByRole('button', { name: 'Send the deviation' }).click();
      const receipt = card('Thank you! The deviation is reported.');
      await receipt.waitFor();
      expect(await receipt.innerText()).toMatch(/AVV-\d{2}-\d{3}/);
      await shot('12-deviation-receipt', receipt);
    });
    await step('status', async () => {
      await composer.fill('status Fossam');
      await page.keyboard.press('Enter');
      const status = card('Status: Fossam');
      await status.waitFor();
      expect(await status.innerText()).toMatch(/Tuesday \d+ \w+/);
      await shot('13-status', status);
    });

    // 5. No error anywhere: not in what the bot sent, on screen, or in the bot's log.
    screens.push(await page.locator('body').innerText());
    expect(said.length).toBeGreaterThan(8);
    expect(said.filter((s) => ERROR_REPLY.test(s))).toEqual([]);
    for (const screen of screens) expect(screen).not.toMatch(ERROR_REPLY);
    expect(output).not.toMatch(/turn failed|unhandled turn error|could not tell the user/);
    await page.close();
  }, 120_000);

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
