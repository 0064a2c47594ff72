import type { AdaptiveCardJson } from '../../cards/render';
import type { ActionResult, Capability, TurnCtx } from '../../core/capability';
import { defineAction } from '../../core/capability';
import { AppError, isAppError } from '../../core/errors';
import { authorize } from '../../core/permissions';
import { describeError } from '../../core/router';
import type { z } from 'zod';
import { IdentifyingTextError, refusalLines } from '../anonymity';
import { canChangeMeetingsOf, whichForum, type Forum, type ForumsService } from '../forums';
import { meetingChangeCard, meetingWhen, meetingsCard } from './meetings.cards';
import { cancelMeetingSchema, changeFormSchema, moveMeetingSchema } from './meetings.schemas';
import type { MeetingsService } from './meetings.service';

/** The meetings card of a forum: its coming meetings, with buttons for those who may change them. */
export const meetingsView = (meetings: MeetingsService) => ({
  card: async (ctx: TurnCtx, forum: Forum, status = ''): Promise<AdaptiveCardJson> =>
    meetingsCard(
      ctx.t,
      ctx.locale,
      forum,
      await meetings.meetingsAhead(forum.tenantId, forum.id, 4),
      canChangeMeetingsOf(ctx.actor, forum),
      status,
    ),
  next: async (tenantId: string, forumId: string) =>
    (await meetings.upcomingMeetings(tenantId, forumId, 1))[0],
});

/** `nästa möte` and the chairs' cancellations and moves. */
export function meetingsCapability(meetings: MeetingsService, forums: ForumsService): Capability {
  const view = meetingsView(meetings);

  const nextMeetings = async (ctx: TurnCtx, name: string | undefined) => {
    authorize(ctx.actor, 'meetings.view');
    let forum: Forum | null | undefined;
    if (name) forum = await forums.findForumByName(ctx.actor.tenantId, name);
    else [forum] = await forums.forumsInConversation(ctx.conversation.id);
    if (!forum) {
      const key = name ? 'forums.next.unknownForumOf' : 'forums.next.whichOf';
      return [{ text: await whichForum(forums, ctx, key) }];
    }
    return [{ card: await view.card(ctx, forum) }];
  };

  const change =
    (kind: 'cancel' | 'move') =>
    async (
      ctx: TurnCtx,
      d: z.infer<typeof moveMeetingSchema> | z.infer<typeof cancelMeetingSchema>,
    ): Promise<ActionResult> => {
      try {
        const meeting =
          kind === 'cancel'
            ? await meetings.cancelMeeting(ctx.actor, d.meetingId, d.reason)
            : await meetings.moveMeeting(
                ctx.actor,
                d.meetingId,
                (d as z.infer<typeof moveMeetingSchema>).date,
                d.reason,
                (d as z.infer<typeof moveMeetingSchema>).startTime,
              );
        const forum = await forums.getForum(ctx.actor.tenantId, meeting.forumId);
        if (!forum) throw new AppError('notFound');
        const status = ctx.t(
          kind === 'cancel' ? 'forums.meeting.cancelled' : 'forums.meeting.moved',
          { when: meetingWhen(meeting, ctx.locale) },
        );
        return { card: await view.card(ctx, forum, status) };
      } catch (e) {
        if (!isAppError(e) || e.code === 'forbidden' || e.code === 'notFound') throw e;
        const { forum, meeting } = await meetings.meetingForChange(ctx.actor, d.meetingId);
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
            ? refusalLines(ctx.t, e, () => ctx.t('forums.meeting.reason'))
            : e.code === 'conflict'
              ? ctx.t('forums.meeting.passed')
              : describeError(e, ctx.t, ctx.correlationId);
        return { card: meetingChangeCard(ctx.t, ctx.locale, forum, meeting, kind, d, error) };
      }
    };

  return {
    name: 'meetings',
    help: [
      {
        command: { sv: 'nästa möte', en: 'next meeting' },
        description: 'forums.cmd.next',
        permission: 'meetings.view',
      },
    ],
    commands: [
      {
        id: 'meetings.next',
        patterns: [
          /^(nästa möte|nästa möten|next meeting|next meetings|möten|meetings)(?: (.{1,80}))?$/,
        ],
        handle: (ctx, match) => nextMeetings(ctx, match[2]),
      },
    ],
    actions: [
      defineAction({
        verb: 'meetings.changeForm',
        schema: changeFormSchema,
        handle: async (ctx, d) => {
          const { forum, meeting } = await meetings.meetingForChange(ctx.actor, d.meetingId);
          return { card: meetingChangeCard(ctx.t, ctx.locale, forum, meeting, d.change) };
        },
      }),
      defineAction({
        verb: 'meetings.cancel',
        schema: cancelMeetingSchema,
        handle: change('cancel'),
      }),
      defineAction({ verb: 'meetings.move', schema: moveMeetingSchema, handle: change('move') }),
    ],
  };
}
