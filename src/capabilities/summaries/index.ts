import type { Kernel, Module } from '../../kernel/kernel';
import { subscribe } from '../../core/events';
import type { CasesService } from '../cases';
import type { ForumsService } from '../forums';
import type { MeetingsService } from '../meetings';
import type { PeopleService } from '../people';
import { summariesCapability } from './summaries.handlers';
import { summaryCard } from './summaries.cards';
import { SummariesCounting } from './summaries.counting';
import { MongoSummariesRepository } from './summaries.repository';
import { SummariesService } from './summaries.service';
import { StatusService } from './status.service';
import type { DeviationSource, SummaryPersonalChat } from './summaries.ports';
import { summariesPersonalData } from './summaries.privacy.repository';

export { parseStatusQuestion, type StatusQuery, type ParseContext } from './status.parser';
export { SummariesService } from './summaries.service';
export { SummariesCounting } from './summaries.counting';
export type { DeviationFact, Figures, TermSummary } from './summaries.types';
export type { DeviationSource } from './summaries.ports';

export interface SummariesModuleDeps {
  cases: CasesService;
  meetings: MeetingsService;
  forums: ForumsService;
  people: PeopleService;
  /** How a manager is reached in personal chat (app.ts: the roster capability's reach). */
  personalChat: SummaryPersonalChat;
  /** The deviations capability's records (DeviationsService fits it). */
  deviations?: DeviationSource;
}

export interface SummariesFace {
  summaries: SummariesService;
  counting: SummariesCounting;
  status: StatusService;
}

/**
 * Term summaries and status questions: counters kept from events (read by `_id`), the recount in
 * the database that checks and repairs them, summaries compiled when a term ends and sent to
 * managers, exports (CSV, XLSX) behind short-lived links, and `status` questions in plain words.
 */
export function registerSummaries(
  kernel: Kernel,
  deps: SummariesModuleDeps,
): Module<SummariesFace> {
  const repo = new MongoSummariesRepository(kernel.db);
  const calendar = kernel.config.calendar;
  const counting = new SummariesCounting({
    repo,
    cases: deps.cases,
    meetings: deps.meetings,
    forums: deps.forums,
    calendar,
    log: kernel.log,
    deviations: deps.deviations,
  });
  const summaries = new SummariesService({
    repo,
    counting,
    cases: deps.cases,
    forums: deps.forums,
    people: deps.people,
    personalChat: deps.personalChat,
    outbox: kernel.outbox,
    audit: kernel.audit,
    clock: kernel.clock,
    log: kernel.log,
    calendar,
    t: kernel.t,
    links: kernel.downloads,
    card: (summary, forums, t, locale) =>
      summaryCard(summary, forums, {
        t,
        locale,
        orgs: kernel.orgs,
        calendar,
        outcomes: kernel.config.outcomes,
      }),
  });
  const status = new StatusService({
    summaries,
    cases: deps.cases,
    meetings: deps.meetings,
    clock: kernel.clock,
    calendar,
    orgs: kernel.orgs,
  });
  return {
    name: 'summaries',
    services: { summaries, counting, status },
    init: () => repo.init(),
    personalData: summariesPersonalData(kernel.db),
    capability: summariesCapability({
      summaries,
      status,
      orgs: kernel.orgs,
      calendar,
      outcomes: kernel.config.outcomes,
    }),
    jobs: [
      { name: 'summaries.termEnd', run: (now) => summaries.runTermEnd(now) },
      { name: 'summaries.exports', run: (now) => summaries.sweep(now) },
    ],
    // Signed links made for one manager; the file is served to that manager only.
    downloads: [
      {
        kind: 'summary',
        permission: 'summaries.export',
        fetch: (id, now, owner) => summaries.download(id, now, owner.userId),
      },
    ],
    subscriptions: [
      subscribe({
        name: 'summaries.countSubmitted',
        type: 'case.submitted',
        handle: (e) => counting.onCaseSubmitted(e),
      }),
      subscribe({
        name: 'summaries.countStatusChanged',
        type: 'case.statusChanged',
        handle: (e) => counting.onCaseStatusChanged(e),
      }),
      subscribe({
        name: 'summaries.countOutcome',
        type: 'case.outcome',
        handle: (e) => counting.onCaseOutcome(e),
      }),
      subscribe({
        name: 'summaries.countAttendance',
        type: 'minutes.saved',
        handle: (e) => counting.onMinutesSaved(e),
      }),
      subscribe({
        name: 'summaries.meetingsOnForumSaved',
        type: 'forum.saved',
        handle: (e) => counting.refreshMeetings(e.tenantId, e.data.forumId),
      }),
      subscribe({
        name: 'summaries.meetingsOnCancelled',
        type: 'meeting.cancelled',
        handle: (e) => counting.refreshMeetings(e.tenantId, e.data.forumId),
      }),
      subscribe({
        name: 'summaries.meetingsOnMoved',
        type: 'meeting.moved',
        handle: (e) => counting.refreshMeetings(e.tenantId, e.data.forumId),
      }),
      subscribe({
        name: 'summaries.countDeviationReported',
        type: 'deviation.reported',
        handle: (e) => counting.onDeviation(e.tenantId, e.data.code),
      }),
      subscribe({
        name: 'summaries.countDeviationChanged',
        type: 'deviation.stateChanged',
        handle: (e) => counting.onDeviation(e.tenantId, e.data.code),
      }),
    ],
  };
}
