import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from 'mongodb';
import { ManualClock } from '../../src/core/clock';
import type { NewMessage } from '../../src/capabilities/delivery/delivery.service';
import { PEOPLE, TENANT, actionExecute, message, type TeamsActivity } from '../fixtures/activities';
import { FakeConnector, cardOf } from '../harness/fake-connector';
import { TestBot, cardText, invokeCard, invokeMessage, type HttpResult } from '../harness/test-bot';

const T0 = '2026-11-24T08:00:00Z';
const CHANNEL = '19:forum-skola@thread.tacv2';
const GONE_CHANNEL = '19:forum-removed@thread.tacv2';
const ADMIN_CHAT = { from: PEOPLE.admin, conversationId: 'a:personal-admin' };
const SECRET_TEXT = 'Påminnelse till Anna Lind om mötet';

/**
 * The whole app (TestBot) with delivery tuned for the test: fixed jitter and a short backoff.
 * `gone` lists the conversations the outbox reported gone (from the log, which names only ids).
 */
async function startWithDelivery(connector: FakeConnector, clock: ManualClock) {
  const bot = await TestBot.start({
    connector,
    clock,
    deliveryOptions: {
      random: () => 0.5,
      backoff: { baseMs: 2_000, maxMs: 60_000, maxRetryAfterMs: 3_600_000 },
    },
  });
  return {
    send: (activity: TeamsActivity): Promise<HttpResult> => bot.send(activity),
    stop: () => bot.app.stop(),
    delivery: () => bot.app.delivery,
    db: bot.db,
    logs: bot.logs,
    get gone(): string[] {
      return bot.logs
        .map((l) => JSON.parse(l) as { msg?: string; conversationId?: string })
        .filter((l) => l.msg === 'conversation gone')
        .map((l) => l.conversationId ?? '');
    },
  };
}

