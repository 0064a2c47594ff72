import type { Kernel, Module } from '../../kernel/kernel';
import type { AgendaFollowUpProvider } from '../../core/agenda';
import { subscribe } from '../../core/events';
import type { AnonymityGate } from '../anonymity';
import { AgendaService } from './agenda.service';
import { chairsCapability } from './chairs.handlers';
import type {
  ChairCases,
  ChairForums,
  ChairMeetings,
  ChairPeople,
  ChairReach,
} from './chairs.ports';
import { MongoChairsRepository } from './chairs.repository';
import { chairsPersonalData } from './chairs.privacy.repository';
import { MinutesService } from './minutes.service';
import { postMinutes, tellSubmitter } from './minutes.notices';

export type { Agenda, AgendaCase, MinutesRecord, MinutesContent, Attendance } from './chairs.types';
export { AgendaService, agendaOrder, digestMoment } from './agenda.service';
export { MinutesService } from './minutes.service';

export interface ChairsModuleDeps {
  forums: ChairForums;
  meetings: ChairMeetings;
  cases: ChairCases;
  roster: ChairReach;
  people: ChairPeople;
  gate: AnonymityGate;
  /** Items other capabilities ask forums to follow up (more can be added with registerFollowUps). */
  followUps?: AgendaFollowUpProvider[];
}

/** The face other capabilities use: the agenda (and its follow-up providers) and the minutes. */
export interface ChairsFace {
  agenda: AgendaService;
  minutes: MinutesService;
  /** Adds a provider of items to follow up (deviations escalated to a forum, for instance). */
  registerFollowUps(provider: AgendaFollowUpProvider): void;
}

/**
 * The chairs' capability: the agenda digest before each meeting (personal chat, the forum's
 * conversation, late updates), `dagordning`, the minutes (`protokoll`) with attendance, outcomes
 * and notes, and what follows a save: the short minutes in the forum's conversation and each
 * submitter told their case's outcome.
 */
export function registerChairs(kernel: Kernel, deps: ChairsModuleDeps): Module<ChairsFace> {
  const repo = new MongoChairsRepository(kernel.db);
  const outcomes = kernel.config.outcomes;
  const agenda = new AgendaService({
    repo,
    forums: deps.forums,
    meetings: deps.meetings,
    cases: deps.cases,
    reach: deps.roster,
    people: deps.people,
    outbox: kernel.outbox,
    orgs: kernel.orgs,
    clock: kernel.clock,
    log: kernel.log,
    followUps: [...(deps.followUps ?? [])],
  });
  const minutes = new MinutesService({
    repo,
    forums: deps.forums,
    meetings: deps.meetings,
    cases: deps.cases,
    followUpsFor: (tenantId, forumId, meetingId) =>
      agenda.followUpsFor(tenantId, forumId, meetingId),
    units: kernel.units,
    clock: kernel.clock,
    outcomes,
    gate: deps.gate,
  });
  const notices = {
    repo,
    forums: deps.forums,
    meetings: deps.meetings,
    cases: deps.cases,
    people: deps.people,
    outbox: kernel.outbox,
    orgs: kernel.orgs,
    outcomes,
    clock: kernel.clock,
  };
  return {
    name: 'chairs',
    services: {
      agenda,
      minutes,
      registerFollowUps: (provider) => agenda.registerFollowUps(provider),
    },
    init: () => repo.init(),
    capability: chairsCapability({
      agenda,
      minutes,
      forums: deps.forums,
      people: deps.people,
      outcomes,
    }),
    jobs: [{ name: 'agenda', run: (now) => agenda.run(now) }],
    retention: [minutes.retentionTarget(kernel.config.retentionMinutesTextMonths)],
    personalData: chairsPersonalData(kernel.db),
    subscriptions: [
      subscribe({
        name: 'chairs.postMinutes',
        type: 'minutes.saved',
        handle: (e) => postMinutes(notices, e.tenantId, e.data),
      }),
      subscribe({
        name: 'chairs.tellSubmitter',
        type: 'case.outcome',
        handle: (e) => tellSubmitter(notices, e.tenantId, e.data),
      }),
      // A case raised for, or withdrawn from, a meeting whose digest went out: a short update.
      subscribe({
        name: 'chairs.lateCaseRaised',
        type: 'case.submitted',
        handle: async (e) => {
          await agenda.lateChange(e.tenantId, e.data.meetingId, e.data.code, 'raised');
        },
      }),
      subscribe({
        name: 'chairs.lateCaseChanged',
        type: 'case.statusChanged',
        handle: async (e) => {
          const { data } = e;
          if (data.to === 'withdrawn')
            await agenda.lateChange(e.tenantId, data.meetingId, data.code, 'withdrawn');
          // Moved onto a meeting whose digest is out (a cancellation, a carry-over).
          else if (data.to === 'submitted')
            await agenda.lateChange(e.tenantId, data.meetingId, data.code, 'raised');
        },
      }),
    ],
  };
}
