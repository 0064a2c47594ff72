import { ANY_ROLE } from '../../core/actor';
import type { ActionResult, Capability, TurnCtx } from '../../core/capability';
import { defineAction } from '../../core/capability';
import { AppError, isAppError } from '../../core/errors';
import type { OrganisationDirectory } from '../../core/organisations';
import { describeError, invalidInput } from '../../core/router';
import { ZodError, z } from 'zod';
import type { Translate } from '../../i18n/i18n';
import { IdentifyingTextError } from '../anonymity/anonymity.fields';
import { reviewLines } from '../anonymity/anonymity.messages';
import type { PeopleService } from '../people/people.service';
import {
  bindCard,
  forumFormCard,
  forumListCard,
  meetingChangeCard,
  meetingWhen,
  meetingsCard,
} from './forums.cards';
import {
  type ForumForm,
  emptyFormValues,
  forumFormSchema,
  forumInputFromForm,
  formValues,
  formValuesOf,
} from './forums.form';
import { cancelMeetingSchema, forumInputSchema, moveMeetingSchema } from './forums.schemas';
import type { ForumsService } from './forums.service';
import type { Forum } from './forums.types';

const STAFF_ROLES = ANY_ROLE;

/** The forum cards' free-text fields, by the labels the user sees. */
const FIELD_LABELS = {
  reason: 'forums.meeting.reason',
  name: 'forums.form.name',
  place: 'forums.form.place',
} as const;

/** Every gate finding and warning, one line each, named by the field's label. */
function gateLines(t: Translate, e: IdentifyingTextError): string[] {
  const label = (field: string) =>
    field in FIELD_LABELS ? t(FIELD_LABELS[field as keyof typeof FIELD_LABELS]) : field;
  return [
    t('gate.intro'),
    ...reviewLines(t, e, label),
    ...(e.warnings.length > 0 ? [t('gate.warning.refused')] : []),
  ];
}

export function forumsCapability(
  forums: ForumsService,
  people: PeopleService,
  orgs: OrganisationDirectory,
): Capability {
  const upcoming = async (ctx: TurnCtx, forum: Forum, status = '') =>
    meetingsCard(
      ctx.t,
      ctx.locale,
      forum,
      await forums.upcomingMeetings(forum.tenantId, forum.id, 4),
      forums.canChangeMeetings(ctx.actor, forum),
      status,
    );

  const formUsers = async (ctx: TurnCtx) =>
    (await people.listUsers(ctx.actor)).map((u) => ({
      id: u.aadObjectId,
      name: u.displayName || u.aadObjectId,
    }));

  const nextMeetings = async (ctx: TurnCtx, name: string | undefined) => {
    let forum: Forum | null | undefined;
    if (name) forum = await forums.findForumByName(ctx.actor.tenantId, name);
    else [forum] = await forums.forumsInConversation(ctx.conversation.id);
    if (!forum) return [{ text: ctx.t(name ? 'forums.next.unknownForum' : 'forums.next.which') }];
    return [{ card: await upcoming(ctx, forum) }];
  };

  const meetingChange =
    (change: 'cancel' | 'move') =>
    async (
      ctx: TurnCtx,
      d: z.infer<typeof moveMeetingSchema> | z.infer<typeof cancelMeetingSchema>,
    ): Promise<ActionResult> => {
      try {
        const meeting =
          change === 'cancel'
            ? await forums.cancelMeeting(ctx.actor, d.meetingId, d.reason)
            : await forums.moveMeeting(
                ctx.actor,
                d.meetingId,
                (d as z.infer<typeof moveMeetingSchema>).date,
                d.reason,
                (d as z.infer<typeof moveMeetingSchema>).startTime,
              );
        const forum = await forums.getForum(ctx.actor.tenantId, meeting.forumId);
        if (!forum) throw new AppError('notFound');
        const status = ctx.t(
          change === 'cancel' ? 'forums.meeting.cancelled' : 'forums.meeting.moved',
          { when: meetingWhen(meeting, ctx.locale) },
        );
        return { card: await upcoming(ctx, forum, status) };
      } catch (e) {
        if (!isAppError(e) || e.code === 'forbidden' || e.code === 'notFound') throw e;
        const { forum, meeting } = await forums.meetingForChange(ctx.actor, d.meetingId);
        if (e instanceof IdentifyingTextError)
          ctx.log.info(
            {
              gate: e.findings.map((f) => `${f.field}:${f.type}`),
              warnings: e.warnings.map((w) => `${w.field}:${w.signals.join('+')}`),
            },
            'meeting change refused by the anonymity gate',
          );
        const error =
          e instanceof IdentifyingTextError
            ? gateLines(ctx.t, e)
            : e.code === 'conflict'
              ? ctx.t('forums.meeting.passed')
              : describeError(e, ctx.t, ctx.correlationId);
        return { card: meetingChangeCard(ctx.t, ctx.locale, forum, meeting, change, d, error) };
      }
    };

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
      if (e instanceof IdentifyingTextError) error = gateLines(ctx.t, e);
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
        roles: STAFF_ROLES,
      },
      {
        command: { sv: 'nästa möte', en: 'next meeting' },
        description: 'forums.cmd.next',
        roles: STAFF_ROLES,
      },
      {
        command: { sv: 'nytt forum', en: 'new forum' },
        description: 'forums.cmd.new',
        roles: ['admin'],
      },
      {
        command: { sv: 'koppla forum', en: 'link forum' },
        description: 'forums.cmd.link',
        roles: ['admin'],
      },
    ],
    commands: [
      {
        id: 'forums.list',
        patterns: [/^(forum|forums|forumlista|visa forum|list forums)$/],
        handle: async (ctx) => {
          const all = await forums.listForums(ctx.actor);
          const items = await Promise.all(
            all.map(async (forum) => ({
              forum,
              next: (await forums.upcomingMeetings(forum.tenantId, forum.id, 1))[0],
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
          if (!forum) return [{ text: ctx.t('forums.next.unknownForum') }];
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
          return [{ card: bindCard(ctx.t, candidates) }];
        },
      },
      {
        id: 'forums.next',
        patterns: [
          /^(nästa möte|nästa möten|next meeting|next meetings|möten|meetings)(?: (.{1,80}))?$/,
        ],
        handle: (ctx, match) => nextMeetings(ctx, match[2]),
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
      defineAction({
        verb: 'forums.meetingForm',
        schema: z
          .object({ meetingId: z.string().min(3).max(200), change: z.enum(['cancel', 'move']) })
          .strict(),
        handle: async (ctx, d) => {
          const { forum, meeting } = await forums.meetingForChange(ctx.actor, d.meetingId);
          return { card: meetingChangeCard(ctx.t, ctx.locale, forum, meeting, d.change) };
        },
      }),
      defineAction({
        verb: 'forums.cancelMeeting',
        schema: cancelMeetingSchema,
        handle: meetingChange('cancel'),
      }),
      defineAction({
        verb: 'forums.moveMeeting',
        schema: moveMeetingSchema,
        handle: meetingChange('move'),
      }),
    ],
  };
}
