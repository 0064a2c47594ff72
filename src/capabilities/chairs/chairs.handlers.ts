import { randomBytes } from 'node:crypto';
import type { ActionResult, Capability, Reply, TurnCtx } from '../../core/capability';
import { defineAction } from '../../core/capability';
import { AppError, isAppError } from '../../core/errors';
import type { OutcomeOption } from '../../core/outcomes';
import { authorize, type Permission } from '../../core/permissions';
import { describeError } from '../../core/router';
import { IdentifyingTextError, refusalLines } from '../anonymity';
import type { Forum } from '../forums';
import { meetingWhen } from '../meetings';
import type { AgendaService } from './agenda.service';
import { digestCard, minutesCard, startCard } from './chairs.cards';
import type { ChairForums, ChairPeople } from './chairs.ports';
import { openMinutesSchema, saveMinutesSchema, type SaveMinutes } from './chairs.schemas';
import type { MinutesContent } from './chairs.types';
import { emptyMinutes } from './chairs.types';
import { MinutesConflictError, type MinutesService, type MinutesView } from './minutes.service';

export const CHAIRS_VERBS = {
  openMinutes: 'chairs.openMinutes',
  saveMinutes: 'chairs.saveMinutes',
} as const;

const newToken = () => randomBytes(16).toString('base64url');

export interface ChairsHandlerDeps {
  agenda: AgendaService;
  minutes: MinutesService;
  forums: ChairForums;
  people: ChairPeople;
  outcomes: readonly OutcomeOption[];
}

