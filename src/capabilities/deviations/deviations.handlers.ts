import type { ActionResult, Capability, Reply, TurnCtx } from '../../core/capability';
import { defineAction } from '../../core/capability';
import { isAppError, type AppError } from '../../core/errors';
import type { OrganisationDirectory } from '../../core/organisations';
import { describeError } from '../../core/router';
import type { MessageKey } from '../../i18n/i18n';
import { IdentifyingCombinationWarning, IdentifyingTextError } from '../anonymity';
import type { DetailState, FormState } from './deviations.cards';
import {
  detailCard,
  deviationFormCard,
  listCard,
  receiptCard,
  startCard,
  stateName,
} from './deviations.cards';
import { ABSENT_CATEGORY } from './deviations.config';
import type {
  AnswerData,
  CodeInput,
  EscalateData,
  ListData,
  OpenDeviation,
  SubmitDeviation,
} from './deviations.schemas';
import {
  answerSchema,
  codeSchema,
  escalateSchema,
  listSchema,
  openDeviationSchema,
  submitDeviationSchema,
} from './deviations.schemas';
import type { DeviationsService } from './deviations.service';
import type { DeviationRecord, DeviationState } from './deviations.types';

export const DEVIATIONS_VERBS = {
  open: 'deviations.open',
  submit: 'deviations.submit',
  list: 'deviations.list',
  show: 'deviations.show',
  take: 'deviations.take',
  answer: 'deviations.answer',
  escalate: 'deviations.escalate',
  close: 'deviations.close',
} as const;

/** Why a field of the report was refused: the message the form shows (inputs kept). */
const INVALID: Readonly<Record<string, MessageKey>> = {
  'occurredOn:future': 'deviations.invalid.future',
  'occurredOn:tooOld': 'deviations.invalid.tooOld',
  'occurredOn:date': 'deviations.invalid.date',
  reportingOrganisation: 'deviations.invalid.reportingOrganisation',
  concerned: 'deviations.invalid.concerned',
  category: 'deviations.invalid.category',
  forumId: 'deviations.invalid.forum',
};

