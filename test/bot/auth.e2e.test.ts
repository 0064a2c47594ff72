import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PEOPLE, actionExecute } from '../fixtures/activities';
import { TestBot, invokeMessage } from '../harness/test-bot';
import { FakeOpenId, foreignKey } from '../harness/fake-openid';
import { freePort } from '../harness/bot-process';

const APP_ID = '11111111-2222-3333-4444-555555555555';
const authEnv = (metadataUrl: string, issuer: string): Record<string, string> => ({
  BOT_ID: APP_ID,
  SECRET_BOT_PASSWORD: 'not-a-real-secret',
  BOT_TYPE: 'SingleTenant',
  BOT_TENANT_ID: '3f9a1c2e-5b7d-4e8f-a1b2-c3d4e5f6a7b8',
  BOT_OPENID_METADATA_URL: metadataUrl,
  BOT_TOKEN_ISSUER: issuer,
});

describe('inbound authentication against our own OpenID metadata and keys', () => {
  let bot: TestBot;
  let openId: FakeOpenId;
  const stored = async () =>
    (await bot.db.collection('users').countDocuments()) +
    (await bot.db.collection('conversations').countDocuments());
  const claims = () => ({ aud: APP_ID, serviceurl: bot.connector.url });
  const invoke = () => actionExecute('nope.nothing', {}, { from: PEOPLE.anna, locale: 'en-US' });

  beforeAll(async () => {
    openId = await new FakeOpenId().start();
    bot = await TestBot.start({ env: authEnv(openId.metadataUrl, openId.issuer) });
  });
  afterAll(async () => {
    await bot.stop();
    await openId.stop();
  });

  it.each<[string, () => string]>([
    [
      'a token signed with a key the channel never published',
      () => openId.token({ privateKey: foreignKey(), claims: claims() }),
    ],
    ['a token whose kid is unknown', () => openId.token({ kid: 'who-knows', claims: claims() })],
    [
      'an expired token',
      () => {
        const past = Math.floor(Date.now() / 1000) - 3600;
        return openId.token({
          claims: { ...claims(), iat: past - 600, nbf: past - 600, exp: past },
        });
      },
    ],
    [
      'a token for another audience',
      () => openId.token({ claims: { ...claims(), aud: '99999999-2222-3333-4444-555555555555' } }),
    ],
    [
      'a token from another issuer',
      () => openId.token({ claims: { ...claims(), iss: 'https://evil.test.invalid' } }),
    ],
    ['an unsigned token (alg none)', () => openId.token({ alg: 'none', claims: claims() })],
    [
      'a token for another serviceUrl',
      () => openId.token({ claims: { ...claims(), serviceurl: 'http://127.0.0.1:1/' } }),
    ],
  ])('answers 401 to %s, with a generic body, and stores nothing', async (_what, token) => {
    const res = await bot.send(invoke(), { authorization: `Bearer ${token()}` });
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: 'unauthorized' });
    expect(await stored()).toBe(0);
    expect(bot.connector.sent).toHaveLength(0);
  });

  it('says in its own log why a request was not authenticated', () => {
    const lines = bot.logs.filter((l) => l.includes('inbound request not authenticated'));
    expect(lines.length).toBeGreaterThanOrEqual(7);
    expect(lines.every((l) => l.includes('"reason"'))).toBe(true);
  });

  it('accepts a correctly signed token: the bot answers and remembers the user', async () => {
    const res = await bot.send(invoke(), {
      authorization: `Bearer ${openId.token({ claims: claims() })}`,
    });
    expect(res.status).toBe(200);
    expect(invokeMessage(res)).toContain('I do not recognise that button');
    expect(
      await bot.db.collection('users').countDocuments({ aadObjectId: PEOPLE.anna.aadObjectId }),
    ).toBe(1);
  });
});

describe('inbound authentication when the signing keys cannot be fetched', () => {
  let bot: TestBot;
  beforeAll(async () => {
    const port = await freePort(); // nothing listens there
    bot = await TestBot.start({
      env: authEnv(
        `http://127.0.0.1:${port}/.well-known/openidconfiguration`,
        'https://channel.test.invalid',
      ),
    });
  });
  afterAll(async () => {
    await bot.stop();
  });

  it('answers 503 (not 500), stores nothing, and its own logger says why', async () => {
    const openId = await new FakeOpenId().start(); // signs; its keys are never reachable here
    try {
      const token = openId.token({
        claims: { aud: APP_ID, serviceurl: bot.connector.url },
      });
      const res = await bot.send(actionExecute('nope.nothing', {}, { from: PEOPLE.anna }), {
        authorization: `Bearer ${token}`,
      });
      expect(res.status).toBe(503);
      expect(res.body).toEqual({ error: 'unavailable' });
    } finally {
      await openId.stop();
    }
    expect(await bot.db.collection('users').countDocuments()).toBe(0);
    expect(bot.logs.some((l) => l.includes('signing keys could not be fetched'))).toBe(true);
  });
});
