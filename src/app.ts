import type { Config } from './config/config';
import { unitNames } from './config/config';
import type { Clock } from './core/clock';
import type { Logger } from './core/logger';
import type { DispatchStats } from './core/event-dispatcher';
import type { Kernel, Module } from './kernel/kernel';
import { createKernel } from './kernel/runtime';
import type { DbHandle } from './infra/db/mongo';
import { isAllowed } from './core/permissions';
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
import { registerRoster } from './capabilities/roster';
import { registerChairs } from './capabilities/chairs';
import type { Roster } from './core/roster';
import { registerSummaries } from './capabilities/summaries';
import { createGate } from './capabilities/anonymity';
import { registerRetention, type RetentionOutcome } from './capabilities/retention';
import { registerPrivacy } from './capabilities/privacy';
import { kernelPersonalData } from './infra/db/personal-data';

export interface ModuleOptions {
  sender: ProactiveSender;
  /** The Teams roster and 1:1 chats (src/bot/roster.ts). */
  roster: Roster;
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
  const { base, complete } = createKernel(db, config, clock, log, {
    publicUrl: o.publicUrl ?? (() => config.publicUrl ?? ''),
  });
  // One anonymity gate for every free-text field, with the municipality's schools and units.
  const gate = createGate({ units: unitNames(config.units) });
  const people = registerPeople(base);
  const conversations = registerConversations(base);
  const roster = registerRoster(base, {
    roster: o.roster,
    people: people.services,
    conversations: conversations.services,
  });
  const delivery = registerDelivery(base, {
    // Stored conversations, and `person:` addresses resolved to 1:1 chats (opened if need be).
    conversations: roster.services.directory(),
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
  // The person's 1:1 chat: the one they opened by writing, or one the roster capability opens
  // through the connector for a member of a team or chat the bot has read (null: unreachable).
  const personalChat = async (tenantId: string, aadObjectId: string) => {
    const reach = await roster.services.reach(tenantId, aadObjectId);
    return reach.kind === 'chat' ? reach.conversationId : null;
  };
  const deviations = registerDeviations(kernel, {
    forums: forums.services,
    people: people.services,
    personalChat,
    gate,
  });
  const chairs = registerChairs(kernel, {
    forums: forums.services,
    meetings: meetings.services.meetings,
    cases: cases.services,
    roster: roster.services,
    people: people.services,
    // Deviations escalated to a steering forum are on its agenda "to follow up".
    followUps: [deviations.services.followUps],
    gate,
  });
  const audit = registerAudit(kernel, { people: people.services });
  const summaries = registerSummaries(kernel, {
    cases: cases.services,
    meetings: meetings.services.meetings,
    forums: forums.services,
    people: people.services,
    personalChat,
    deviations: deviations.services.deviations,
  });
  const help = registerHelp({
    entries: () => runtime.capabilities.flatMap((c) => c.help ?? []),
    setupState,
  });

  // Requests about a person ask every module (and the kernel's own collections) what they hold.
  const privacy = registerPrivacy(kernel, {
    people: people.services,
    sources: () => [...modules.flatMap((m) => m.personalData ?? []), ...kernelPersonalData(db)],
  });
  // The daily purge runs every module's retention targets (read when it runs).
  const retention = registerRetention(kernel, {
    targets: () => modules.flatMap((m) => m.retention ?? []),
  });

  /**
   * In routing order; their jobs run in this order on every scheduler pass. The outbox is
   * drained right after the reminders are queued, so a Monday morning's reminders do not wait
   * for the agenda, deviation and summary jobs; what those queue goes out on the next pass.
   */
  const modules: Module[] = [
    help,
    people,
    conversations,
    roster,
    forums,
    meetings,
    delivery,
    cases,
    chairs,
    deviations,
    summaries,
    audit,
    privacy,
    retention,
  ];
  const runtime = await complete(modules, {
    eventBackoffMs: (n) => backoffMs(n, undefined, Math.random),
    // A download link works while the user it was made for still holds the permission.
    holds: async (owner, permission) => {
      const actor = await people.services.actorFor(owner.tenantId, owner.userId);
      return actor !== null && isAllowed(actor, permission);
    },
    ...(o.operationLeaseMs ? { operationLeaseMs: o.operationLeaseMs } : {}),
  });
  return {
    ...runtime,
    tick: () => runtime.tick() as Promise<unknown> as Promise<TickResult>,
    drain: () => runtime.drain() as Promise<unknown> as Promise<DrainResult>,
    help: help.services,
    gate,
    /** The kernel's unit of work (tests record other capabilities' events through it). */
    units: kernel.units,
    /** Every module's retention targets (the daily purge job calls them). */
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
      roster: roster.services,
      chairs: chairs.services,
      summaries: summaries.services,
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
  retention: Record<string, RetentionOutcome>;
  /** How long the event dispatch and each job took, in milliseconds. */
  ms: Record<string, number>;
  /** The outbox stopped at its bound with messages still being sent (Job.again). */
  again: boolean;
}

/** A pass of the outbox alone (Runtime.drain), between full scheduler passes. */
export interface DrainResult {
  delivery: DeliveryRunStats;
  ms: Record<string, number>;
  again: boolean;
}