export function deviationsCapability(
  service: DeviationsService,
  orgs: OrganisationDirectory,
): Capability {
  const config = service.config;
  const personal = (ctx: TurnCtx) => ctx.conversation.type === 'personal';

  const form = async (
    ctx: TurnCtx,
    data: OpenDeviation = {},
    state?: FormState,
  ): Promise<Reply> => {
    const options = await service.formOptions(ctx.actor);
    let prefill = state;
    if (!prefill && data.absentFrom) {
      // The chair's offer after minutes recorded an organisation absent: prefilled, not sent.
      const [forumId = '', date = ''] = data.absentFrom.split(':');
      const known = data.organisation && orgs.codes().includes(data.organisation);
      prefill = {
        values: {
          occurredOn: date,
          ...(options.forums.some((f) => f.id === forumId) ? { forumId } : {}),
          ...(known && data.organisation ? { concerned: [data.organisation] } : {}),
          ...(config.categories.some((c) => c.code === ABSENT_CATEGORY)
            ? { category: ABSENT_CATEGORY }
            : {}),
          description: ctx.t('deviations.form.absentDescription'),
        },
        status: ctx.t('deviations.form.absentConfirm'),
      };
    }
    return { card: deviationFormCard(ctx, options, orgs, config, ctx.now, prefill) };
  };

  const forumNames = async (ctx: TurnCtx) =>
    Object.fromEntries((await service.formOptions(ctx.actor)).forums.map((f) => [f.id, f.name]));

  const conflictText = (e: AppError, ctx: TurnCtx): string =>
    e.params.reason === 'state'
      ? ctx.t('deviations.conflict.state', {
          state: stateName(ctx.t, e.params.state as DeviationState),
        })
      : e.params.reason === 'changed'
        ? ctx.t('deviations.conflict.changed')
        : describeError(e, ctx.t, ctx.correlationId);

  const submit = async (ctx: TurnCtx, data: SubmitDeviation): Promise<ActionResult> => {
    const values = { ...data };
    try {
      const record = await service.report(ctx.actor, data, ctx.operationId);
      ctx.log.info({ deviationCode: record.code }, 'deviation reported');
      return { card: receiptCard(ctx, record, orgs, config, await forumNames(ctx)) };
    } catch (e) {
      if (e instanceof IdentifyingTextError) {
        ctx.log.info(
          { gate: e.findings.map((f) => `${f.field}:${f.type}`) },
          'deviation refused by the anonymity gate',
        );
        return form(ctx, {}, { values, review: e });
      }
      if (e instanceof IdentifyingCombinationWarning) {
        ctx.log.info(
          { warnings: e.warnings.map((w) => `${w.field}:${w.signals.join('+')}`) },
          'deviation held by the anonymity gate until the reporter confirms',
        );
        return form(ctx, {}, { values, review: { findings: [], warnings: e.warnings } });
      }
      if (isAppError(e) && e.code === 'invalidInput') {
        const key =
          INVALID[`${e.params.field}:${e.params.reason}`] ?? INVALID[String(e.params.field)];
        if (key) return form(ctx, {}, { values, status: ctx.t(key) });
      }
      if (isAppError(e) && e.code === 'conflict')
        return form(ctx, {}, { values, status: conflictText(e, ctx) });
      throw e;
    }
  };

  const detail = async (
    ctx: TurnCtx,
    code: string,
    state?: DetailState,
  ): Promise<ActionResult> => ({
    card: detailCard(ctx, await service.view(ctx.actor, code), orgs, config, state),
  });

  /** Runs a change; a refusal the user can act on comes back in the card, nothing changed. */
  const change = async (
    ctx: TurnCtx,
    code: string,
    run: () => Promise<DeviationRecord>,
    done: MessageKey,
    keep?: DetailState['answer'],
  ): Promise<ActionResult> => {
    try {
      const record = await run();
      ctx.log.info({ deviationCode: record.code, state: record.state }, 'deviation changed');
      return detail(ctx, code, { status: { text: ctx.t(done, { code }), good: true } });
    } catch (e) {
      if (e instanceof IdentifyingTextError) {
        ctx.log.info(
          { gate: e.findings.map((f) => `${f.field}:${f.type}`) },
          'answer refused by the anonymity gate',
        );
        return detail(ctx, code, { answer: keep, review: e });
      }
      if (isAppError(e) && e.code === 'conflict')
        return detail(ctx, code, {
          status: { text: conflictText(e, ctx), good: false },
          answer: keep,
        });
      if (isAppError(e) && e.code === 'invalidInput' && e.params.field === 'forumId')
        return detail(ctx, code, {
          status: { text: ctx.t('deviations.invalid.escalation'), good: false },
        });
      throw e;
    }
  };

  const list = async (
    ctx: TurnCtx,
    data: ListData = { overdue: false },
  ): Promise<ActionResult> => ({
    card: listCard(ctx, await service.lists(ctx.actor, data), orgs, config),
  });

  return {
    name: 'deviations',
    help: [
      {
        command: { sv: 'avvikelse', en: 'deviation' },
        description: 'deviations.help.report',
        permission: 'deviations.report',
      },
      {
        command: { sv: 'avvikelser', en: 'deviations' },
        description: 'deviations.help.list',
        permission: 'deviations.report',
      },
    ],
    commands: [
      {
        id: 'deviations.report',
        patterns: [
          /^(avvikelse|ny avvikelse|rapportera (en )?avvikelse|deviation|new deviation|report (a )?deviation)$/,
        ],
        handle: async (ctx) => [personal(ctx) ? await form(ctx) : { card: startCard(ctx, 'form') }],
      },
      {
        id: 'deviations.list',
        patterns: [/^(avvikelser|mina avvikelser|deviations|my deviations)$/],
        handle: async (ctx) => [personal(ctx) ? await list(ctx) : { card: startCard(ctx, 'list') }],
      },
    ],
    actions: [
      defineAction({ verb: DEVIATIONS_VERBS.open, schema: openDeviationSchema, handle: form }),
      defineAction({
        verb: DEVIATIONS_VERBS.submit,
        schema: submitDeviationSchema,
        handle: submit,
        // The same card sent again (double click, redelivery, retry) gets the first receipt back.
        once: {
          replay: async (ctx, result) => ({
            card: receiptCard(
              ctx,
              await service.receipt(ctx.actor, result.code ?? ''),
              orgs,
              config,
              await forumNames(ctx),
            ),
          }),
        },
      }),
      defineAction({ verb: DEVIATIONS_VERBS.list, schema: listSchema, handle: list }),
      defineAction({
        verb: DEVIATIONS_VERBS.show,
        schema: codeSchema,
        handle: (ctx, d: CodeInput) => detail(ctx, d.code),
      }),
      defineAction({
        verb: DEVIATIONS_VERBS.take,
        schema: codeSchema,
        handle: (ctx, d: CodeInput) =>
          change(ctx, d.code, () => service.take(ctx.actor, d.code), 'deviations.done.taken'),
      }),
      defineAction({
        verb: DEVIATIONS_VERBS.answer,
        schema: answerSchema,
        handle: async (ctx, d: AnswerData) => {
          const keep = { cause: d.cause, action: d.action, followUp: d.followUp };
          if (!d.cause || !d.action || !d.followUp) {
            // Only someone who may answer learns that the answer is incomplete.
            await service.requireHandler(ctx.actor, d.code);
            return detail(ctx, d.code, {
              status: { text: ctx.t('deviations.invalid.answerIncomplete'), good: false },
              answer: keep,
            });
          }
          return change(
            ctx,
            d.code,
            () => service.answer(ctx.actor, d.code, keep),
            'deviations.done.answered',
            keep,
          );
        },
      }),
      defineAction({
        verb: DEVIATIONS_VERBS.escalate,
        schema: escalateSchema,
        handle: (ctx, d: EscalateData) =>
          change(
            ctx,
            d.code,
            () => service.escalate(ctx.actor, d.code, d.forumId ?? ''),
            'deviations.done.escalated',
          ),
      }),
      defineAction({
        verb: DEVIATIONS_VERBS.close,
        schema: codeSchema,
        handle: (ctx, d: CodeInput) =>
          change(ctx, d.code, () => service.close(ctx.actor, d.code), 'deviations.done.closed'),
      }),
    ],
  };
}
