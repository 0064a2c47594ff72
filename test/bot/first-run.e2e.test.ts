import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  PEOPLE,
  TENANT,
  actionExecute,
  botAdded,
  installationAdd,
  message,
  type Person,
} from '../fixtures/activities';
import { FOSSAM_FORM } from '../fixtures/forums';
import { cardOf, type SentActivity } from '../harness/fake-connector';
import { TestBot, cardText, invokeCard } from '../harness/test-bot';

/** Everything a user saw, as text (message text or the card's strings). */
const seen = (sent: readonly SentActivity[]): string[] =>
  sent.map((s) => s.activity.text ?? cardText(cardOf(s)));
const ERROR_REPLY = /gick fel|went wrong|kontaktar support|contact support/i;

const newPerson = (): Person => {
  const aadObjectId = randomUUID();
  return { aadObjectId, name: 'Ny Användare', teamsId: `29:${aadObjectId}` };
};

describe('first contact: install event and first message at once', () => {
  let bot: TestBot;
  beforeAll(async () => {
    bot = await TestBot.start();
  });
  afterAll(async () => {
    await bot.stop();
  });

  it('200 new conversations, each opened with install events and a message at the same moment: no error reply, one record each', async () => {
    const users = bot.db.collection<{ _id: string }>('users');
    const conversations = bot.db.collection<{ _id: string }>('conversations');
    const intros = bot.db.collection<{ _id: string }>('conversationIntros');
    for (let i = 0; i < 200; i++) {
      const person = newPerson();
      const channel = i % 4 === 3;
      const o = channel
        ? {
            kind: 'channel' as const,
            conversationId: `19:c${i}-${randomUUID()}@thread.tacv2`,
            from: person,
          }
        : { kind: 'personal' as const, conversationId: `a:${randomUUID()}`, from: person };
      const install = installationAdd({ ...o, locale: 'sv-SE' });
      const added = botAdded(o);
      const first = message('hjälp', o);
      const results = await Promise.all([bot.send(install), bot.send(added), bot.send(first)]);
      expect(results.map((r) => r.status)).toEqual([200, 200, 200]);

      const sent = bot.connector.messagesTo(o.conversationId);
      expect(seen(sent).filter((t) => ERROR_REPLY.test(t))).toEqual([]);
      expect(seen(sent).filter((t) => t.includes('Hej! Jag är Samverkan.'))).toHaveLength(1);
      expect(seen(sent).filter((t) => t.includes('Det här kan du göra'))).toHaveLength(1);
      expect(await conversations.countDocuments({ _id: o.conversationId })).toBe(1);
      expect(await users.countDocuments({ _id: `${TENANT}:${person.aadObjectId}` })).toBe(1);
      expect(await intros.countDocuments({ _id: o.conversationId })).toBe(1);
      bot.connector.clear();
    }
    expect(bot.logs.filter((l) => l.includes('"level":50'))).toEqual([]);
  }, 240_000);
});

