import type { Capability, Reply, TurnCtx } from '../../core/capability';
import { defineAction } from '../../core/capability';
import { AppError } from '../../core/errors';
import type { OrganisationDirectory } from '../../core/organisations';
import type { OutcomeOption } from '../../core/outcomes';
import { termOf, type Terms } from '../calendar';
import { exportsCard, statusReply, summaryCard, type CardContext } from './summaries.cards';
import { exportSchema } from './summaries.schemas';
import { today, type SummariesService } from './summaries.service';
import type { StatusService } from './status.service';
import { parseStatusQuestion } from './status.parser';

export const SUMMARIES_VERBS = { export: 'summaries.export' } as const;

/**
 * Words that make a message a status question (the rest of the message is parsed by
 * status.parser.ts). Other modules' commands come first (`nästa möte`, `mina ärenden` …).
 */
const STATUS_QUESTION =
  /^(?=.*(?:^|[^\p{L}])(status|stauts|statsu|läge|läget|lägesbild|lagesbild|översikt|oversikt|overview|hur (går|gar|gick|ligger|ser|står|star)|how (is|are|was|were|'s)|how's|ärende|arende|case|avvikel|avikel|deviation|möte|mote|meeting|inställda|installda|jämför|jamfor|compare|what'?s open|what is open|vad är öppet|vad ar oppet|antal|hur många|hur manga|how many))[\s\S]*$/u;

const SUMMARY_COMMAND = /^(sammanfattning|terminssammanfattning|summary|term summary)( .+)?$/;

export interface HandlerDeps {
  summaries: SummariesService;
  status: StatusService;
  orgs: OrganisationDirectory;
  calendar: Terms;
  outcomes: readonly OutcomeOption[];
}

export function summariesCapability(d: HandlerDeps): Capability {
  const cardContext = (ctx: TurnCtx): CardContext => ({
    t: ctx.t,
    locale: ctx.locale,
    orgs: d.orgs,
    calendar: d.calendar,
    outcomes: d.outcomes,
  });

  const summary = async (ctx: TurnCtx, rest: string): Promise<Reply[]> => {
    const forums = await d.summaries.tenantForums(ctx.actor.tenantId);
    const day = today(ctx.now);
    const q = parseStatusQuestion(`status ${rest}`, {
      today: day,
      calendar: d.calendar,
      forums: forums.map((f) => ({ id: f.id, name: f.name })),
      organisations: d.orgs.all(),
    });
    if (q.badPeriod || q.unknownName) throw new AppError('invalidInput', { field: 'period' });
    const period = q.period ?? termOf(d.calendar, day).key;
    const { summary: s, forums: shown } = await d.summaries.summaryFor(
      ctx.actor,
      period,
      q.forum ?? undefined,
    );
    return [{ card: summaryCard(s, shown, cardContext(ctx)) }];
  };

  return {
    name: 'summaries',
    help: [
      {
        command: { sv: 'status', en: 'status' },
        description: 'summaries.help.status',
        permission: 'status.ask',
      },
      {
        command: { sv: 'sammanfattning', en: 'summary' },
        description: 'summaries.help.summary',
        permission: 'summaries.view',
      },
    ],
    commands: [
      {
        id: 'summaries.summary',
        patterns: [SUMMARY_COMMAND],
        handle: (ctx, m) => summary(ctx, (m[2] ?? '').trim()),
      },
      {
        id: 'summaries.status',
        patterns: [STATUS_QUESTION],
        handle: async (ctx, m) => [
          statusReply(await d.status.answer(ctx.actor, m.input ?? ''), cardContext(ctx)),
        ],
      },
    ],
    actions: [
      defineAction({
        verb: SUMMARIES_VERBS.export,
        schema: exportSchema,
        handle: async (ctx, data) => {
          const links = await d.summaries.createExports(ctx.actor, data.period, data.forum, ctx.t);
          return {
            card: exportsCard(links, data.period, (url) => url, cardContext(ctx)),
          };
        },
      }),
    ],
  };
}
