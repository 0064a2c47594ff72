import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../src/core/errors';
import type { DomainEvents } from '../../../src/core/events';
import { IdentifyingTextError } from '../../../src/capabilities/anonymity/anonymity.fields';
import { ForumImportError } from '../../../src/capabilities/forums/forums.service';
import type { ForumInput } from '../../../src/capabilities/forums/forums.schemas';
import {
  ADMIN,
  T,
  admin,
  anna,
  chair,
  forumInput,
  openForumsWorld,
  type ForumsWorld,
} from './world';

const GROUP = { id: '19:group@thread.v2', tenantId: T, type: 'groupChat' as const };
const CHANNEL = { id: '19:channel@thread.tacv2', tenantId: T, type: 'channel' as const };
const PERSONAL = { id: 'a:personal', tenantId: T, type: 'personal' as const };

/** The forums service on the real repository and journal of a fresh test database. */
describe('ForumsService', () => {
  let w: ForumsWorld;

  beforeEach(async () => {
    w = await openForumsWorld('2026-11-24T08:00:00Z');
  });
  afterEach(async () => {
    await w.close();
  });

  const stored = (id = 'fossam') => w.forums.getForum(T, id);
  const actions = async () => (await w.audit()).map((e) => [e.action, e.target]);
  const eventsOf = async (type: string) => (await w.events()).filter((e) => e.type === type);

  describe('creating and editing', () => {
    it('creates a forum for an admin: stored, audited and announced in one unit', async () => {
      const forum = await w.forums.createForum(admin, forumInput());
      expect(forum).toMatchObject({
        id: 'fossam',
        tenantId: T,
        createdBy: ADMIN,
        createdAt: w.clock.now(),
        updatedAt: w.clock.now(),
      });
      expect(await stored()).toEqual(forum);
      expect(w.units).toHaveLength(1);
      const unitId = w.units[0]!.id;
      expect(unitId).toMatch(/^forum\.create:/);
      expect(await w.audit()).toEqual([
        {
          _id: `${unitId}:a0`,
          at: w.clock.now(),
          tenantId: T,
          actorId: ADMIN,
          roles: ['admin'],
          action: 'forum.create',
          target: 'fossam',
        },
      ]);
      expect(await w.events()).toEqual([
        {
          _id: `${unitId}:e0`,
          type: 'forum.saved',
          tenantId: T,
          at: w.clock.now(),
          data: { forumId: 'fossam', by: admin.aadObjectId },
        },
      ]);
      expect(await w.count('journal')).toBe(0);
    });

    it('refuses non-admins, unknown organisations and identifying names, writing nothing', async () => {
      await expect(w.forums.createForum(chair, forumInput())).rejects.toEqual(
        new AppError('forbidden', { needs: 'admin' }),
      );
      await expect(
        w.forums.createForum(admin, forumInput({ organisations: ['school', 'mars'] })),
      ).rejects.toEqual(new AppError('invalidInput', { field: 'organisations' }));
      await expect(
        w.forums.createForum(admin, forumInput({ name: 'Om 121212-1212' })),
      ).rejects.toBeInstanceOf(IdentifyingTextError);
      expect(w.units).toEqual([]);
      expect(await w.count('forums')).toBe(0);
    });

    it('takes a forum name no dictionary holds ("Bosam"): a forum name is a proper name by design', async () => {
      const forum = await w.forums.createForum(admin, forumInput({ id: 'bosam', name: 'Bosam' }));
      expect(forum.name).toBe('Bosam');
      await expect(
        w.forums.createForum(admin, forumInput({ id: 'ksam', name: 'Ksam 070-123 45 67' })),
      ).rejects.toBeInstanceOf(IdentifyingTextError);
    });

    it('refuses a second forum with the same id as a conflict, leaving the first as it was', async () => {
      const first = await w.forums.createForum(admin, forumInput());
      w.clock.advance(60_000);
      await expect(
        w.forums.createForum(admin, forumInput({ name: 'Another Fossam', code: 'ANF' })),
      ).rejects.toEqual(new AppError('conflict', { reason: 'forumExists' }));
      expect(await stored()).toEqual(first);
      expect(await actions()).toEqual([['forum.create', 'fossam']]);
      expect(await w.events()).toHaveLength(1);
    });

    it('lets exactly one of two concurrent creations of the same id through', async () => {
      const results = await Promise.allSettled([
        w.forums.createForum(admin, forumInput({ name: 'First' })),
        w.forums.createForum(admin, forumInput({ name: 'Second' })),
      ]);
      const won = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
      const lost = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
      expect(won).toHaveLength(1);
      expect(lost).toEqual([new AppError('conflict', { reason: 'forumExists' })]);
      expect(await stored()).toEqual(won[0]);
      expect(await actions()).toEqual([['forum.create', 'fossam']]);
      expect(await w.events()).toHaveLength(1);
    });

    it('keeps the binding, the creation and the id when a forum is edited', async () => {
      const created = await w.forums.createForum(admin, forumInput());
      w.clock.advance(60_000);
      const bound = await w.forums.bindForum(admin, 'fossam', GROUP);
      w.clock.advance(60_000);
      const updated = await w.forums.updateForum(
        admin,
        forumInput({ name: 'Fossam Norr', organisations: ['school', 'police'] }),
      );
      expect(updated).toMatchObject({
        name: 'Fossam Norr',
        organisations: ['school', 'police'],
        binding: bound.binding,
        createdAt: created.createdAt,
        createdBy: ADMIN,
        updatedAt: w.clock.now(),
      });
      expect(await stored()).toEqual(updated);
      expect((await w.forums.forumsInConversation(GROUP.id)).map((f) => f.name)).toEqual([
        'Fossam Norr',
      ]);
      expect(await actions()).toEqual([
        ['forum.create', 'fossam'],
        ['forum.bind', 'fossam'],
        ['forum.update', 'fossam'],
      ]);
      expect((await eventsOf('forum.saved')).map((e) => e.data)).toEqual([
        { forumId: 'fossam', by: admin.aadObjectId },
        { forumId: 'fossam', by: admin.aadObjectId },
      ]);
    });

    it('edits only existing forums, and only for admins', async () => {
      await expect(w.forums.updateForum(admin, forumInput())).rejects.toEqual(
        new AppError('notFound'),
      );
      await w.forums.createForum(admin, forumInput());
      await expect(
        w.forums.updateForum(chair, forumInput({ name: 'Nätverket' })),
      ).rejects.toMatchObject({
        code: 'forbidden',
      });
      expect((await stored())?.name).toBe('Fossam');
    });
  });

  describe('binding', () => {
    beforeEach(async () => {
      await w.forums.createForum(admin, forumInput());
      w.clock.advance(60_000);
    });

    for (const conversation of [GROUP, CHANNEL]) {
      it(`binds a forum to a ${conversation.type} for an admin, announcing forum.bound`, async () => {
        const bound = await w.forums.bindForum(admin, 'fossam', conversation);
        expect(bound.binding).toEqual({
          conversationId: conversation.id,
          conversationType: conversation.type,
          boundAt: w.clock.now(),
          boundBy: ADMIN,
          status: 'active',
        });
        expect(await stored()).toEqual(bound);
        expect((await w.forums.forumsInConversation(conversation.id)).map((f) => f.id)).toEqual([
          'fossam',
        ]);
        expect((await eventsOf('forum.bound')).map((e) => e.data)).toEqual([
          { forumId: 'fossam', conversationId: conversation.id, by: ADMIN },
        ]);
        expect(await w.forums.setupState(anna)).toEqual({
          forums: 1,
          linkedForums: 1,
          forumsOfMyOrganisations: 1,
        });
      });
    }

    it('refuses a personal chat, non-admins and unknown forums, writing nothing', async () => {
      const before = w.units.length;
      await expect(w.forums.bindForum(admin, 'fossam', PERSONAL)).rejects.toEqual(
        new AppError('invalidInput', { field: 'conversation' }),
      );
      await expect(w.forums.bindForum(chair, 'fossam', GROUP)).rejects.toMatchObject({
        code: 'forbidden',
      });
      await expect(w.forums.bindForum(anna, 'fossam', CHANNEL)).rejects.toMatchObject({
        code: 'forbidden',
      });
      await expect(w.forums.bindForum(admin, 'nosuch', GROUP)).rejects.toEqual(
        new AppError('notFound'),
      );
      expect(w.units).toHaveLength(before);
      expect((await stored())?.binding).toBeUndefined();
      expect(await eventsOf('forum.bound')).toEqual([]);
    });
  });

  describe('broken bindings', () => {
    beforeEach(async () => {
      await w.forums.createForum(admin, forumInput());
      await w.forums.createForum(
        admin,
        forumInput({ id: 'skolforum', name: 'Skolforum', code: 'SKF' }),
      );
      await w.forums.createForum(
        admin,
        forumInput({ id: 'ungdom', name: 'Ungdomsforum', code: 'UNG' }),
      );
      w.clock.advance(60_000);
      await w.forums.bindForum(admin, 'fossam', GROUP);
      await w.forums.bindForum(admin, 'skolforum', GROUP);
      await w.forums.bindForum(admin, 'ungdom', CHANNEL);
      w.clock.advance(60_000);
    });

    const brokenEvents = async () =>
      (await eventsOf('forum.bindingBroken'))
        .map((e) => e.data as DomainEvents['forum.bindingBroken'])
        .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

    it('marks every forum bound to a gone conversation broken, once, with one event each', async () => {
      const brokenAt = w.clock.now();
      const broken = await w.forums.markBindingsBroken(GROUP.id);
      expect(broken.map((f) => f.id).sort()).toEqual(['fossam', 'skolforum']);
      expect((await stored('fossam'))?.binding).toMatchObject({
        conversationId: GROUP.id,
        status: 'broken',
        brokenAt,
      });
      // The other conversation's forum is untouched.
      expect((await stored('ungdom'))?.binding?.status).toBe('active');
      expect(await w.forums.forumsInConversation(GROUP.id)).toEqual([]);

      // Again (the event handled twice), later: nothing more is written.
      w.clock.advance(60_000);
      const units = w.units.length;
      expect(await w.forums.markBindingsBroken(GROUP.id)).toEqual([]);
      expect(w.units).toHaveLength(units);
      expect((await stored('fossam'))?.binding?.brokenAt).toEqual(brokenAt);
      expect(await brokenEvents()).toEqual([
        { forumId: 'fossam', conversationId: GROUP.id, brokenAt: brokenAt.toISOString() },
        { forumId: 'skolforum', conversationId: GROUP.id, brokenAt: brokenAt.toISOString() },
      ]);
      expect(
        (await w.audit()).filter((e) => e.action === 'forum.bindingBroken').map((e) => e.target),
      ).toEqual(expect.arrayContaining(['skolforum', 'fossam']));
      expect(
        (await w.audit()).filter((e) => e.action === 'forum.bindingBroken').map((e) => e.actorId),
      ).toEqual(['system', 'system']);
    });

    it('records one event per binding even when two handlers break it at once', async () => {
      await Promise.all([
        w.forums.markBindingsBroken(CHANNEL.id),
        w.forums.markBindingsBroken(CHANNEL.id),
      ]);
      expect((await brokenEvents()).map((d) => d.forumId)).toEqual(['ungdom']);
      expect(
        (await w.audit()).filter((e) => e.action === 'forum.bindingBroken').map((e) => e.target),
      ).toEqual(['ungdom']);
    });

    it('breaks a forum bound again (a new binding) once more', async () => {
      await w.forums.markBindingsBroken(CHANNEL.id);
      w.clock.advance(60_000);
      await w.forums.bindForum(admin, 'ungdom', CHANNEL);
      w.clock.advance(60_000);
      expect((await w.forums.markBindingsBroken(CHANNEL.id)).map((f) => f.id)).toEqual(['ungdom']);
      expect((await brokenEvents()).map((d) => d.forumId)).toEqual(['ungdom', 'ungdom']);
      expect(await w.forums.markBindingsBroken('19:unknown')).toEqual([]);
    });
  });

  describe('import', () => {
    const entry = (over: Partial<ForumInput> = {}): unknown => ({
      ...forumInput(),
      ...over,
    });

    it('imports every forum, each audited and announced', async () => {
      const entries = [
        entry({ id: 'skolforum', name: 'Skolforum', code: 'SKF' }),
        entry({ id: 'ungdom', name: 'Ungdomsforum', code: 'UNG' }),
      ];
      expect(await w.forums.validateImport(T, entries)).toBe(2);
      expect(await w.count('forums')).toBe(0);
      const created = await w.forums.importForums(T, entries, 'forums:import');
      expect(created.map((f) => [f.id, f.createdBy])).toEqual([
        ['skolforum', 'forums:import'],
        ['ungdom', 'forums:import'],
      ]);
      expect((await w.forums.listForums(admin)).map((f) => f.name)).toEqual([
        'Skolforum',
        'Ungdomsforum',
      ]);
      expect((await actions()).sort()).toEqual([
        ['forum.import', 'skolforum'],
        ['forum.import', 'ungdom'],
      ]);
      expect((await eventsOf('forum.saved')).map((e) => e.data)).toEqual(
        expect.arrayContaining([
          { forumId: 'skolforum', by: 'forums:import' },
          { forumId: 'ungdom', by: 'forums:import' },
        ]),
      );
    });

    it('two imports racing over the same forum: one imports all of its forums, the other nothing', async () => {
      const first = [
        entry({ id: 'skolforum', name: 'Skolforum', code: 'SKF' }),
        entry({ id: 'ungdom', name: 'Ungdomsforum', code: 'UNG' }),
      ];
      const second = [
        entry({ id: 'trygghet', name: 'Trygghetsforum', code: 'TRY' }),
        entry({ id: 'ungdom', name: 'Ungdomsforum', code: 'UNG' }),
      ];
      const results = await Promise.allSettled([
        w.forums.importForums(T, first, 'forums:import'),
        w.forums.importForums(T, second, 'forums:import'),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
      const won = results.findIndex((r) => r.status === 'fulfilled');
      const ids = (won === 0 ? first : second).map((e) => (e as { id: string }).id).sort();
      expect((await w.forums.listForums(admin)).map((f) => f.id).sort()).toEqual(ids);
      expect((await actions()).map(([, id]) => id).sort()).toEqual(ids);
      // The loser is told either way: its check found the winner's forum already there, or
      // (checked before the winner wrote) its claim lost and nothing was imported.
      const lost = results.find((r) => r.status === 'rejected');
      expect((lost?.reason as ForumImportError).problems.join(' ')).toMatch(
        /nothing was imported|"ungdom" already exists/,
      );
    });

    it('imports nothing when any entry has a problem, and names every problem', async () => {
      await w.forums.createForum(admin, forumInput());
      const entries = [
        entry({ id: 'skolforum', name: 'Skolforum', code: 'SKF' }), // fine on its own
        entry({
          id: 'ungdom',
          name: 'Ungdomsforum',
          code: 'UNG',
          organisations: ['school', 'mars'],
        }),
        entry({ id: 'fossam' }), // already exists
        entry({ id: 'skolforum', name: 'Skolforum 2', code: 'BOT' }), // twice in the file
        entry({ id: 'ledning', name: 'Ledningsforum', code: 'lower' }),
        entry({ id: 'trygghet', name: 'Trygghetsforum 121212-1212', code: 'TRY' }),
        null,
      ];
      const refused = w.forums.importForums(T, entries, 'forums:import');
      await expect(refused).rejects.toBeInstanceOf(ForumImportError);
      const problems = await refused.then(
        () => [] as string[],
        (e: ForumImportError) => e.problems,
      );
      expect(problems.filter((p) => !p.startsWith('forum #6'))).toEqual([
        'forum #2 (ungdom): organisations: unknown code(s) mars',
        'forum #3 (fossam): id: "fossam" already exists',
        'forum #4 (skolforum): id: "skolforum" appears twice in the file',
        expect.stringMatching(/^forum #5 \(ledning\): code: /),
        expect.stringMatching(/^forum #7: \(entry\): /),
      ]);
      // The anonymity gate's own wording aside: the personnummer in #6's name is named.
      expect(problems.filter((p) => p.startsWith('forum #6'))).toContainEqual(
        expect.stringMatching(/^forum #6 \(trygghet\): name: .*personnummer/),
      );
      await expect(w.forums.validateImport(T, entries)).rejects.toBeInstanceOf(ForumImportError);
      expect((await w.forums.listForums(admin)).map((f) => f.id)).toEqual(['fossam']);
      expect(await actions()).toEqual([['forum.create', 'fossam']]);
      expect(await w.events()).toHaveLength(1);
    });
  });

  describe('reading', () => {
    it('lists the tenant’s forums by name, for anyone with a role, and finds them by name', async () => {
      await w.forums.createForum(
        admin,
        forumInput({ id: 'ungdom', name: 'Ungdomsforum', code: 'UNG' }),
      );
      await w.forums.createForum(
        admin,
        forumInput({ id: 'skolforum', name: 'Skolforum', code: 'SKF', organisations: ['police'] }),
      );
      await w.forums.createForum(admin, forumInput());
      expect((await w.forums.listForums(anna)).map((f) => f.id)).toEqual([
        'fossam',
        'skolforum',
        'ungdom',
      ]);
      // (listForums refuses synchronously; `await` turns that into the same rejection.)
      await expect(async () =>
        w.forums.listForums({ ...anna, roles: new Set() }),
      ).rejects.toMatchObject({ code: 'forbidden' });
      expect((await w.forums.forumsForActor(anna)).map((f) => f.id)).toEqual(['fossam', 'ungdom']);
      expect(await w.forums.forumNames(T)).toEqual(['Fossam', 'Skolforum', 'Ungdomsforum']);
      expect((await w.forums.findForumByName(T, '  fossam '))?.id).toBe('fossam');
      expect((await w.forums.findForumByName(T, 'skf'))?.id).toBe('skolforum');
      expect(await w.forums.findForumByName(T, 'nothing')).toBeNull();
      expect(await w.forums.listForums({ ...anna, tenantId: 'tenant-2' })).toEqual([]);
      expect((await w.forums.allForums()).length).toBe(3);
    });
  });
});
