import type { Actor } from '../../core/actor';
import { hasRole } from '../../core/actor';
import type { ActionResult, Capability, Reply, TurnCtx } from '../../core/capability';
import type { SetupState } from '../../core/guidance';
import { nextStep } from '../../core/guidance';
import { defineAction } from '../../core/capability';
import type { AppError } from '../../core/errors';
import { isAppError } from '../../core/errors';
import type { OrganisationDirectory } from '../../core/organisations';
import { describeError } from '../../core/router';
import { IdentifyingCombinationWarning, IdentifyingTextError } from '../anonymity';
import type { FormState } from './cases.cards';
import { caseFormCard, myCasesCard, receiptCard, startCard, statusName } from './cases.cards';
import type { MyCasesInput, OpenCase, SubmitCase, WithdrawCase } from './cases.schemas';
import {
  myCasesSchema,
  openCaseSchema,
  submitCaseSchema,
  withdrawCaseSchema,
} from './cases.schemas';
import type { CasesService } from './cases.service';
import type { CaseStatus } from './cases.types';

export const CASES_VERBS = {
  open: 'cases.open',
  submit: 'cases.submit',
  withdraw: 'cases.withdraw',
  mine: 'cases.mine',
} as const;

export function casesCapability(
  cases: CasesService,
  orgs: OrganisationDirectory,
  setupState: (actor: Actor) => Promise<SetupState>,
): Capability {
  const form = async (ctx: TurnCtx, wanted: OpenCase, state?: FormState): Promise<Reply> => {
    const options = await cases.formOptions(ctx.actor, wanted);
    if (options.forums.length === 0 || options.organisations.length === 0) {
      // An administrator can fix what is missing: say how, instead of "ask an administrator".
      const step = hasRole(ctx.actor, 'admin')
        ? nextStep(ctx.actor, await setupState(ctx.actor))
        : undefined;
      if (step) return { text: `${ctx.t('cases.form.notYet')} ${ctx.t(step)}` };
      const key =
        ctx.actor.organisations.length === 0 ? 'cases.form.noOrganisation' : 'cases.form.noForums';
      return { text: ctx.t(key) };
    }
    return { card: caseFormCard(ctx, options, orgs, cases.config, state) };
  };

  /** Refusals the user can act on are explained in the card; the rest become a message. */
  const explain = (e: AppError, ctx: TurnCtx): string => {
    if (e.code !== 'conflict') return describeError(e, ctx.t, ctx.correlationId);
    switch (e.params.reason) {
      case 'meetingStarted':
        return ctx.t('cases.conflict.meetingStarted');
      case 'noOpenMeeting':
        return ctx.t('cases.conflict.noOpenMeeting');
      case 'status':
        return ctx.t('cases.conflict.status', {
          status: statusName(ctx.t, e.params.status as CaseStatus),
        });
      default:
        return describeError(e, ctx.t, ctx.correlationId);
    }
  };

  const submit = async (ctx: TurnCtx, data: SubmitCase): Promise<ActionResult> => {
    try {
      const result = await cases.submit(ctx.actor, data, ctx.operationId);
      ctx.log.info(
        { caseCode: result.record.code, rolledOver: !!result.rolledOverFrom },
        'case submitted',
      );
      return { card: receiptCard(ctx, result, orgs, cases.config) };
    } catch (e) {
      if (e instanceof IdentifyingTextError) {
        // Field names and identifier kinds only: never the text.
        ctx.log.info(
          {
            gate: e.findings.map((f) => `${f.field}:${f.type}`),
            warnings: e.warnings.map((w) => `${w.field}:${w.signals.join('+')}`),
          },
          'case refused by the anonymity gate',
        );
        return form(ctx, {}, { values: data, review: e });
      }
      if (e instanceof IdentifyingCombinationWarning) {
        ctx.log.info(
          { warnings: e.warnings.map((w) => `${w.field}:${w.signals.join('+')}`) },
          'case held by the anonymity gate until the submitter confirms',
        );
        return form(ctx, {}, { values: data, review: { findings: [], warnings: e.warnings } });
      }
      if (isAppError(e) && e.code === 'conflict')
        return form(ctx, {}, { values: data, status: explain(e, ctx) });
      throw e;
    }
  };

  const mine = async (ctx: TurnCtx, data: MyCasesInput = {}): Promise<ActionResult> => ({
    card: myCasesCard(ctx, await cases.myCases(ctx.actor), cases.config, {
      confirm: data.confirm,
    }),
  });
  /** Shared conversations get a launcher: the user's own form or list opens in their own view. */
  const personal = (ctx: TurnCtx) => ctx.conversation.type === 'personal';

  const withdraw = async (ctx: TurnCtx, data: WithdrawCase): Promise<ActionResult> => {
    let status: { text: string; good: boolean };
    try {
      const record = await cases.withdraw(ctx.actor, data.code);
      status = { text: ctx.t('cases.mine.withdrawn', { code: record.code }), good: true };
    } catch (e) {
      if (!isAppError(e) || e.code !== 'conflict') throw e;
      status = { text: explain(e, ctx), good: false };
    }
    return { card: myCasesCard(ctx, await cases.myCases(ctx.actor), cases.config, { status }) };
  };

  return {
    name: 'cases',
    help: [
      {
        command: { sv: 'nytt ärende', en: 'new case' },
        description: 'cases.help.new',
        permission: 'cases.raise',
      },
      {
        command: { sv: 'mina ärenden', en: 'my cases' },
        description: 'cases.help.mine',
        permission: 'cases.raise',
      },
    ],
    commands: [
      {
        id: 'cases.new',
        patterns: [/^(nytt ärende|nytt arende|lyft (ett )?ärende|new case|raise (a )?case)$/],
        handle: async (ctx) => [
          personal(ctx) ? await form(ctx, {}) : { card: startCard(ctx, 'form') },
        ],
      },
      {
        id: 'cases.mine',
        patterns: [/^(mina ärenden|mina arenden|my cases)$/],
        handle: async (ctx) => [personal(ctx) ? await mine(ctx) : { card: startCard(ctx, 'mine') }],
      },
    ],
    actions: [
      defineAction({ verb: CASES_VERBS.open, schema: openCaseSchema, handle: form }),
      defineAction({
        verb: CASES_VERBS.submit,
        schema: submitCaseSchema,
        handle: submit,
        // The same card sent again (double click, redelivery, retry) gets the first receipt back.
        once: {
          replay: async (ctx, result) => ({
            card: receiptCard(
              ctx,
              await cases.submission(ctx.actor, result.code ?? '', result.rolledOverFrom),
              orgs,
              cases.config,
            ),
          }),
        },
      }),
      defineAction({ verb: CASES_VERBS.withdraw, schema: withdrawCaseSchema, handle: withdraw }),
      defineAction({ verb: CASES_VERBS.mine, schema: myCasesSchema, handle: mine }),
    ],
  };
}
