import type { Config } from './config/config';
import { unitNames } from './config/config';
import type { Clock } from './core/clock';
import type { Logger } from './core/logger';
import type { DispatchStats } from './core/event-dispatcher';
import type { Kernel, Module } from './kernel/kernel';
import { createKernel } from './kernel/runtime';
import type { DbHandle } from './infra/db/mongo';
export { openDatabase, type Store } from './infra/db/open-database';
import { registerPeople } from './capabilities/people';
import { registerConversations } from './capabilities/conversations';
import {
  backoffMs,
  registerDelivery,
  type DeliveryOptions,
  type DeliveryRunStats,
  type ProactiveSender,
} from './capabilities/delivery';
import { registerForums } from './capabilities/forums';
import { registerMeetings, type ReminderRunStats } from './capabilities/meetings';
import { registerCases } from './capabilities/cases';
import { registerHelp } from './capabilities/help';
import { registerAudit } from './capabilities/audit';
import { registerDeviations, type DeviationChaseStats } from './capabilities/deviations';
import { createGate } from './capabilities/anonymity';

export interface ModuleOptions {
  sender: ProactiveSender;
  deliveryOptions?: Partial<DeliveryOptions>;
  operationLeaseMs?: number;
  /** Where users' browsers reach this server (download links). */
  publicUrl?: () => string;
}

/**
 * The kernel and the capability modules, in dependency order. Adding a capability is one line
 * here — `register<Name>(kernel, { …the faces it uses })` — and its name in `modules`.
 */
export async function buildModules(
  db: DbHandle,
  config: Config,
  clock: Clock,
  log: Logger,
  o: ModuleOptions,
) {
  const { base, complete } = createKernel(db, config, clock, log);
  // One anonymity gate for every free-text field, with the municipality's schools and units.
  const gate = createGate({ units: unitNames(config.units) });
  const people = registerPeople(base);
  const conversations = registerConversations(base);
  const delivery = registerDelivery(base, {
    conversations: conversations.services,
    sender: o.sender,
    ...(o.deliveryOptions ? { options: o.deliveryOptions } : {}),
  });
  const kernel: Kernel = { ...base, outbox: delivery.services };
  const forums = registerForums(kernel, {
    people: people.services,
    conversations: conversations.services,
    meetings: () => meetings.services.view,
    gate,
  });
  const meetings = registerMeetings(kernel, { forums: forums.services, gate });
  const setupState = forums.services.setupState.bind(forums.services);
  const cases = registerCases(kernel, {
    forums: forums.services,
    meetings: meetings.services.meetings,
    setupState,
    gate,
  });
  const deviations = registerDeviations(kernel, {
    forums: forums.services,
    people: people.services,
    // Today the personal chat a user opened with the bot (stored references): a manager who never
    // wrote to the bot cannot be reached. Roster reading and 1:1 creation will replace this.
    personalChat: async (tenantId, aadObjectId) =>
      (await conversations.services.personalConversationOf(tenantId, aadObjectId))?.id ?? null,
    gate,
  });
  const audit = registerAudit(kernel, {
    people: people.services,
    publicUrl: o.publicUrl ?? (() => config.publicUrl ?? ''),
  });
  const help = registerHelp({
    entries: () => runtime.capabilities.flatMap((c) => c.help ?? []),
    setupState,
  });

  /** In routing order; their jobs run in this order on every scheduler pass. */
  const modules: Module[] = [
    help,
    people,
    conversations,
    forums,
    meetings,
    cases,
    deviations,
    delivery,
    audit,
  ];
  const runtime = await complete(modules, {
    eventBackoffMs: (n) => backoffMs(n, undefined, Math.random),
    ...(o.operationLeaseMs ? { operationLeaseMs: o.operationLeaseMs } : {}),
  });
  return {
    ...runtime,
    tick: () => runtime.tick() as Promise<unknown> as Promise<TickResult>,
    help: help.services,
    gate,
    /** The kernel's unit of work (tests record other capabilities' events through it). */
    units: kernel.units,
    /** Every module's retention targets (the daily purge calls them). */
    retention: modules.flatMap((m) => m.retention ?? []),
    faces: {
      people: people.services,
      conversations: conversations.services,
      delivery: delivery.services,
      forums: forums.services,
      meetings: meetings.services.meetings,
      cases: cases.services,
      deviations: deviations.services.deviations,
      /** Agenda "to follow up" providers (deviations escalated to a steering forum). */
      agendaFollowUps: [deviations.services.followUps],
    },
  };
}
export type Modules = Awaited<ReturnType<typeof buildModules>>;

/** What one scheduler pass did, by job (and the event dispatch and crash recovery before them). */
export interface TickResult {
  recovered: number;
  events: DispatchStats;
  reminders: ReminderRunStats;
  deviations: DeviationChaseStats;
  delivery: DeliveryRunStats;
}
