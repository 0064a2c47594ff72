import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { OTHER_TENANT, PEOPLE, actionExecute, message } from '../fixtures/activities';
import { TestBot, invokeMessage } from '../harness/test-bot';

describe('tenant allow-list', () => {
  let bot: TestBot;
  beforeAll(async () => {
    bot = await TestBot.start();
  });
  afterAll(async () => {
    await bot.stop();
  });

  it('ignores activities from a tenant not on the allow-list and stores nothing', async () => {
    const collectionsBefore = (await bot.db.listCollections().toArray()).map((c) => c.name).sort();
    const counts = async () =>
      Object.fromEntries(
        await Promise.all(
          collectionsBefore.map(
            async (n) => [n, await bot.db.collection(n).countDocuments()] as const,
          ),
        ),
      );
    const before = await counts();
    const res = await bot.send(message('hjälp', { tenantId: OTHER_TENANT, from: PEOPLE.admin }));
    expect(res.status).toBe(200);
    await bot.send(
      actionExecute(
        'people.grantRole',
        { userId: PEOPLE.bo.aadObjectId, role: 'admin' },
        { tenantId: OTHER_TENANT, from: PEOPLE.admin },
      ),
    );
    expect(bot.connector.sent).toHaveLength(0);
    expect(await counts()).toEqual(before);
    expect(bot.logs.some((l) => l.includes('not on the allow-list'))).toBe(true);
  });

  it('ignores activities with no tenant at all', async () => {
    const a = message('hjälp');
    delete (a.conversation as { tenantId?: string }).tenantId;
    a.channelData = {};
    await bot.send(a);
    expect(bot.connector.sent).toHaveLength(0);
  });
});

describe('inbound authentication with an app id configured', () => {
  let bot: TestBot;
  beforeAll(async () => {
    bot = await TestBot.start({
      env: {
        BOT_ID: '11111111-2222-3333-4444-555555555555',
        SECRET_BOT_PASSWORD: 'not-a-real-secret',
        BOT_TYPE: 'SingleTenant',
        BOT_TENANT_ID: '3f9a1c2e-5b7d-4e8f-a1b2-c3d4e5f6a7b8',
      },
    });
  });
  afterAll(async () => {
    await bot.stop();
  });

  it('answers 401 to a request without a token and runs no turn', async () => {
    const res = await bot.send(message('hjälp'));
    expect(res.status).toBe(401);
    expect(bot.connector.sent).toHaveLength(0);
    expect(await bot.db.collection('users').countDocuments()).toBe(0);
  });

  // (A well-formed but forged token would make botbuilder fetch the Bot Framework signing keys
  // from the internet; tests here send no traffic off this machine, so that case is not run.)
  it('answers 401 to a malformed token', async () => {
    const res = await bot.send(message('hjälp'), { authorization: 'Bearer junk' });
    expect(res.status).toBe(401);
    expect(await bot.db.collection('users').countDocuments()).toBe(0);
  });
});

describe('logs and errors', () => {
  let bot: TestBot;
  beforeAll(async () => {
    bot = await TestBot.start();
  });
  afterAll(async () => {
    await bot.stop();
  });
  afterEach(() => bot.connector.clear());

  it('never writes what users typed to the logs', async () => {
    const secret = 'Kalle Hemlig 19121212-1212';
    await bot.send(message(`ärende om ${secret}`, { from: PEOPLE.anna }));
    await bot.send(
      actionExecute(
        'people.grantRole',
        { userId: PEOPLE.bo.aadObjectId, role: secret },
        { from: PEOPLE.admin },
      ),
    );
    await bot.send(actionExecute(`verb ${secret}`, { note: secret }, { from: PEOPLE.admin }));
    expect(bot.logs.length).toBeGreaterThanOrEqual(3);
    for (const line of bot.logs) {
      expect(line).not.toContain('Kalle Hemlig');
      expect(line).not.toContain('19121212');
    }
  });

  it('answers an invoke from an unknown verb politely in English for an English client', async () => {
    const res = await bot.send(actionExecute('nope.nothing', {}, { locale: 'en-US' }));
    expect(invokeMessage(res)).toContain('I do not recognise that button');
  });

  it('tells the user only that something went wrong, with the id that is in the log', async () => {
    await bot.app.db.close(); // the database goes away under the running bot
    const res = await bot.send(message('hjälp', { from: PEOPLE.anna }));
    expect(res.status).toBeLessThan(600);
    await bot.connector.waitFor(1);
    const text = bot.connector.sent[0]?.activity.text ?? '';
    const id = /koden ([0-9A-F]{8})/.exec(text)?.[1];
    expect(text).toContain('Något gick fel hos mig');
    expect(id).toBeDefined();
    const logged = bot.logs.filter(
      (l) => l.includes(`"correlationId":"${id}"`) && l.includes('"level":50'),
    );
    expect(logged).toHaveLength(1);
    const ready = await fetch(`${bot.app.url}/readyz`);
    expect(ready.status).toBe(503);
  });
});
