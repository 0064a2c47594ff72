import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock';
import type { Actor } from '../../src/core/actor';
import { BOT_ID, TENANT } from '../fixtures/activities';
import { FakeConnector } from '../harness/fake-connector';
import { TestBot, uniqueDbName } from '../harness/test-bot';

const FORUMS = 200;
const START = '2027-03-01T11:00:30Z'; // every forum's deadline reminder fell due 30 s ago

/** Two bot processes' worth of app on one database: each reminder must be sent exactly once. */
describe('two schedulers on one database', { timeout: 600_000 }, () => {
  let a: TestBot;
  let b: TestBot;
  const connector = new FakeConnector();

  beforeAll(async () => {
    await connector.start();
    const dbName = uniqueDbName('two');
    const env = { MEETINGS_HORIZON_DAYS: '14' }; // a short horizon keeps the setup of 200 forums quick
    a = await TestBot.start({ connector, dbName, env, clock: new ManualClock(START) });
    b = await TestBot.start({ connector, dbName, env, clock: new ManualClock(START) });
    const { forums, conversations } = a.app.services;
    const entries = Array.from({ length: FORUMS }, (_, i) => ({
      id: `forum-${i}`,
      name: `Forum ${i}`,
      code: 'FOR',
      organisations: ['school', 'socialServices'],
      schedule: {
        recurrence: { kind: 'weekly', interval: 1, weekdays: ['thursday'] },
        startTime: '13:00',
        durationMinutes: 120,
        firstDate: '2027-03-04',
        deadline: { workingDaysBefore: 2, time: '12:00' },
      },
    }));
    await forums.importForums(TENANT, entries, 'test');
    const admin: Actor = {
      tenantId: TENANT,
      aadObjectId: 'a0a0a0a0-0000-4000-8000-000000000001',
      displayName: 'Admin',
      roles: new Set(['admin']),
      organisations: [],
    };
    for (let i = 0; i < FORUMS; i++) {
      const conversation = {
        id: `19:forum-${i}@thread.tacv2`,
        tenantId: TENANT,
        type: 'channel' as const,
      };
      const reference = {
        channelId: 'msteams',
        serviceUrl: connector.url,
        bot: { id: BOT_ID, name: 'Samverkan' },
        conversation: {
          id: conversation.id,
          conversationType: 'channel',
          isGroup: true,
          tenantId: TENANT,
        },
      };
      await conversations.remember(conversation, reference, connector.url);
      await forums.bindForum(admin, `forum-${i}`, conversation);
    }
  }, 300_000);
  afterAll(async () => {
    await a.app.stop();
    await b.stop();
  }, 300_000);

  it(`sends each of ${FORUMS} reminders due in the same minute exactly once`, async () => {
    // A clock that stands still inside a pass gives the tenant one send window per pass (two
    // sends, whichever instance leases them): 100 pass pairs at best; the bound leaves room for
    // passes lost to the two instances' races on a loaded machine.
    for (let pass = 0; pass < 600 && connector.sent.length < FORUMS; pass++) {
      await Promise.all([a.app.tick(), b.app.tick()]);
      a.clock.advance(1_000);
      b.clock.advance(1_000);
    }
    const conversations = connector.sent.map((s) => s.conversationId);
    expect(conversations).toHaveLength(FORUMS);
    expect(new Set(conversations).size).toBe(FORUMS);
    expect(
      connector.sent.every((s) => JSON.stringify(s.activity).includes('Lyft ärenden till Forum')),
    ).toBe(true);
    // A few more passes send nothing more, and write the sends recorded beside the messages
    // into them (a pass that finds nothing due folds them, one instance at a time).
    await Promise.all([a.app.tick(), b.app.tick()]);
    expect(connector.sent).toHaveLength(FORUMS);
    const outbox = a.db.collection('outbox');
    expect(await outbox.countDocuments({ status: 'sent' })).toBe(FORUMS);
    expect(await outbox.countDocuments({ status: { $ne: 'sent' } })).toBe(0);
    expect(await a.db.collection('outboxSent').countDocuments({})).toBe(0);
  });
});
