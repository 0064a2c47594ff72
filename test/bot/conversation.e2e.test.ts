import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PEOPLE, botAdded, installationAdd, message } from '../fixtures/activities';
import { cardOf } from '../harness/fake-connector';
import { TestBot, cardText } from '../harness/test-bot';

const CHANNEL = '19:forum-channel@thread.tacv2';
const GROUP = '19:meeting_group@thread.v2';

describe('first conversation: introduction, references, help pointer, restart', () => {
  let bot: TestBot;
  beforeAll(async () => {
    bot = await TestBot.start();
  });
  afterAll(async () => {
    await bot.stop();
  });

  it('introduces itself once when added to a channel, however many install events arrive', async () => {
    bot.connector.clear();
    expect((await bot.send(botAdded({ conversationId: CHANNEL }))).status).toBe(200);
    expect((await bot.send(installationAdd({ conversationId: CHANNEL }))).status).toBe(200);
    expect((await bot.send(botAdded({ conversationId: CHANNEL }))).status).toBe(200);
    const toChannel = bot.connector.messagesTo(CHANNEL);
    expect(toChannel).toHaveLength(1);
    expect(cardText(cardOf(toChannel[0]))).toContain('Hej! Jag är Samverkan.');
    expect(cardText(cardOf(toChannel[0]))).toContain('personnummer');
  });

  it('does not introduce itself when someone else joins the channel', async () => {
    bot.connector.clear();
    const someoneJoined = botAdded({ conversationId: '19:other@thread.tacv2' });
    someoneJoined.membersAdded = [{ id: PEOPLE.bo.teamsId }];
    await bot.send(someoneJoined);
    expect(bot.connector.sent).toHaveLength(0);
  });

  it('stores the conversation reference for later proactive posts', async () => {
    const doc = await bot.db.collection('conversations').findOne({ _id: CHANNEL as never });
    expect(doc).toMatchObject({ type: 'channel', serviceUrl: bot.connector.url });
    expect(doc?.reference).toMatchObject({ channelId: 'msteams', conversation: { id: CHANNEL } });
  });

  it('introduces itself in a personal chat on installation, in English for an English client', async () => {
    bot.connector.clear();
    const install = installationAdd({
      kind: 'personal',
      conversationId: 'a:personal-emma',
      from: PEOPLE.emma,
      locale: 'en-GB',
    });
    (install.conversation as Record<string, unknown>).conversationType = 'personal';
    await bot.send(install);
    await bot.send(install);
    const sent = bot.connector.messagesTo('a:personal-emma');
    expect(sent).toHaveLength(1);
    expect(cardText(cardOf(sent[0]))).toContain('Hi! I am Samverkan.');
  });

  it('answers hjälp in a group chat where the bot is @mentioned', async () => {
    bot.connector.clear();
    await bot.send(message('hjälp', { kind: 'groupChat', conversationId: GROUP }));
    const sent = bot.connector.messagesTo(GROUP);
    expect(sent).toHaveLength(1);
    expect(cardText(cardOf(sent[0]))).toContain('Det här kan du göra');
  });

  it('points to help on an unrecognised message with one line, every time; the card only when asked', async () => {
    bot.connector.clear();
    await bot.send(message('hur gör jag nu', { kind: 'channel', conversationId: CHANNEL }));
    await bot.send(message('och nu?', { kind: 'channel', conversationId: CHANNEL }));
    const sent = bot.connector.messagesTo(CHANNEL);
    expect(sent).toHaveLength(2);
    for (const s of sent) {
      // In a channel the pointer says how to reach the bot there: with an @mention.
      expect(s.activity.text).toContain('Skriv **@Samverkan hjälp**');
      expect(cardOf(s)).toBeUndefined();
    }
    bot.connector.clear();
    await bot.send(message('vad är detta', { from: PEOPLE.bo }));
    expect(bot.connector.sent[0]?.activity.text).toBe(
      'Det förstod jag inte. Skriv **hjälp** för att se vad du kan göra.',
    );
  });

  it.each([
    ['hej', 'Det här kan du göra'],
    ['Hej Samverkan!', 'Det här kan du göra'],
    ['vad kan du?', 'Det här kan du göra'],
    ['Vad kan du göra?', 'Det här kan du göra'],
    ['hello', 'Det här kan du göra'],
  ])('answers "%s" with the help card', async (text, expected) => {
    bot.connector.clear();
    await bot.send(message(text, { from: PEOPLE.bo }));
    const card = bot.connector.sent.map((s) => cardOf(s)).find(Boolean);
    expect(cardText(card)).toContain(expected);
  });

  it('answers greetings and "what can you do" in English for an English client', async () => {
    bot.connector.clear();
    await bot.send(message('What can you do?', { from: PEOPLE.bo, locale: 'en-US' }));
    await bot.send(message('hi', { from: PEOPLE.bo, locale: 'en-US' }));
    const texts = bot.connector.sent.map((s) => s.activity.text ?? cardText(cardOf(s)));
    expect(texts.filter((t) => t.includes('What you can do'))).toHaveLength(2);
    expect(texts).toContain('Hi! This is how I can help you:');
  });

  it('after a restart, does not introduce itself again', async () => {
    bot.connector.clear();
    await bot.send(botAdded({ conversationId: CHANNEL }));
    expect(bot.connector.messagesTo(CHANNEL)).toHaveLength(0);
  });
});
