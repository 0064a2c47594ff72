/**
 * The anonymity gate end to end, over HTTP (issue #8): a combination that may identify a child
 * comes back as a warning with every input kept and can be confirmed; direct identifiers however
 * written are refused; a chair's reason goes through the same gate; every finding is listed
 * under its field with its sentence position; nothing the user typed reaches the logs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../src/core/audit';
import { ManualClock } from '../../src/core/clock';
import type { CaseRecord } from '../../src/capabilities/cases/cases.types';
import type { MeetingOverrideRecord } from '../../src/capabilities/meetings/meetings.types';
import { PEOPLE, actionExecute, message, cardToken } from '../fixtures/activities';
import { FOSSAM_FORM } from '../fixtures/forums';
import { TestBot, cardText, inputValues, invokeCard } from '../harness/test-bot';

const ADMIN_CHAT = { from: PEOPLE.admin, conversationId: 'a:personal-admin' };
const NOW = '2027-03-01T08:00:00Z';

/** A case form as Teams sends it: only the inputs that are set (no toggle before a warning). */
const FORM = {
  meetingId: 'fossam:2027-03-11',
  organisation: 'school',
  ageBand: 'grades7to9',
  concerns: 'schoolAbsence,peerRelations',
  description:
    'Eleven i 7B på Vallaskolan som använder rullstol blir utfryst på rasterna och har slutat komma.',
  tried: 'Samtal med mentor och kurator, anpassat schema.',
  question: 'Hur kan vi stötta eleven tillbaka till skolan?',
  urgency: 'normal',
};

