import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PEOPLE, message } from '../fixtures/activities';
import { cardOf } from '../harness/fake-connector';
import { TestBot, cardText } from '../harness/test-bot';

describe('help over HTTP', () => {
  let bot: TestBot;
  beforeAll(async () => {
    bot = await TestBot.start();
  });
  afterAll(async () => {
    await bot.stop();
  });

  it('answers hjälp in a personal chat with a Swedish help card on the serviceUrl', async () => {
    bot.connector.clear();
    const res = await bot.send(message('hjälp'));
    expect(res.status).toBe(200);
    await bot.connector.waitFor(1);
    const card = cardOf(bot.connector.sent[0]);
    expect(card?.type).toBe('AdaptiveCard');
    expect(cardText(card)).toContain('Det här kan du göra');
    expect(cardText(card)).toContain('vem är jag');
    expect(cardText(card)).not.toMatch(/^roller$/m); // the admin command is not listed for staff
  });

  it('answers help in English for an English Teams client, and lists admin commands for admins', async () => {
    bot.connector.clear();
    await bot.send(message('Help!', { locale: 'en-US', from: PEOPLE.admin }));
    await bot.connector.waitFor(1);
    const text = cardText(cardOf(bot.connector.sent[0]));
    expect(text).toContain('What you can do');
    expect(text).toContain('Your roles: administrator');
    expect(text).toMatch(/^roles$/m);
  });
});