describe('proactive delivery through the real sender, bot and database', () => {
  const clock = new ManualClock(T0);
  let connector: FakeConnector;
  let app: Awaited<ReturnType<typeof startWithDelivery>>;
  let outbox: () => ReturnType<Db['collection']>;

  const reminder = (id: string, o: Partial<NewMessage> = {}): NewMessage => ({
    id,
    tenantId: TENANT,
    conversationId: CHANNEL,
    kind: 'reminder.deadline',
    payload: {
      text: SECRET_TEXT,
      card: {
        type: 'AdaptiveCard',
        $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
        version: '1.5',
        body: [{ type: 'TextBlock', text: SECRET_TEXT }],
      },
    },
    notBefore: clock.now(),
    refs: { forumId: 'forum-1', occurrenceId: id },
    ...o,
  });

  beforeAll(async () => {
    connector = await new FakeConnector().start();
    app = await startWithDelivery(connector, clock);
    outbox = () => app.db.collection('outbox');
    // The bot learns the two channels (and their references) when it is spoken to there.
    for (const conversationId of [CHANNEL, GONE_CHANNEL])
      await app.send(message('hjälp', { kind: 'channel', conversationId }));
    connector.clear();
  });
  afterAll(async () => {
    await app.stop();
    await connector.stop();
  });

  it('429 (Retry-After: 1), then 503, then 201: the reminder arrives exactly once', async () => {
    const requests = connector.requests;
    connector.respondNext(
      { status: 429, headers: { 'Retry-After': '1' } },
      { status: 503 },
      { status: 201 },
    );
    expect(await app.delivery().enqueue(reminder('reminder.deadline:occ-1'))).toBe('created');
    expect(await app.delivery().enqueue(reminder('reminder.deadline:occ-1'))).toBe('exists');

    expect(await app.delivery().deliverDue()).toMatchObject({ retried: 1, sent: 0 });
    expect(connector.requests - requests).toBe(1); // the SDK did not retry on its own
    clock.advance(1_000); // Retry-After honoured: 1 s + 0.5 × 2 s of jitter
    expect(await app.delivery().deliverDue()).toMatchObject({ claimed: 0 });
    clock.advance(1_000);
    expect(await app.delivery().deliverDue()).toMatchObject({ retried: 1 });
    expect(await outbox().findOne({ _id: 'reminder.deadline:occ-1' as never })).toMatchObject({
      status: 'pending',
      attempts: 2,
      lastError: { status: 503 },
    });
    clock.advance(2_000);
    expect(await app.delivery().deliverDue()).toMatchObject({ sent: 1 });
    clock.advance(60_000);
    expect(await app.delivery().deliverDue()).toMatchObject({ claimed: 0 });

    expect(connector.requests - requests).toBe(3);
    const sent = connector.messagesTo(CHANNEL);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.replyToId).toBeUndefined(); // a new post, not a reply
    expect(cardText(cardOf(sent[0]))).toContain(SECRET_TEXT);
    expect(await outbox().findOne({ _id: 'reminder.deadline:occ-1' as never })).toMatchObject({
      status: 'sent',
      attempts: 3,
    });
  });

  it('403: dead letter, the hook is called once, and that conversation gets no more requests', async () => {
    const requests = connector.requests;
    connector.respondNext({
      status: 403,
      body: {
        error: {
          code: 'BotNotInConversationRoster',
          message: 'The bot is not part of the conversation roster.',
        },
      },
    });
    for (const id of ['reminder.deadline:occ-2', 'reminder.meeting:occ-2'])
      await app.delivery().enqueue(reminder(id, { conversationId: GONE_CHANNEL }));
    expect(await app.delivery().deliverDue()).toMatchObject({ deadLettered: 2, sent: 0 });
    expect(connector.requests - requests).toBe(1);
    expect(app.gone).toEqual([GONE_CHANNEL]);

    clock.advance(60 * 60_000);
    await app
      .delivery()
      .enqueue(reminder('reminder.deadline:occ-3', { conversationId: GONE_CHANNEL }));
    expect(await app.delivery().deliverDue()).toMatchObject({ deadLettered: 1 });
    expect(connector.requests - requests).toBe(1);
    expect(app.gone).toEqual([GONE_CHANNEL]);
    expect(
      await outbox().countDocuments({ status: 'deadLettered', reason: 'conversationGone' }),
    ).toBe(3);
  });

  it('an admin sees the dead letters with "utkorg"; others are refused', async () => {
    connector.clear();
    await app.send(message('utkorg', ADMIN_CHAT));
    const text = cardText(cardOf(connector.sent[0]));
    expect(text).toContain('Utkorg');
    expect(text).toContain('Gick inte fram');
    expect(text).toContain(`reminder.deadline till ${GONE_CHANNEL}`);
    expect(text).toContain('403 BotNotInConversationRoster');
    expect(text).toContain('jag finns inte längre i konversationen');
    expect(text).toContain('delivery.retry');
    expect(text).not.toContain(SECRET_TEXT);

    connector.clear();
    await app.send(message('outbox', { ...ADMIN_CHAT, locale: 'en-US' }));
    expect(cardText(cardOf(connector.sent[0]))).toContain('Not delivered');

    connector.clear();
    await app.send(message('utkorg', { from: PEOPLE.bo }));
    expect(connector.sent[0]?.activity.text).toContain('Det får du tyvärr inte göra');
    const refused = await app.send(
      actionExecute('delivery.retry', { id: 'reminder.deadline:occ-2' }, { from: PEOPLE.bo }),
    );
    expect(invokeMessage(refused)).toContain('Det får du tyvärr inte göra');
  });

  it('"Försök igen" requeues the dead letter (audited), and the next pass sends it', async () => {
    connector.clear();
    const res = await app.send(
      actionExecute('delivery.retry', { id: 'reminder.deadline:occ-2' }, ADMIN_CHAT),
    );
    expect(res.status).toBe(200);
    expect(cardText(invokeCard(res))).toContain('reminder.deadline skickas igen inom kort.');
    expect(await app.db.collection('audit').findOne({ action: 'delivery.retry' })).toMatchObject({
      actorId: PEOPLE.admin.aadObjectId,
      target: 'reminder.deadline:occ-2',
    });
    const again = await app.send(
      actionExecute('delivery.retry', { id: 'reminder.deadline:occ-2' }, ADMIN_CHAT),
    );
    expect(cardText(invokeCard(again))).toContain('väntar redan eller har skickats');

    expect(await app.delivery().deliverDue()).toMatchObject({ sent: 1 });
    expect(connector.messagesTo(GONE_CHANNEL)).toHaveLength(1);
    expect(await outbox().findOne({ _id: 'reminder.deadline:occ-2' as never })).toMatchObject({
      status: 'sent',
      attempts: 1,
    });
  });

  it('refuses tampered retry invokes', async () => {
    for (const data of [{ id: { $gt: '' } }, { id: 'x', extra: true }, 'nope', {}]) {
      const res = await app.send(actionExecute('delivery.retry', data, ADMIN_CHAT));
      expect(invokeMessage(res)).toMatch(/Inget ändrades/);
    }
  });

  it('never logs message text', () => {
    expect(app.logs.length).toBeGreaterThan(10);
    expect(app.logs.some((l) => l.includes('outbox message sent'))).toBe(true);
    for (const line of app.logs) expect(line).not.toContain('Anna Lind');
  });
});
