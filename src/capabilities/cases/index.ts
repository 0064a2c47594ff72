import type { Kernel, Module } from '../../kernel/kernel';
import { subscribe } from '../../core/events';
import type { SetupState } from '../../core/guidance';
import type { Actor } from '../../core/actor';
import type { ForumsService } from '../forums';
import type { MeetingsService } from '../meetings';
import type { AnonymityGate } from '../anonymity';
import { casesCapability } from './cases.handlers';
import { MongoCasesRepository } from './cases.repository';
import { CasesService } from './cases.service';
import { CasesPrivacy } from './cases.privacy';

export { CasesService, isCarriedOver } from './cases.service';
export type { CaseRecord } from './cases.types';
export type { CaseCountRow, CaseScope, CodedCase } from './cases.ports';
export { AGE_BANDS } from './cases.types';
export { DEFAULT_CONCERNS } from './cases.config';

export interface CasesModuleDeps {
  forums: ForumsService;
  meetings: MeetingsService;
  setupState: (actor: Actor) => Promise<SetupState>;
  gate: AnonymityGate;
}

/** Anonymized cases: raised through the form, behind the anonymity gate; their lifecycle. */
export function registerCases(kernel: Kernel, deps: CasesModuleDeps): Module<CasesService> {
  const repo = new MongoCasesRepository(kernel.db);
  const cases = new CasesService({
    repo,
    forums: deps.forums,
    meetings: deps.meetings,
    units: kernel.units,
    clock: kernel.clock,
    gate: deps.gate,
    outcomes: kernel.config.outcomes,
    calendar: kernel.config.calendar,
  });
  const chairActor = (tenantId: string, by: string) => ({
    tenantId,
    aadObjectId: by,
    displayName: '',
    roles: new Set<never>(),
    organisations: [],
  });
  const privacy = new CasesPrivacy({ repo, units: kernel.units, clock: kernel.clock });
  return {
    name: 'cases',
    services: cases,
    init: () => repo.init(),
    capability: casesCapability(cases, kernel.orgs, deps.setupState),
    retention: [
      {
        name: 'cases.freeText',
        months: kernel.config.retention.caseTextMonths,
        purge: (cutoff, now) => privacy.purgeText(cutoff, now),
      },
    ],
    personalData: [
      {
        name: 'cases',
        label: { sv: 'Ärenden', en: 'Cases' },
        collect: (tenantId, userId) => privacy.collect(tenantId, userId),
        pseudonymize: (tenantId, userId, pseudonym) =>
          privacy.pseudonymize(tenantId, userId, pseudonym),
      },
    ],
    subscriptions: [
      // A cancelled meeting's waiting cases move to the forum's next meeting (in the chair's name).
      subscribe({
        name: 'cases.followCancelledMeeting',
        type: 'meeting.cancelled',
        handle: async (e) => {
          const meeting = await deps.meetings.getMeeting(e.tenantId, e.data.meetingId);
          if (!meeting) return;
          await cases.followCancelledMeeting(chairActor(e.tenantId, e.data.by), meeting);
        },
      }),
      // The minutes gave a case its outcome: its status follows (discussed, closed or moved on).
      subscribe({
        name: 'cases.followOutcome',
        type: 'case.outcome',
        handle: async (e) => {
          await cases.applyOutcome(
            chairActor(e.tenantId, e.data.by),
            e.data.code,
            e.data.meetingId,
            e.data.outcome,
          );
        },
      }),
    ],
  };
}