describe('a guided first run', () => {
  let bot: TestBot;
  beforeAll(async () => {
    bot = await TestBot.start();
  });
  afterAll(async () => {
    await bot.stop();
  });

  it('welcomes in the language of the client even when the install event does not say it', async () => {
    const person = newPerson();
    const o = { kind: 'personal' as const, conversationId: `a:${randomUUID()}`, from: person };
    bot.connector.clear();
    await bot.send(botAdded(o)); // Teams' conversationUpdate carries no locale
    expect(bot.connector.messagesTo(o.conversationId)).toHaveLength(0);
    await bot.send(message('help', { ...o, locale: 'en-US' }));
    const sent = seen(bot.connector.messagesTo(o.conversationId));
    expect(sent[0]).toContain('Hi! I am Samverkan.');
    expect(sent[1]).toContain('What you can do');
    expect(sent).toHaveLength(2);
    // Once only: the next message gets its answer alone.
    bot.connector.clear();
    await bot.send(message('help', { ...o, locale: 'en-US' }));
    expect(seen(bot.connector.messagesTo(o.conversationId))).toHaveLength(1);
  });

  it('a later install event without a locale uses the language the user last had', async () => {
    const person = newPerson();
    await bot.send(message('hello', { from: person, locale: 'en-GB' }));
    const channel = `19:${randomUUID()}@thread.tacv2`;
    bot.connector.clear();
    await bot.send(botAdded({ kind: 'channel', conversationId: channel, from: person }));
    const sent = seen(bot.connector.messagesTo(channel));
    expect(sent).toHaveLength(1);
    expect(sent[0]).toContain('Hi! I am Samverkan.');
    expect(sent[0]).toContain('@Samverkan help');
  });

  it('guides an administrator through setup in order, with a button, and every empty answer says what to do next', async () => {
    const chat = 'a:personal-admin-first-run';
    const admin = { kind: 'personal' as const, from: PEOPLE.admin, conversationId: chat };
    bot.connector.clear();
    await bot.send(installationAdd({ ...admin, locale: 'sv-SE' }));
    const welcome = cardOf(bot.connector.messagesTo(chat)[0]);
    const text = cardText(welcome);
    expect(text).toContain('Kom igång, i den här ordningen:');
    expect(text.indexOf('din organisation')).toBeLessThan(text.indexOf('Skapa ett forum'));
    expect(text.indexOf('Skapa ett forum')).toBeLessThan(text.indexOf('koppla forum'));
    // The button sends the command as if typed (Action.Submit), so the card stays in the chat.
    expect(JSON.stringify(welcome)).toContain('"data":{"command":"roller"}');
    bot.connector.clear();
    const pressed = message('', admin);
    pressed.value = { command: 'roller' };
    delete pressed.text;
    await bot.send(pressed);
    expect(cardText(cardOf(bot.connector.messagesTo(chat)[0]))).toContain(
      'Roller och organisationer',
    );

    // No organisation, no forum: `nytt ärende` tells an admin what to do, not to ask an admin.
    const reply = async (text: string, o: Parameters<typeof message>[1] = admin) => {
      bot.connector.clear();
      await bot.send(message(text, o));
      return seen(bot.connector.sent).join('\n');
    };
    let answer = await reply('nytt ärende');
    expect(answer).toContain('roller');
    expect(answer).not.toMatch(/Be en administratör/);
    expect(await reply('forum')).toContain('Det finns inga forum ännu. Lägg till dig själv');

    // Step 1 through the roles card; a submit without an organisation keeps the user picked.
    const missing = await bot.send(
      actionExecute('people.addOrganisation', { userId: PEOPLE.admin.aadObjectId }, admin),
    );
    const missingCard = invokeCard(missing);
    expect(cardText(missingCard)).toContain('Välj en organisation först. Inget ändrades.');
    expect(JSON.stringify(missingCard)).toContain(`"value":"${PEOPLE.admin.aadObjectId}"`);
    expect(cardText(missingCard)).not.toContain('(organisation)');
    await bot.send(
      actionExecute(
        'people.addOrganisation',
        { userId: PEOPLE.admin.aadObjectId, organisation: 'school' },
        admin,
      ),
    );
    expect(await reply('nytt ärende')).toContain('Skapa ett forum: skriv **nytt forum**.');

    // Step 2: a forum. Suggestions now name it, in an unlinked channel too.
    await bot.send(actionExecute('forums.create', FOSSAM_FORM, admin));
    const channel = {
      kind: 'channel' as const,
      from: PEOPLE.admin,
      conversationId: `19:${randomUUID()}@thread.tacv2`,
    };
    answer = await reply('nästa möte', channel);
    expect(answer).toContain('nästa möte Fossam');
    expect(answer).not.toContain('Fossam B');
    expect(await reply('nästa möte Fosam')).toContain('Forum som finns: Fossam.');

    // Step 3 is left: a new conversation's welcome shows steps 1–2 done.
    bot.connector.clear();
    await bot.send(installationAdd({ ...channel, locale: 'sv-SE' }));
    const later = cardText(cardOf(bot.connector.messagesTo(channel.conversationId)[0]));
    expect(later.match(/✅/g)).toHaveLength(2);
    expect(later).toContain('@Samverkan');
  });

  it('tells someone with no role what is missing and who can fix it', async () => {
    const person = newPerson();
    const o = { from: person, conversationId: `a:${randomUUID()}` };
    bot.connector.clear();
    await bot.send(installationAdd({ ...o, kind: 'personal', locale: 'sv-SE' }));
    const text = cardText(cardOf(bot.connector.messagesTo(o.conversationId)[0]));
    expect(text).toContain('Du har ingen roll ännu. Be en administratör');
    expect(text).not.toContain('Kom igång');
  });
});
