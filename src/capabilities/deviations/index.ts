import type { Kernel, Module } from '../../kernel/kernel';
import type { AgendaFollowUpProvider } from '../../core/agenda';
import { subscribe } from '../../core/events';
import type { AnonymityGate } from '../anonymity';
import type { ForumsService } from '../forums';
import { DEFAULT_DEVIATIONS_CONFIG, type DeviationsConfig } from './deviations.config';
import { deviationsCapability } from './deviations.handlers';
import { DeviationNotices, type ChaseStats } from './deviations.notices';
import type { DeviationPeople, PersonalChat } from './deviations.ports';
import { MongoDeviationsRepository } from './deviations.repository';
import { DeviationsPrivacy } from './deviations.privacy';
import { MongoDeviationsPrivacy } from './deviations.privacy.repository';
import { deviationRetention } from './deviations.retention';
import { DeviationsService } from './deviations.service';

export { DeviationsService } from './deviations.service';
export { deviationRetention } from './deviations.retention';
export type { DeviationRecord, DeviationState } from './deviations.types';
export type { ChaseStats as DeviationChaseStats } from './deviations.notices';
export type { PersonalChat } from './deviations.ports';

export interface DeviationsFace {
  deviations: DeviationsService;
  /** The agenda's "to follow up" items: deviations escalated to a forum, not yet followed up. */
  followUps: AgendaFollowUpProvider;
}

export interface DeviationsModuleDeps {
  forums: ForumsService;
  people: DeviationPeople;
  /** How a person is reached in personal chat (see deviations.ports.ts). */
  personalChat: PersonalChat;
  gate: AnonymityGate;
}

/**
 * Deviations (avvikelser): reported in a card behind the anonymity gate, routed to the managers
 * of each organisation concerned, chased until answered and closed, escalated to a steering
 * forum's agenda and followed up through its minutes.
 */
export function registerDeviations(
  kernel: Kernel,
  deps: DeviationsModuleDeps,
): Module<DeviationsFace> {
  const repo = new MongoDeviationsRepository(kernel.db);
  const settings = kernel.config.deviations;
  const config: DeviationsConfig = {
    ...DEFAULT_DEVIATIONS_CONFIG,
    replyDays: settings.replyDays,
    reminderDaysBefore: settings.reminderDaysBefore,
    categories: settings.categories ?? DEFAULT_DEVIATIONS_CONFIG.categories,
  };
  const deviations = new DeviationsService({
    repo,
    forums: deps.forums,
    people: deps.people,
    units: kernel.units,
    clock: kernel.clock,
    config,
    calendar: kernel.config.calendar,
    gate: deps.gate,
    orgs: kernel.orgs,
  });
  const notices = new DeviationNotices({
    repo,
    forums: deps.forums,
    people: deps.people,
    personalChat: deps.personalChat,
    outbox: kernel.outbox,
    clock: kernel.clock,
    log: kernel.log,
    t: kernel.t,
    orgs: kernel.orgs,
    config,
    categoryName: (code, locale) => deviations.categoryName(code, locale),
  });
  const retention = deviationRetention(deviations, settings.retention);
  const privacy = new DeviationsPrivacy({
    repo,
    units: kernel.units,
    clock: kernel.clock,
    stored: new MongoDeviationsPrivacy(kernel.db),
  });
  return {
    name: 'deviations',
    services: {
      deviations,
      followUps: {
        kind: 'deviation',
        followUps: (tenantId, forumId, meetingId) =>
          deviations.followUps(tenantId, forumId, meetingId),
      },
    },
    init: () => repo.init(),
    capability: deviationsCapability(deviations, kernel.orgs),
    jobs: [{ name: 'deviations', run: (now): Promise<ChaseStats> => notices.chase(now) }],
    retention,
    personalData: [
      {
        name: 'deviations',
        label: {
          sv: 'Avvikelser (rapporterat, hanterat, följt upp)',
          en: 'Deviations (reported, handled, followed up)',
        },
        collect: (tenantId, userId) => privacy.collect(tenantId, userId),
        pseudonymize: (tenantId, userId, pseudonym) =>
          privacy.pseudonymize(tenantId, userId, pseudonym),
      },
    ],
    subscriptions: [
      subscribe({
        name: 'deviations.route',
        type: 'deviation.reported',
        handle: (e) => notices.route(e.tenantId, e.data.code),
      }),
      subscribe({
        name: 'deviations.checkRecurring',
        type: 'deviation.reported',
        handle: (e) => notices.checkRecurring(e.tenantId, e.data.code),
      }),
      subscribe({
        name: 'deviations.followUpFromMinutes',
        type: 'minutes.saved',
        handle: async (e) => {
          await deviations.followUpFromMinutes(e.tenantId, e.data);
        },
      }),
      subscribe({
        name: 'deviations.offerAbsence',
        type: 'minutes.saved',
        handle: (e) => notices.offerAbsence(e.tenantId, e.data),
      }),
    ],
  };
}
