import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock';
import { PEOPLE, actionExecute, message } from '../fixtures/activities';
import { FOSSAM_FORM } from '../fixtures/forums';
import { cardOf } from '../harness/fake-connector';
import { TestBot, cardText, inputValues, invokeCard, invokeMessage } from '../harness/test-bot';

const ADMIN_CHAT = { from: PEOPLE.admin, conversationId: 'a:personal-admin' };

/** The Action.OpenUrl target of a card (the export's download link). */
const openUrl = (card: unknown): string | undefined => {
  let found: string | undefined;
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (o.type === 'Action.OpenUrl' && typeof o.url === 'string') found = o.url;
      Object.values(o).forEach(walk);
    }
  };
  walk(card);
  return found;
};

/** Swedish Excel's CSV: BOM, `;`, quoted fields with doubled quotes. */
const parseCsv = (text: string): string[][] =>
  text
    .replace(/^\uFEFF/, '')
    .split('\r\n')
    .filter((l) => l !== '')
    .map((line) => {
      const out: string[] = [];
      let cur = '';
      let quoted = false;
      for (let i = 0; i < line.length; i++) {
        const ch = line[i]!;
        if (quoted) {
          if (ch === '"' && line[i + 1] === '"') {
            cur += '"';
            i++;
          } else if (ch === '"') quoted = false;
          else cur += ch;
        } else if (ch === '"') quoted = true;
        else if (ch === ';') {
          out.push(cur);
          cur = '';
        } else cur += ch;
      }
      out.push(cur);
      return out;
    });