/** `dagordning` / `agenda`, `protokoll` / `minutes`, and the minutes card's buttons. */
export function chairsCapability(d: ChairsHandlerDeps): Capability {
  const { agenda, minutes, forums } = d;

  /**
   * The forum a chair means: the one named, the one bound to this channel, or the only one they
   * chair; otherwise a question naming the forums.
   */
  const pickForum = async (
    ctx: TurnCtx,
    name: string | undefined,
    permission: Permission,
    command: string,
  ): Promise<Forum | string> => {
    authorize(ctx.actor, permission);
    if (name) {
      const named = await forums.findForumByName(ctx.actor.tenantId, name);
      if (named) return named;
    } else if (ctx.conversation.type !== 'personal') {
      const [here] = await forums.forumsInConversation(ctx.conversation.id);
      if (here) return here;
    }
    const mine = await agenda.forumsChairedBy(ctx.actor);
    if (!name && mine.length === 1) return mine[0]!;
    if (mine.length === 0) return ctx.t('chairs.noForums');
    return ctx.t('chairs.which', {
      command,
      example: mine[0]!.name,
      forums: mine.map((f) => f.name).join(', '),
    });
  };

  const showAgenda = async (ctx: TurnCtx, name: string | undefined): Promise<Reply[]> => {
    const forum = await pickForum(
      ctx,
      name,
      'agenda.view',
      ctx.locale === 'en' ? 'agenda' : 'dagordning',
    );
    if (typeof forum === 'string') return [{ text: forum }];
    const current = await agenda.currentAgenda(ctx.actor, forum);
    if (!current) return [{ text: ctx.t('chairs.agenda.noMeeting', { forum: forum.name }) }];
    return [{ card: digestCard(agenda.labels(ctx.locale), current, false) }];
  };

  const card = (
    ctx: TurnCtx,
    view: MinutesView,
    values: MinutesContent,
    revision: number,
    token: string,
    status?: { lines: string[]; good: boolean },
    review?: IdentifyingTextError,
  ) =>
    minutesCard(agenda.labels(ctx.locale), {
      ...view,
      outcomes: d.outcomes,
      values,
      revision,
      token,
      ...(status ? { status } : {}),
      ...(review ? { review } : {}),
    });

  const openCard = async (ctx: TurnCtx, meetingId: string): Promise<ActionResult> => {
    try {
      const view = await minutes.view(ctx.actor, meetingId);
      return {
        card: card(
          ctx,
          view,
          view.current ?? emptyMinutes(),
          view.current?.revision ?? 0,
          newToken(),
        ),
      };
    } catch (e) {
      return { text: await explain(ctx, e, meetingId) };
    }
  };

  const showMinutes = async (ctx: TurnCtx, name: string | undefined): Promise<Reply[]> => {
    const forum = await pickForum(
      ctx,
      name,
      'minutes.record',
      ctx.locale === 'en' ? 'minutes' : 'protokoll',
    );
    if (typeof forum === 'string') return [{ text: forum }];
    const meeting = await minutes.latestMeeting(ctx.actor, forum);
    if (!meeting) return [{ text: ctx.t('chairs.minutes.noMeeting', { forum: forum.name }) }];
    // In a channel the form opens for the one who clicks only (their inputs are not shown to all).
    if (ctx.conversation.type !== 'personal') return [{ card: startCard(ctx.t, forum, meeting) }];
    const result = await openCard(ctx, meeting.id);
    return ['card' in result ? { card: result.card } : { text: result.text }];
  };

  /** Refusals in words; forbidden and not found are passed on (the router says them). */
  const explain = async (ctx: TurnCtx, e: unknown, meetingId: string): Promise<string> => {
    if (!isAppError(e) || e.code === 'forbidden' || e.code === 'notFound') throw e;
    if (e.code === 'conflict') {
      switch (e.params.reason) {
        case 'meetingNotStarted': {
          const { meeting } = await startOf(ctx, meetingId);
          return ctx.t('chairs.minutes.notStarted', {
            when: meeting ? meetingWhen(meeting, ctx.locale) : '',
          });
        }
        case 'meetingNotHeld':
          return ctx.t('chairs.minutes.notHeld');
        case 'caseNotOnMeeting':
          return ctx.t('chairs.minutes.caseNotOnMeeting', { code: String(e.params.code ?? '') });
        case 'unknownOutcome':
          return ctx.t('chairs.minutes.unknownOutcome', { code: String(e.params.code ?? '') });
      }
    }
    return describeError(e, ctx.t, ctx.correlationId);
  };
  const startOf = async (ctx: TurnCtx, meetingId: string) => {
    const meeting = await agenda.meetingOf(ctx.actor.tenantId, meetingId);
    return { meeting };
  };

  const fieldLabel = (ctx: TurnCtx, field: string) =>
    field === 'general'
      ? ctx.t('chairs.field.general')
      : ctx.t('chairs.field.note', { code: field.replace(/^note\./, '') });

  const save = async (ctx: TurnCtx, data: SaveMinutes): Promise<ActionResult> => {
    const mine: MinutesContent = data;
    try {
      const result = await minutes.save(ctx.actor, data, ctx.operationId);
      ctx.log.info(
        { meetingId: data.meetingId, revision: result.record.revision },
        'minutes saved',
      );
      return { card: await receipt(ctx, result, result.over) };
    } catch (e) {
      if (e instanceof MinutesConflictError) {
        ctx.log.info(
          { meetingId: data.meetingId, fields: e.fields.length },
          'minutes changed meanwhile',
        );
        const view = await minutes.view(ctx.actor, data.meetingId);
        const name =
          (await d.people.profile(ctx.actor.tenantId, e.current.savedBy))?.displayName ?? '-';
        const fields = e.fields.map((f) => describeField(ctx, view, f)).join('; ');
        return {
          card: card(ctx, view, mine, e.current.revision, data.token, {
            lines: [
              ctx.t('chairs.minutes.changed', { name, revision: e.current.revision, fields }),
            ],
            good: false,
          }),
        };
      }
      if (e instanceof IdentifyingTextError) {
        ctx.log.info(
          {
            gate: e.findings.map((f) => `${f.field.split('.')[0]}:${f.type}`),
            warnings: e.warnings.length,
          },
          'minutes refused by the anonymity gate',
        );
        const view = await minutes.view(ctx.actor, data.meetingId);
        return {
          card: card(
            ctx,
            view,
            mine,
            data.baseRevision,
            data.token,
            { lines: refusalLines(ctx.t, e, (f) => fieldLabel(ctx, f)), good: false },
            e,
          ),
        };
      }
      const text = await explain(ctx, e, data.meetingId);
      if (
        !isAppError(e) ||
        e.code !== 'conflict' ||
        e.params.reason === 'meetingNotStarted' ||
        e.params.reason === 'meetingNotHeld'
      )
        return { text };
      const view = await minutes.view(ctx.actor, data.meetingId);
      return {
        card: card(ctx, view, mine, data.baseRevision, data.token, { lines: [text], good: false }),
      };
    }
  };

  const receipt = async (
    ctx: TurnCtx,
    view: MinutesView & { record: NonNullable<MinutesView['current']> },
    over?: { by: string; revision: number },
  ) => {
    const lines = [ctx.t('chairs.minutes.saved', { revision: view.record.revision })];
    if (over) {
      const name = (await d.people.profile(ctx.actor.tenantId, over.by))?.displayName ?? '-';
      lines.push(ctx.t('chairs.minutes.savedOver', { name, previous: over.revision }));
    }
    return card(ctx, view, view.record, view.record.revision, newToken(), { lines, good: true });
  };

  /** A field named for the chair: "närvaro för Skola", "utfallet för FOS-26-001" … */
  const describeField = (ctx: TurnCtx, view: MinutesView, field: string): string => {
    const [kind, ...rest] = field.split('.');
    const id = rest.join('.');
    switch (kind) {
      case 'att':
        return ctx.t('chairs.field.attendance', {
          organisation: agenda.labels(ctx.locale).orgName(id),
        });
      case 'out':
        return ctx.t('chairs.field.outcome', { code: id });
      case 'note':
        return ctx.t('chairs.field.note', { code: id }).toLowerCase();
      case 'fu':
        return ctx.t('chairs.field.followUp', {
          label: view.followUps.find((f) => f.ref === id)?.label(ctx.locale) ?? id,
        });
      default:
        return ctx.t('chairs.field.general').toLowerCase();
    }
  };

  return {
    name: 'chairs',
    help: [
      {
        command: { sv: 'dagordning', en: 'agenda' },
        description: 'chairs.help.agenda',
        permission: 'agenda.view',
      },
      {
        command: { sv: 'protokoll', en: 'minutes' },
        description: 'chairs.help.minutes',
        permission: 'minutes.record',
      },
    ],
    commands: [
      {
        id: 'chairs.agenda',
        patterns: [/^(dagordning|dagordningen|agenda)(?: (.{1,80}))?$/],
        handle: (ctx, match) => showAgenda(ctx, match[2]),
      },
      {
        id: 'chairs.minutes',
        patterns: [/^(protokoll|protokollet|minutes)(?: (.{1,80}))?$/],
        handle: (ctx, match) => showMinutes(ctx, match[2]),
      },
    ],
    actions: [
      defineAction({
        verb: CHAIRS_VERBS.openMinutes,
        schema: openMinutesSchema,
        handle: (ctx, data) => openCard(ctx, data.meetingId),
      }),
      defineAction({
        verb: CHAIRS_VERBS.saveMinutes,
        schema: saveMinutesSchema,
        handle: save,
        // The same card sent again (double click, redelivery, retry) gets the first receipt back.
        once: {
          replay: async (ctx, result) => {
            const meetingId = result.meetingId ?? '';
            const view = await minutes.view(ctx.actor, meetingId);
            const record = await minutes.revision(
              ctx.actor.tenantId,
              meetingId,
              Number(result.revision),
            );
            if (!record) throw new AppError('notFound');
            return { card: await receipt(ctx, { ...view, record }) };
          },
        },
      }),
    ],
  };
}
