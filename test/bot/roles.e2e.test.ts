import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PEOPLE, TENANT, actionExecute, message } from '../fixtures/activities';
import { cardOf } from '../harness/fake-connector';
import { TestBot, cardText, invokeCard, invokeMessage } from '../harness/test-bot';

const ADMIN_CHAT = { from: PEOPLE.admin, conversationId: 'a:personal-admin' };

describe('people and roles through the bot', () => {
  let bot: TestBot;
  const memberships = () =>
    bot.db
      .collection('memberships')
      .find({}, { projection: { _id: 0, grantedAt: 0 } })
      .toArray();
  const audit = () => bot.db.collection('audit').countDocuments();

  beforeAll(async () => {
    bot = await TestBot.start();
    // Users become known to the bot by writing to it.
    await bot.send(message('hej', { from: PEOPLE.anna }));
    await bot.send(message('hej', { from: PEOPLE.bo }));
  });
  afterAll(async () => {
    await bot.stop();
  });

  it('shows an admin the roles card with the users the bot knows', async () => {
    bot.connector.clear();
    await bot.send(message('roller', ADMIN_CHAT));
    const text = cardText(cardOf(bot.connector.sent[0]));
    expect(text).toContain('Roller och organisationer');
    expect(text).toContain('Anna Lind');
    expect(text).toContain('Bo Ek');
    expect(text).toContain('people.grantRole');
  });

  it('grants a role with Action.Execute: the card is replaced, the database and audit trail record it', async () => {
    const res = await bot.send(
      actionExecute(
        'people.grantRole',
        { userId: PEOPLE.anna.aadObjectId, role: 'chair', organisation: 'school' },
        ADMIN_CHAT,
      ),
    );
    expect(res.status).toBe(200);
    const card = invokeCard(res);
    expect(cardText(card)).toContain('Anna Lind har nu rollen ordförande.');
    expect(await memberships()).toEqual([
      {
        tenantId: TENANT,
        aadObjectId: PEOPLE.anna.aadObjectId,
        kind: 'role',
        value: 'chair',
        grantedBy: PEOPLE.admin.aadObjectId,
      },
    ]);
    expect(await audit()).toBe(1);
    const entry = await bot.db.collection('audit').findOne({ action: 'role.grant' });
    expect(entry).toMatchObject({ actorId: PEOPLE.admin.aadObjectId, roles: ['admin'] });
    expect(entry?.correlationId).toEqual(expect.any(String));

    const again = await bot.send(
      actionExecute(
        'people.grantRole',
        { userId: PEOPLE.anna.aadObjectId, role: 'chair' },
        ADMIN_CHAT,
      ),
    );
    expect(cardText(invokeCard(again))).toContain('hade redan rollen ordförande. Inget ändrades.');
    expect(await memberships()).toHaveLength(1);
    expect(await audit()).toBe(1);
  });

  it('adds a user to an organisation, and the user sees both in "vem är jag"', async () => {
    const res = await bot.send(
      actionExecute(
        'people.addOrganisation',
        { userId: PEOPLE.anna.aadObjectId, organisation: 'socialServices' },
        ADMIN_CHAT,
      ),
    );
    expect(cardText(invokeCard(res))).toContain('Anna Lind tillhör nu Socialtjänst (IFO).');
    bot.connector.clear();
    await bot.send(message('vem är jag', { from: PEOPLE.anna }));
    const text = cardText(cardOf(bot.connector.sent[0]));
    expect(text).toContain('ordförande');
    expect(text).toContain('Socialtjänst (IFO)');
  });

  it('refuses a non-admin politely, by command and by a crafted invoke, and changes nothing', async () => {
    const before = await memberships();
    bot.connector.clear();
    await bot.send(message('roller', { from: PEOPLE.bo }));
    expect(bot.connector.sent[0]?.activity.text).toContain('Det får du tyvärr inte göra');
    expect(cardOf(bot.connector.sent[0])).toBeUndefined();

    const res = await bot.send(
      actionExecute(
        'people.grantRole',
        { userId: PEOPLE.bo.aadObjectId, role: 'admin' },
        { from: PEOPLE.bo },
      ),
    );
    expect(invokeMessage(res)).toContain('Det får du tyvärr inte göra');
    expect(await memberships()).toEqual(before);
  });

  it('refuses tampered invokes with a clear message and stores nothing', async () => {
    const before = await memberships();
    const auditBefore = await audit();
    const tampered: [string, unknown][] = [
      ['people.grantRole', { userId: { $gt: '' }, role: 'admin' }],
      ['people.grantRole', { userId: PEOPLE.bo.aadObjectId, role: 'superuser' }],
      ['people.grantRole', { userId: PEOPLE.bo.aadObjectId, role: 'admin', isAdmin: true }],
      ['people.addOrganisation', { userId: PEOPLE.bo.aadObjectId, organisation: 'x'.repeat(5000) }],
      ['people.deleteEverything', { userId: PEOPLE.bo.aadObjectId }],
      ['people.grantRole', 'not an object'],
    ];
    for (const [verb, data] of tampered) {
      const res = await bot.send(actionExecute(verb, data, ADMIN_CHAT));
      expect(res.status).toBe(200);
      expect(invokeMessage(res)).toMatch(/Inget ändrades/);
    }
    expect(await memberships()).toEqual(before);
    expect(await audit()).toBe(auditBefore);
  });

  it('explains when the target is unknown or the admin role comes from configuration', async () => {
    const unknown = await bot.send(
      actionExecute(
        'people.grantRole',
        { userId: '12345678-1234-4234-8234-123456789012', role: 'staff' },
        ADMIN_CHAT,
      ),
    );
    expect(cardText(invokeCard(unknown))).toContain('finns inte');
    const configAdmin = await bot.send(
      actionExecute(
        'people.revokeRole',
        { userId: PEOPLE.admin.aadObjectId, role: 'admin' },
        ADMIN_CHAT,
      ),
    );
    expect(cardText(invokeCard(configAdmin))).toContain('administratör enligt konfigurationen');
  });

  it('revokes a role and keeps roles across a restart', async () => {
    await bot.send(
      actionExecute(
        'people.grantRole',
        { userId: PEOPLE.bo.aadObjectId, role: 'manager' },
        ADMIN_CHAT,
      ),
    );
    const res = await bot.send(
      actionExecute(
        'people.revokeRole',
        { userId: PEOPLE.anna.aadObjectId, role: 'chair' },
        ADMIN_CHAT,
      ),
    );
    expect(cardText(invokeCard(res))).toContain('Anna Lind har inte längre rollen ordförande.');
    await bot.restart();
    bot.connector.clear();
    await bot.send(message('vem är jag', { from: PEOPLE.bo, locale: 'en-US' }));
    const text = cardText(cardOf(bot.connector.sent[0]));
    expect(text).toContain('manager');
    expect(text).not.toContain('chair');
  });

  it('two instances on one database: a role granted or revoked on one counts on the very next turn on the other', async () => {
    const other = await TestBot.start({ dbName: bot.dbName });
    try {
      const EMMA_CHAT = { from: PEOPLE.emma, conversationId: 'a:personal-emma' };
      const asks = async (on: TestBot) => {
        on.connector.clear();
        await on.send(message('roller', EMMA_CHAT));
        return cardOf(on.connector.sent[0]) ? 'card' : on.connector.sent[0]?.activity.text;
      };
      // Emma is known to the other instance, without roles (what it read is kept per stamp).
      expect(await asks(other)).toContain('Det får du tyvärr inte göra');
      expect(await asks(other)).toContain('Det får du tyvärr inte göra');
      await bot.send(
        actionExecute(
          'people.grantRole',
          { userId: PEOPLE.emma.aadObjectId, role: 'admin' },
          ADMIN_CHAT,
        ),
      );
      expect(await asks(other)).toBe('card');
      expect(await asks(other)).toBe('card');
      await bot.send(
        actionExecute(
          'people.revokeRole',
          { userId: PEOPLE.emma.aadObjectId, role: 'admin' },
          ADMIN_CHAT,
        ),
      );
      expect(await asks(other)).toContain('Det får du tyvärr inte göra');
      // A change that died half way (its stamp left "changing") is never served from a cache:
      // the memberships are read afresh on every turn until the next change settles it.
      const stamps = bot.db.collection<{ _id: string; changing: boolean }>('userStamps');
      const emmaStamp = `${TENANT}:${PEOPLE.emma.aadObjectId}`;
      await stamps.updateOne({ _id: emmaStamp }, { $set: { changing: true } });
      await bot.db.collection('memberships').insertOne({
        _id: `${TENANT}:${PEOPLE.emma.aadObjectId}:role:admin` as never,
        tenantId: TENANT,
        aadObjectId: PEOPLE.emma.aadObjectId,
        kind: 'role',
        value: 'admin',
        grantedBy: PEOPLE.admin.aadObjectId,
        grantedAt: new Date(),
      });
      expect(await asks(other)).toBe('card');
      await bot.db.collection('memberships').deleteOne({
        _id: `${TENANT}:${PEOPLE.emma.aadObjectId}:role:admin` as never,
      });
      expect(await asks(other)).toContain('Det får du tyvärr inte göra');
    } finally {
      await other.stop();
    }
  });

  it('refuses a revoked role on the very next turn, with nothing cached across turns', async () => {
    const BO_CHAT = { from: PEOPLE.bo, conversationId: 'a:personal-bo' };
    await bot.send(
      actionExecute(
        'people.grantRole',
        { userId: PEOPLE.bo.aadObjectId, role: 'admin' },
        ADMIN_CHAT,
      ),
    );
    bot.connector.clear();
    await bot.send(message('roller', BO_CHAT));
    expect(cardText(cardOf(bot.connector.sent[0]))).toContain('Roller och organisationer');

    await bot.send(
      actionExecute(
        'people.revokeRole',
        { userId: PEOPLE.bo.aadObjectId, role: 'admin' },
        ADMIN_CHAT,
      ),
    );
    // Bo's next message and next card action, right after the revocation, are refused.
    bot.connector.clear();
    await bot.send(message('roller', BO_CHAT));
    expect(bot.connector.sent[0]?.activity.text).toContain('Det får du tyvärr inte göra');
    const before = await memberships();
    const auditBefore = await audit();
    const res = await bot.send(
      actionExecute(
        'people.grantRole',
        { userId: PEOPLE.anna.aadObjectId, role: 'admin' },
        BO_CHAT,
      ),
    );
    expect(invokeMessage(res)).toContain('Det får du tyvärr inte göra');
    expect(await memberships()).toEqual(before);
    expect(await audit()).toBe(auditBefore);
  });
});
