import type { ActionResult, Capability, TurnCtx } from '../../core/capability';
import { defineAction } from '../../core/capability';
import { isAppError } from '../../core/errors';
import type { OrganisationDirectory } from '../../core/organisations';
import { describeError, invalidInput } from '../../core/router';
import { ZodError, z } from 'zod';
import type { PeopleService } from '../people';
import type { AdaptiveCardJson } from '../../cards/render';
import type { Meeting } from '../meetings';
import { IdentifyingTextError, refusalLines } from '../anonymity';
import { bindCard, forumFormCard, forumListCard } from './forums.cards';
import { nothingYet, whichForum } from './forums.suggest';
import {
  type ForumForm,
  emptyFormValues,
  forumFormSchema,
  forumInputFromForm,
  formValues,
  formValuesOf,
} from './forums.form';
import { forumInputSchema } from './forums.schemas';
import type { ForumsService } from './forums.service';
import type { Forum } from './forums.types';

/** What the forum cards show of meetings; the meetings module provides it (it is built later). */
export interface ForumMeetingsView {
  card(ctx: TurnCtx, forum: Forum, status?: string): Promise<AdaptiveCardJson>;
  next(tenantId: string, forumId: string): Promise<Meeting | undefined>;
}

export function forumsCapability(
  forums: ForumsService,
  people: PeopleService,
  orgs: OrganisationDirectory,
  meetings: () => ForumMeetingsView,
): Capability {
  /** After a change, the forum is shown with its coming meetings (the meetings capability's card). */
  const upcoming = (ctx: TurnCtx, forum: Forum, status = '') => meetings().card(ctx, forum, status);

  const formUsers = async (ctx: TurnCtx) =>
    (await people.listUsers(ctx.actor)).map((u) => ({
      id: u.aadObjectId,
      name: u.displayName || u.aadObjectId,
    }));

  /** Creates (no id) or updates a forum from the card; on a problem the form comes back, inputs kept. */
  const save = async (
    ctx: TurnCtx,
    form: ForumForm,
    forumId: string | undefined,
  ): Promise<ActionResult> => {
    const existing = forumId ? await forums.getForum(ctx.actor.tenantId, forumId) : undefined;
    try {
      const input = forumInputSchema.parse({
        ...forumInputFromForm(form),
        ...(existing ? { id: existing.id } : {}),
      });
      const forum = existing
        ? await forums.updateForum(ctx.actor, input)
        : await forums.createForum(ctx.actor, input);
      return {
        card: await upcoming(
          ctx,
          forum,
          ctx.t(existing ? 'forums.updated' : 'forums.created', { name: forum.name }),
        ),
      };
    } catch (e) {
      let error: string | string[];
      if (e instanceof IdentifyingTextError)
        error = refusalLines(ctx.t, e, (field) =>
          field === 'place' ? ctx.t('forums.form.place') : ctx.t('forums.form.name'),
        );
      else if (e instanceof ZodError)
        error = ctx.t('forums.form.invalid', { field: String(invalidInput(e).params.field) });
      else if (isAppError(e) && e.code === 'conflict') error = ctx.t('forums.form.exists');
      else if (isAppError(e) && e.code !== 'forbidden')
        error = describeError(e, ctx.t, ctx.correlationId);
      else throw e;
      return {
        card: forumFormCard(
          ctx.t,
          ctx.locale,
          orgs,
          await formUsers(ctx),
          formValues(form),
          error,
          existing ?? undefined,
        ),
      };
    }
  };

  return {
    name: 'forums',
    help: [
      {
        command: { sv: 'forum', en: 'forums' },
        description: 'forums.cmd.list',
        permission: 'forums.view',
      },
      {
        command: { sv: 'nytt forum', en: 'new forum' },
        description: 'forums.cmd.new',
        permission: 'forums.manage',
      },
      {
        command: { sv: 'koppla forum', en: 'link forum' },
        description: 'forums.cmd.link',
        permission: 'forums.manage',
      },
    ],
    commands: [
      {
        id: 'forums.list',
        patterns: [/^(forum|forums|forumlista|visa forum|list forums)$/],
        handle: async (ctx) => {
          const all = await forums.listForums(ctx.actor);
          if (all.length === 0)
            return [{ text: await nothingYet(forums, ctx, 'forums.list.empty') }];
          const items = await Promise.all(
            all.map(async (forum) => ({
              forum,
              next: await meetings().next(forum.tenantId, forum.id),
            })),
          );
          return [{ card: forumListCard(ctx.t, ctx.locale, orgs, items) }];
        },
      },
      {
        id: 'forums.new',
        patterns: [/^(nytt forum|new forum|skapa forum|create forum)$/],
        handle: async (ctx) => {
          const users = await formUsers(ctx);
          return [
            {
              card: forumFormCard(
                ctx.t,
                ctx.locale,
                orgs,
                users,
                emptyFormValues(ctx.now.toISOString().slice(0, 10)),
              ),
            },
          ];
        },
      },
      {
        id: 'forums.edit',
        patterns: [/^(ändra forum|edit forum) (.{1,80})$/],
        handle: async (ctx, match) => {
          const users = await formUsers(ctx); // admins only (the service refuses others)
          const forum = await forums.findForumByName(ctx.actor.tenantId, match[2] ?? '');
          if (!forum)
            return [{ text: await whichForum(forums, ctx, 'forums.next.unknownForumOf') }];
          return [
            { card: forumFormCard(ctx.t, ctx.locale, orgs, users, formValuesOf(forum), '', forum) },
          ];
        },
      },
      {
        id: 'forums.link',
        patterns: [/^(koppla forum|link forum)$/],
        handle: async (ctx) => {
          const candidates = await forums.forumsForBinding(ctx.actor);
          if (ctx.conversation.type === 'personal')
            return [{ text: ctx.t('forums.bind.personal') }];
          if (candidates.length === 0) return [{ text: ctx.t('forums.bind.empty') }];
          return [{ card: bindCard(ctx.t, candidates) }];
        },
      },
    ],
    actions: [
      defineAction({
        verb: 'forums.create',
        schema: forumFormSchema,
        handle: (ctx, form) => save(ctx, form, undefined),
      }),
      defineAction({
        verb: 'forums.update',
        schema: forumFormSchema.extend({ forumId: z.string().min(1).max(40) }).strict(),
        handle: (ctx, { forumId, ...form }) => save(ctx, form, forumId),
      }),
      defineAction({
        verb: 'forums.bind',
        schema: z.object({ forumId: z.string().min(1).max(40) }).strict(),
        handle: async (ctx, d) => {
          const forum = await forums.bindForum(ctx.actor, d.forumId, ctx.conversation);
          return { card: await upcoming(ctx, forum, ctx.t('forums.bound', { name: forum.name })) };
        },
      }),
    ],
  };
}
