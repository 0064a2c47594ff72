import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PLAYGROUND_TENANT_ID } from '../../src/config/config';
import { readRunFile } from '../../src/infra/db/embedded-ferretdb';
import { PLAYGROUND_PEOPLE, actionExecute, message } from '../fixtures/activities';
import { BotProcess, freePort, until } from '../harness/bot-process';
import { FakeConnector, cardOf } from '../harness/fake-connector';
import { cardText, invokeCard, invokeMessage } from '../harness/test-bot';

/**
 * The bot as `npm start` runs it, on the embedded database in a temporary DATA_DIR. Its FerretDB
 * process is killed with SIGKILL under it: the death is logged at once, /readyz says 503 within
 * a second, turns get a polite "try again", the supervisor restarts FerretDB with backoff and the
 * bot carries on — without a restart of its own and without losing what was written before.
 */
const { alex: ALEX, megan: MEGAN } = PLAYGROUND_PEOPLE;
const asPlayground = { tenantId: PLAYGROUND_TENANT_ID };
const SV_DOWN = 'Jag kan inte nå databasen just nu. Försök igen om en stund.';
const EN_DOWN = 'I cannot reach the database right now. Please try again in a while.';

describe('the embedded database, supervised', () => {
  let dataDir: string;
  let bot: BotProcess;
  const connector = new FakeConnector();
  const savedUri = process.env.MONGODB_URI;

  const readyz = () =>
    fetch(`${bot.url}/readyz`, { signal: AbortSignal.timeout(2_000) }).then(
      (r) => r.status,
      () => 0,
    );
  const childPid = () => {
    const pid = readRunFile(dataDir)?.childPid;
    return typeof pid === 'number' ? pid : undefined;
  };
  /** Kills FerretDB; resolves with the time of the kill and the pid killed. */
  const killDb = () => {
    const pid = childPid();
    if (!pid) throw new Error('no FerretDB pid in the run file');
    process.kill(pid, 'SIGKILL');
    return { at: Date.now(), pid };
  };
  /** Waits (bounded) until a new FerretDB process runs and /readyz is 200 again; returns when. */
  const restarted = async (oldPid: number, timeoutMs: number) => {
    await until(
      'a restarted FerretDB',
      () => {
        const pid = childPid();
        return pid !== undefined && pid !== oldPid ? pid : undefined;
      },
      timeoutMs,
      25,
    );
    await until(
      '/readyz 200',
      async () => ((await readyz()) === 200 ? true : undefined),
      3_000,
      25,
    );
    return Date.now();
  };

  beforeAll(async () => {
    delete process.env.MONGODB_URI; // the embedded database, whatever the run uses
    dataDir = mkdtempSync(path.join(tmpdir(), 'samverkan-dbsup-'));
    await connector.start();
    bot = new BotProcess(await freePort(), {
      DATA_DIR: dataDir,
      LOG_FORMAT: 'json',
      LOG_LEVEL: 'info',
    });
    await bot.start({}, 90_000);
  });
  afterAll(async () => {
    await bot?.stop();
    await connector.stop();
    if (savedUri !== undefined) process.env.MONGODB_URI = savedUri;
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('logs the death at once, is 503 within a second, answers politely, and recovers by itself', async () => {
    // Written before the kill: Megan becomes chair.
    await bot.send(message('hej', { ...asPlayground, from: MEGAN }), connector.url);
    const granted = await bot.send(
      actionExecute(
        'people.grantRole',
        { userId: MEGAN.aadObjectId, role: 'chair' },
        { ...asPlayground, from: ALEX },
      ),
      connector.url,
    );
    expect(cardText(invokeCard(granted))).toContain('Megan Bowen har nu rollen ordförande.');
    const botPid = bot.pid;

    // First death: 503 within a second, an error log line at once, back after ~0.5 s.
    const first = killDb();
    await until(
      '/readyz 503',
      async () => ((await readyz()) === 503 ? true : undefined),
      1_000,
      20,
    );
    const to503 = Date.now() - first.at;
    expect(to503).toBeLessThan(1_000);
    const back = await restarted(first.pid, 5_000);
    const toRestarted = back - first.at;
    const death = await until('the death in the log', () =>
      bot
        .logs()
        .find(
          (l) =>
            l.msg === 'embedded FerretDB exited unexpectedly; restarting it' && l.pid === first.pid,
        ),
    );
    expect(death.level).toBe(50);
    expect(death.signal).toBe('SIGKILL');
    expect(Number(death.time) - first.at).toBeLessThan(1_000);
    console.log(`death→503 ${to503} ms, death→restarted (ready) ${toRestarted} ms`);

    // Deaths in a row back off (1 s, 2 s, 4 s): after the fourth the database stays down long
    // enough for turns to fail while it is down.
    for (let i = 0; i < 2; i++) await restarted(killDb().pid, 10_000);
    connector.clear();
    const outage = killDb();
    const [said, pressed] = await Promise.all([
      bot.send(message('vem är jag', { ...asPlayground, from: MEGAN }), connector.url),
      bot.send(
        actionExecute(
          'people.grantRole',
          { userId: MEGAN.aadObjectId, role: 'admin' },
          { ...asPlayground, from: ALEX, locale: 'en-US' },
        ),
        connector.url,
      ),
    ]);
    const turnMs = Date.now() - outage.at;
    expect(turnMs).toBeLessThan(3_500); // not the driver's default 30 s
    expect(childPid()).toBe(outage.pid); // still down: the turns really ran against no database
    expect(said.status).toBeLessThan(300);
    await connector.waitFor(1);
    const texts = connector.sent.map((s) => s.activity.text);
    expect(texts).toContain(SV_DOWN);
    expect(pressed.status).toBe(200);
    expect(invokeMessage(pressed)).toBe(EN_DOWN);
    expect(bot.output).not.toMatch(/unhandled turn error/);

    // Recovery without restarting the bot: ready again, answers, nothing lost, nothing half-done.
    await restarted(outage.pid, 10_000);
    expect(bot.pid).toBe(botPid);
    expect(bot.running).toBe(true);
    connector.clear();
    await bot.send(message('vem är jag', { ...asPlayground, from: MEGAN }), connector.url);
    await connector.waitFor(1);
    const me = cardText(cardOf(connector.sent[0]));
    expect(me).toContain('ordförande');
    expect(me).not.toContain('administratör');
    const restarts = bot.logs().filter((l) => l.msg === 'embedded FerretDB restarted');
    expect(restarts.length).toBe(4);
  }, 90_000);
});
