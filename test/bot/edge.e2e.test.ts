import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PEOPLE, TENANT, OTHER_TENANT, actionExecute, message } from '../fixtures/activities';
import { TestBot, invokeMessage } from '../harness/test-bot';

/** POSTs a body as it is (no serviceUrl added), to see what the edge answers. */
async function postRaw(bot: TestBot, body: unknown, contentType = 'application/json') {
  const res = await fetch(`${bot.app.url}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, text: await res.text() };
}

describe('the edge: inbound activities are checked before the turn', () => {
  let bot: TestBot;
  const stored = async () =>
    (await bot.db.collection('users').countDocuments()) +
    (await bot.db.collection('conversations').countDocuments());

  beforeAll(async () => {
    bot = await TestBot.start();
  });
  afterAll(async () => {
    await bot.stop();
  });
  afterEach(() => bot.connector.clear());

  const good = () => ({
    ...message('hjälp', { from: PEOPLE.anna }),
    serviceUrl: bot.connector.url,
  });

  it.each<[string, (a: Record<string, unknown>) => unknown]>([
    ['an empty object', () => ({})],
    ['a JSON array', () => []],
    ['a numeric type', (a) => ({ ...a, type: 123 })],
    ['a numeric serviceUrl', (a) => ({ ...a, serviceUrl: 12 })],
    ['a serviceUrl that is not http(s)', (a) => ({ ...a, serviceUrl: 'ftp://127.0.0.1/x' })],
    [
      'a serviceUrl off loopback in local mode',
      (a) => ({ ...a, serviceUrl: 'https://evil.example/' }),
    ],
    ['no conversation', (a) => ({ ...a, conversation: undefined })],
    [
      'an overlong conversation id',
      (a) => ({ ...a, conversation: { id: 'c'.repeat(600), tenantId: TENANT } }),
    ],
    ['an overlong text', (a) => ({ ...a, text: 'x'.repeat(30_001) })],
    [
      'an aadObjectId that is not a GUID',
      (a) => ({ ...a, from: { id: '29:x', name: 'X', aadObjectId: 'nope' } }),
    ],
    ['a numeric from.id', (a) => ({ ...a, from: { id: 7 } })],
    [
      'an overlong display name',
      (a) => ({ ...a, from: { ...PEOPLE.anna, id: '29:anna', name: 'n'.repeat(1001) } }),
    ],
    ['a locale that is not BCP-47', (a) => ({ ...a, locale: 'sv_SE; DROP' })],
    [
      'a channelData tenant id that is not a GUID',
      (a) => ({ ...a, channelData: { tenant: { id: 42 } } }),
    ],
    ['a value that is an array', (a) => ({ ...a, value: [1, 2] })],
    ['an oversized value', (a) => ({ ...a, value: { blob: 'v'.repeat(70_000) } })],
  ])('answers 400 with a generic body to %s, and stores nothing', async (_what, mutate) => {
    const res = await postRaw(bot, mutate(good()));
    expect(res.status).toBe(400);
    expect(JSON.parse(res.text)).toEqual({ error: 'bad request' });
    expect(await stored()).toBe(0);
    expect(bot.connector.sent).toHaveLength(0);
  });

  it('answers 400 with a generic body to a body that is not JSON', async () => {
    const res = await postRaw(bot, '{"type": "message", nope');
    expect(res.status).toBe(400);
    expect(JSON.parse(res.text)).toEqual({ error: 'bad request' });
    const large = await postRaw(bot, JSON.stringify({ type: 'message', pad: 'p'.repeat(300_000) }));
    expect(large.status).toBe(413);
    expect(JSON.parse(large.text)).toEqual({ error: 'bad request' });
  });

  it('refuses an activity whose two tenant fields disagree, and stores nothing', async () => {
    const a: Record<string, unknown> = good();
    a.channelData = { tenant: { id: OTHER_TENANT } };
    const res = await postRaw(bot, a);
    expect(res.status).toBe(400);
    expect(JSON.parse(res.text)).toEqual({ error: 'bad request' });
    expect(await stored()).toBe(0);
    expect(
      bot.logs.some((l) => l.includes('inbound activity refused') && l.includes('tenant')),
    ).toBe(true);
  });

  it('logs where a refused activity failed, never what it carried', async () => {
    await postRaw(bot, { ...good(), locale: 'Kalle Hemlig 19121212-1212' });
    for (const line of bot.logs) expect(line).not.toContain('Hemlig');
  });

  it('treats a text that is not a string as empty (an answer, not an error)', async () => {
    const res = await postRaw(bot, { ...good(), text: { evil: true } });
    expect(res.status).toBe(200);
    await bot.connector.waitFor(1);
  });

  it('stores a display name cut to 200 characters', async () => {
    const long = 'Å'.repeat(500);
    const res = await bot.send(
      actionExecute('nope.nothing', {}, { from: { ...PEOPLE.bo, name: long }, locale: 'en-US' }),
    );
    expect(invokeMessage(res)).toContain('I do not recognise that button');
    const user = await bot.db.collection('users').findOne({ aadObjectId: PEOPLE.bo.aadObjectId });
    expect(user?.displayName).toBe('Å'.repeat(200));
    const stored = JSON.stringify(await bot.db.collection('conversations').find().toArray());
    expect(stored).toContain('Å'.repeat(200));
    expect(stored).not.toContain('Å'.repeat(201));
  });

  it('answers a failure inside the adapter with a generic 500 body and logs it', async () => {
    const adapter = bot.app.bot.adapter;
    const original = adapter.authenticateAndRun.bind(adapter);
    adapter.authenticateAndRun = () => Promise.reject(new Error('internal detail /srv/secret'));
    try {
      const res = await postRaw(bot, good());
      expect(res.status).toBe(500);
      expect(JSON.parse(res.text)).toEqual({ error: 'internal error' });
    } finally {
      adapter.authenticateAndRun = original;
    }
    expect(bot.logs.some((l) => l.includes('inbound request failed'))).toBe(true);
  });
});