describe('the audit log (granskningslogg) through the bot and HTTP', () => {
  const clock = new ManualClock('2026-11-24T08:00:00Z');
  let bot: TestBot;

  beforeAll(async () => {
    bot = await TestBot.start({ clock });
    await bot.send(message('hej', { from: PEOPLE.anna }));
    await bot.send(message('hej', { from: PEOPLE.bo }));
    await bot.send(message('hej', ADMIN_CHAT));
    const grant = await bot.send(
      actionExecute(
        'people.grantRole',
        { userId: PEOPLE.bo.aadObjectId, role: 'staff' },
        ADMIN_CHAT,
      ),
    );
    expect(cardText(invokeCard(grant))).toContain('Bo Ek');
    clock.advance(60_000);
    const forum = await bot.send(actionExecute('forums.create', FOSSAM_FORM, ADMIN_CHAT));
    expect(forum.status).toBe(200);
    expect(await bot.db.collection('forums').countDocuments()).toBe(1);
  });
  afterAll(async () => {
    await bot.stop();
  });

  it('shows an admin the latest entries: Stockholm time, name, roles, action, target, detail', async () => {
    bot.connector.clear();
    await bot.send(message('granskningslogg', ADMIN_CHAT));
    const card = cardOf(bot.connector.sent[0]);
    const text = cardText(card);
    expect(text).toContain('Granskningslogg');
    expect(text).toContain('2026-11-24 09:01 · Admin Adminsson (admin)');
    expect(text).toContain('forum.create · fossam');
    expect(text).toContain('2026-11-24 09:00 · Admin Adminsson (admin)');
    expect(text).toContain('role.grant · Bo Ek');
    expect(text).toContain('role=staff');
    expect(text).toContain('audit.filter');
    expect(text).not.toContain('Stadshuset'); // the forum's free text is never in the audit trail
    expect(text.indexOf('forum.create')).toBeLessThan(text.indexOf('role.grant'));

    bot.connector.clear();
    await bot.send(message('audit log', { ...ADMIN_CHAT, locale: 'en-US' }));
    expect(cardText(cardOf(bot.connector.sent[0]))).toContain('Audit log');
  });

  it('filters by user, entity and period, keeping the inputs', async () => {
    const byBo = await bot.send(
      actionExecute(
        'audit.filter',
        { user: PEOPLE.bo.aadObjectId, target: '', from: '', to: '' },
        ADMIN_CHAT,
      ),
    );
    expect(cardText(invokeCard(byBo))).toContain('Inga poster matchar.');
    expect(inputValues(invokeCard(byBo))).toMatchObject({ user: PEOPLE.bo.aadObjectId });

    const byAdmin = await bot.send(
      actionExecute(
        'audit.filter',
        { user: PEOPLE.admin.aadObjectId, target: 'fossam' },
        ADMIN_CHAT,
      ),
    );
    const text = cardText(invokeCard(byAdmin));
    expect(text).toContain('forum.create · fossam');
    expect(text).not.toContain('role.grant');
    expect(inputValues(invokeCard(byAdmin))).toMatchObject({
      user: PEOPLE.admin.aadObjectId,
      target: 'fossam',
    });

    const yesterday = await bot.send(
      actionExecute('audit.filter', { from: '2026-11-23', to: '2026-11-23' }, ADMIN_CHAT),
    );
    expect(cardText(invokeCard(yesterday))).toContain('Inga poster matchar.');
    const today = await bot.send(
      actionExecute('audit.filter', { from: '2026-11-24', to: '2026-11-24' }, ADMIN_CHAT),
    );
    expect(cardText(invokeCard(today))).toContain('De senaste 2 posterna');

    for (const bad of [{ target: 'Anna Lind har' }, { from: '2026-13-45' }, { extra: 1 }]) {
      const res = await bot.send(actionExecute('audit.filter', bad, ADMIN_CHAT));
      expect(invokeMessage(res)).toMatch(/Inget ändrades/);
    }
  });

  it('exports the filtered entries as CSV over HTTP, for 15 minutes', async () => {
    const res = await bot.send(
      actionExecute('audit.export', { user: PEOPLE.admin.aadObjectId }, ADMIN_CHAT),
    );
    const card = invokeCard(res);
    expect(cardText(card)).toContain('Exporten är klar: 2 poster.');
    const url = openUrl(card);
    expect(url).toMatch(
      new RegExp(`^${bot.app.url}/exports/audit/[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]{43}$`),
    );

    const download = await fetch(url!);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(download.headers.get('content-disposition')).toMatch(/attachment; filename=".+\.csv"/);
    const bytes = Buffer.from(await download.arrayBuffer());
    expect(bytes.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const rows = parseCsv(bytes.toString('utf8'));
    expect(rows[0]).toEqual([
      'Tid',
      'Användar-id',
      'Namn',
      'Roller',
      'Händelse',
      'Objekt',
      'Detaljer',
      'Korrelations-id',
    ]);
    expect(rows.slice(1).map((r) => [r[0], r[2], r[3], r[4], r[5], r[6]])).toEqual([
      ['2026-11-24 09:01:00', 'Admin Adminsson', 'admin', 'forum.create', 'fossam', ''],
      [
        '2026-11-24 09:00:00',
        'Admin Adminsson',
        'admin',
        'role.grant',
        PEOPLE.bo.aadObjectId,
        'role=staff',
      ],
    ]);
    for (const r of rows.slice(1)) expect(r[7]).toMatch(/.+/); // the turn's correlation id

    // The export itself is audited (count only, never the link), and so is the download: who
    // fetched which export.
    const exported = await bot.db.collection('audit').findOne({ action: 'audit.export' });
    expect(exported).toMatchObject({ target: 'audit', detail: { count: 2 } });
    const token = url!.split('/').pop()!;
    expect(JSON.stringify(exported)).not.toContain(token);
    const fetched = await bot.db.collection('audit').find({ action: 'export.download' }).toArray();
    expect(fetched).toHaveLength(1);
    expect(fetched[0]).toMatchObject({
      actorId: PEOPLE.admin.aadObjectId,
      target: expect.stringMatching(/^audit:[0-9a-f]{32}$/) as unknown,
    });
    expect(JSON.stringify(fetched)).not.toContain(token.split('.')[1]);

    // Tampered: another signature, another payload (someone else, a later expiry), another kind.
    const [payload, signature] = token.split('.') as [string, string];
    const fields = JSON.parse(Buffer.from(payload, 'base64url').toString()) as unknown[];
    const forged = (f: unknown[]) => Buffer.from(JSON.stringify(f)).toString('base64url');
    const flipped = `${signature.slice(0, -1)}${signature.endsWith('A') ? 'B' : 'A'}`;
    for (const bad of [
      `${bot.app.url}/exports/audit/${payload}.${flipped}`,
      `${bot.app.url}/exports/audit/${forged([1, fields[1], fields[2], PEOPLE.bo.aadObjectId, fields[4]])}.${signature}`,
      `${bot.app.url}/exports/audit/${forged([1, fields[1], fields[2], fields[3], Number(fields[4]) + 3600])}.${signature}`,
      `${bot.app.url}/exports/other/${token}`,
      `${bot.app.url}/exports/audit/${String(fields[1])}`,
    ]) {
      const res = await fetch(bad);
      expect(res.status, bad).toBe(404);
      expect(await res.text()).toBe('Not found');
    }
    expect(await bot.db.collection('audit').countDocuments({ action: 'export.download' })).toBe(1);

    clock.advance(15 * 60_000);
    const expired = await fetch(url!);
    expect(expired.status).toBe(404);
    expect(await expired.text()).toBe('Not found');
    await bot.app.tick();
    expect(await bot.db.collection('auditExports').countDocuments()).toBe(0);
  });

  it('answers 404 for unknown ids, malformed ids and unknown kinds, without internal text', async () => {
    for (const path of [
      `/exports/audit/${'0'.repeat(32)}`,
      '/exports/audit/not-an-id',
      `/exports/other/${'0'.repeat(32)}`,
      '/exports/audit/%7B%22%24gt%22%3A%22%22%7D',
    ]) {
      const res = await fetch(`${bot.app.url}${path}`);
      expect(res.status, path).toBe(404);
      expect(await res.text()).toBe('Not found');
    }
  });

  it("binds a link to the admin it was made for: it stops working when that admin's role is revoked", async () => {
    const boChat = { from: PEOPLE.bo, conversationId: 'a:personal-bo' };
    const grant = (verb: string) =>
      bot.send(actionExecute(verb, { userId: PEOPLE.bo.aadObjectId, role: 'admin' }, ADMIN_CHAT));
    await grant('people.grantRole');
    const url = openUrl(invokeCard(await bot.send(actionExecute('audit.export', {}, boChat))));
    const payload = JSON.parse(
      Buffer.from(url!.split('/').pop()!.split('.')[0]!, 'base64url').toString(),
    ) as unknown[];
    expect(payload[3]).toBe(PEOPLE.bo.aadObjectId); // made for Bo
    await grant('people.revokeRole');
    const res = await fetch(url!);
    expect(res.status).toBe(404);
    expect(await res.text()).toBe('Not found');
    await grant('people.grantRole');
    expect((await fetch(url!)).status).toBe(200);
    await grant('people.revokeRole');
    await bot.db.collection('auditExports').deleteMany({});
  });

  it('refuses a member of staff politely, for the command and the actions', async () => {
    bot.connector.clear();
    await bot.send(message('granskningslogg', { from: PEOPLE.bo }));
    expect(bot.connector.sent[0]?.activity.text).toContain('Det får du tyvärr inte göra');
    for (const verb of ['audit.filter', 'audit.export']) {
      const res = await bot.send(actionExecute(verb, {}, { from: PEOPLE.bo }));
      expect(invokeMessage(res)).toContain('Det får du tyvärr inte göra');
    }
    expect(await bot.db.collection('auditExports').countDocuments()).toBe(0);
  });

  it('lists the command on the help card for admins only', async () => {
    bot.connector.clear();
    await bot.send(message('hjälp', ADMIN_CHAT));
    expect(cardText(cardOf(bot.connector.sent[0]))).toContain('granskningslogg');
    bot.connector.clear();
    await bot.send(message('hjälp', { from: PEOPLE.bo }));
    expect(cardText(cardOf(bot.connector.sent[0]))).not.toContain('granskningslogg');
  });
});