describe('the anonymity gate through the bot', () => {
  let bot: TestBot;
  const cases = () => bot.db.collection<CaseRecord>('cases').find({}).toArray();
  const submit = (data: Record<string, string>, locale?: string) =>
    bot.send(
      actionExecute(
        'cases.submit',
        { token: data.token ?? cardToken(), ...data },
        { from: PEOPLE.anna, ...(locale ? { locale } : {}) },
      ),
    );

  beforeAll(async () => {
    bot = await TestBot.start({ clock: new ManualClock(NOW) });
    await bot.send(message('hej', { from: PEOPLE.anna }));
    const userId = PEOPLE.anna.aadObjectId;
    await bot.send(actionExecute('people.grantRole', { userId, role: 'staff' }, ADMIN_CHAT));
    await bot.send(
      actionExecute('people.addOrganisation', { userId, organisation: 'school' }, ADMIN_CHAT),
    );
    expect(
      cardText(invokeCard(await bot.send(actionExecute('forums.create', FOSSAM_FORM, ADMIN_CHAT)))),
    ).toContain('är skapat');
  });
  afterAll(async () => {
    await bot.stop();
  });

  it('warns on a configured school, a class and a rare detail, keeps every input, stores nothing; confirming stores the case with who and when', async () => {
    const warned = invokeCard(await submit(FORM));
    const text = cardText(warned);
    expect(text).toContain('Kontrollera texten: den kan peka ut barnet');
    expect(text).toContain(
      "Fältet 'Kort beskrivning av situationen' nämner en namngiven skola eller enhet, en klass eller avdelning och en ovanlig omständighet eller en beskrivning som pekar ut barnet i första meningen.",
    );
    expect(text).toContain('IMY räknar sådana kombinationer som personuppgifter');
    expect(text).toContain('skriv årskurs i stället för klass');
    expect(text).toContain('Jag har kontrollerat: texten kan inte identifiera barnet');
    expect(text).not.toContain('Inget sparades. Texten verkar innehålla');
    // Every input kept, and the confirmation toggle offered, unticked.
    expect(inputValues(warned)).toEqual({ ...FORM, confirmAnonymous: 'false' });
    expect(await cases()).toEqual([]);

    // Unticked, the toggle may come as "false": still only a warning.
    const again = invokeCard(await submit({ ...FORM, confirmAnonymous: 'false' }));
    expect(cardText(again)).toContain('Kontrollera texten');
    expect(await cases()).toEqual([]);

    bot.clock.set('2027-03-01T08:05:00Z');
    const receipt = invokeCard(await submit({ ...FORM, confirmAnonymous: 'true' }));
    expect(cardText(receipt)).toContain('FOS-27-001');
    const [stored] = await cases();
    expect(stored).toMatchObject({
      code: 'FOS-27-001',
      description: FORM.description,
      anonymityConfirmation: {
        by: PEOPLE.anna.aadObjectId,
        at: new Date('2027-03-01T08:05:00Z'),
        fields: ['description'],
        signals: ['unit', 'group', 'detail'],
      },
    });
    const audit = await bot.db
      .collection<AuditEntry>('audit')
      .find({ action: 'case.submit' })
      .toArray();
    expect(audit).toHaveLength(1);
    expect(audit[0]?.detail).toMatchObject({
      warningConfirmed: true,
      warningSignals: 'unit,group,detail',
    });
    expect(JSON.stringify(audit)).not.toContain('Vallaskolan');
    expect(JSON.stringify(audit)).not.toContain('rullstol');
  });

  it('warns in English when the user speaks English', async () => {
    const card = invokeCard(await submit(FORM, 'en-GB'));
    const text = cardText(card);
    expect(text).toContain('Please check the text: it could point out the child');
    expect(text).toContain(
      "The field 'Short description of the situation' mentions a named school or unit, a class or preschool group and a rare circumstance or a description that singles the child out in the first sentence.",
    );
    expect(text).toContain('I have checked: this cannot identify the child');
  });

  it('refuses a personnummer with every digit spaced, keeps every input, stores nothing', async () => {
    const before = (await cases()).length;
    const data = {
      ...FORM,
      description: 'Eleven har hög frånvaro sedan sportlovet.',
      tried: 'Skolan har pnr 1 3 0 4 1 2 3 3 8 5 i sitt system och har ringt hem.',
    };
    const card = invokeCard(await submit(data));
    const text = cardText(card);
    expect(text).toContain('Inget sparades.');
    expect(text).toContain(
      "Fältet 'Vad har ni provat?' innehåller ett personnummer eller samordningsnummer i första meningen.",
    );
    expect(inputValues(card)).toEqual(data);
    expect((await cases()).length).toBe(before);
  });

  it('lists every finding in one field with its sentence position', async () => {
    const before = (await cases()).length;
    const data = {
      ...FORM,
      description:
        'Eleven har hög frånvaro sedan jul. Hon heter Vendela Ek. Mamman nås på 070-123 45 67.',
    };
    const card = invokeCard(await submit(data));
    const text = cardText(card);
    for (const line of [
      "Fältet 'Kort beskrivning av situationen' innehåller ett namn i andra meningen.",
      "Fältet 'Kort beskrivning av situationen' innehåller ett telefonnummer i tredje meningen.",
      'Det här fältet innehåller ett namn i andra meningen. Skriv om det.',
      'Det här fältet innehåller ett telefonnummer i tredje meningen. Skriv om det.',
    ])
      expect(text).toContain(line);
    expect(inputValues(card)).toEqual(data);
    expect((await cases()).length).toBe(before);
  });

  it('stores free text without control and format characters', async () => {
    const data = {
      ...FORM,
      description: 'Eleven\u200b har hög\u202e frånvaro\u00ad sedan\u2066 jul.',
      tried: 'Samtal\u{e0041} med mentor.\u0007',
      question: 'Vad\u3164 kan vi göra?\u200f',
    };
    expect(cardText(invokeCard(await submit(data)))).toContain('FOS-27-');
    const stored = (await cases()).at(-1);
    expect(stored).toMatchObject({
      description: 'Eleven har hög frånvaro sedan jul.',
      tried: 'Samtal med mentor.',
      question: 'Vad kan vi göra?',
    });
  });

  it("refuses a chair's cancellation reason that names someone in lower case; nothing is stored", async () => {
    const overrides = () =>
      bot.db.collection<MeetingOverrideRecord>('meetingOverrides').countDocuments();
    const before = await overrides();
    const card = invokeCard(
      await bot.send(
        actionExecute(
          'meetings.cancel',
          { meetingId: 'fossam:2027-03-18', reason: 'vilmer är sjuk' },
          ADMIN_CHAT,
        ),
      ),
    );
    const text = cardText(card);
    expect(text).toContain("Fältet 'Anledning' innehåller ett namn i första meningen.");
    expect(inputValues(card)).toMatchObject({ reason: 'vilmer är sjuk' });
    expect(await overrides()).toBe(before);
    const meeting = await bot.db
      .collection<{ _id: string; status: string }>('meetings')
      .findOne({ _id: { $regex: 'fossam:2027-03-18$' } });
    expect(meeting?.status).not.toBe('cancelled');
  });

  it('writes nothing the users typed to the logs', () => {
    for (const line of bot.logs)
      for (const secret of ['Vallaskolan', 'rullstol', 'Vendela', '070-123', '1 3 0 4', 'vilmer'])
        expect(line).not.toContain(secret);
    expect(bot.logs.some((l) => l.includes('held by the anonymity gate'))).toBe(true);
  });
});
