import type { Config } from './config/config';
import type { Clock } from './core/clock';
import { systemClock } from './core/clock';
import type { Logger } from './core/logger';
import { organisationDirectory } from './core/organisations';
import { createRouter } from './core/router';
import { OnceOnly } from './core/operations';
import { EventDispatcher, type DispatchStats } from './core/event-dispatcher';
import type { Capability } from './core/capability';
import type { Unit } from './core/unit-of-work';
import type { Job, Kernel, Module } from './kernel/kernel';
import type { Database, DbHandle } from './infra/db/mongo';
import { openDatabase } from './infra/db/open-database';
export { openDatabase, type Store } from './infra/db/open-database';
import { MongoAuditLog } from './infra/db/audit.repository';
import { MongoJournal } from './infra/db/journal';
import { MongoEventStore } from './infra/db/events.repository';
import { MongoOperationStore } from './infra/db/operations.repository';
import { startLoop } from './infra/scheduler';
import { translator } from './i18n/i18n';
import { registerPeople } from './capabilities/people';
import { registerConversations } from './capabilities/conversations';
import {
  backoffMs,
  registerDelivery,
  type DeliveryOptions,
  type DeliveryRunStats,
  type DeliveryService,
  type ProactiveSender,
} from './capabilities/delivery';
import { registerForums } from './capabilities/forums';
import { registerMeetings, type ReminderRunStats } from './capabilities/meetings';
import { registerCases } from './capabilities/cases';
import { registerHelp } from './capabilities/help';
import { createProactiveSender } from './bot/proactive-sender';
import { createBot, createTeamsAdapter, type Bot } from './bot/bot';
import { createHttpServer } from './http/server';

export interface ModuleOptions {
  sender: ProactiveSender;
  deliveryOptions?: Partial<DeliveryOptions>;
  /** Once-only card actions: how long an attempt holds its operation (default 30 s). */
  operationLeaseMs?: number;
}

/** Units left in the journal this long are a crashed process's: the scheduler applies them. */
const RECOVER_AFTER_MS = 10_000;

/**
 * The kernel and the capability modules, in dependency order. Adding a capability is one line
 * here: `register<Name>(kernel, { …the faces it uses })`, then its name in `modules`.
 */
export async function buildModules(
  db: DbHandle,
  config: Config,
  clock: Clock,
  log: Logger,
  o: ModuleOptions,
) {
  const audit = new MongoAuditLog(db);
  const events = new MongoEventStore(db);
  const operations = new MongoOperationStore(db);
  const subscriptions = () => dispatcher.subscribersOf.bind(dispatcher);
  const journal = new MongoJournal(db, clock, (type) => subscriptions()(type));
  const base = {
    config,
    clock,
    log,
    db,
    audit,
    t: translator,
    orgs: organisationDirectory(config.organisations),
    // Every change is journaled with its audit entries and events; its events are handed to
    // their subscribers at once (and again by the scheduler if that fails or the process dies).
    units: {
      commit: async (unit: Unit) => {
        const outcome = await journal.commit(unit);
        if (outcome.committed) await dispatcher.dispatchNow(outcome.events);
        return outcome;
      },
    },
  };

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
  });
  const meetings = registerMeetings(kernel, { forums: forums.services });
  const setupState = forums.services.setupState.bind(forums.services);
  const cases = registerCases(kernel, {
    forums: forums.services,
    meetings: meetings.services.meetings,
    setupState,
  });
  const capabilities: Capability[] = [];
  const help = registerHelp({
    entries: () => capabilities.flatMap((c) => c.help ?? []),
    setupState,
  });

  /** In routing order; their jobs run in this order on every scheduler pass. */
  const modules: Module[] = [help, people, conversations, forums, meetings, cases, delivery];
  capabilities.push(...modules.flatMap((m) => (m.capability ? [m.capability] : [])));

  const instance = Math.random().toString(16).slice(2, 10);
  const dispatcher = new EventDispatcher(
    events,
    clock,
    log,
    {
      leaseMs: 60_000,
      maxAttempts: 8,
      owner: instance,
      backoffMs: (n) => backoffMs(n, undefined, Math.random),
    },
    modules.flatMap((m) => m.subscriptions ?? []),
  );
  const once = new OnceOnly(operations, clock, {
    leaseMs: o.operationLeaseMs ?? 30_000,
    waitMs: 10_000,
    pollMs: 100,
    owner: instance,
  });
  const jobs: Job[] = modules.flatMap((m) => m.jobs ?? []);

  await Promise.all([
    audit.init(),
    events.init(),
    operations.init(),
    journal.init(),
    ...modules.map((m) => m.init()),
  ]);
  // What a crashed process left half-written is completed before anything else happens.
  const recovered = await journal.recover(0);
  await dispatcher.dispatchNow(recovered.events);

  /** One scheduler pass: crashed units, due event deliveries, then each module's jobs. */
  const tick = async (): Promise<TickResult> => {
    const results: Record<string, unknown> = {};
    results.recovered = (await journal.recover(RECOVER_AFTER_MS)).units;
    results.events = await dispatcher.dispatchDue();
    for (const job of jobs) results[job.name] = await job.run(clock.now());
    return results as unknown as TickResult;
  };

  return {
    kernel,
    modules,
    capabilities,
    help: help.services,
    router: createRouter(capabilities, { once }),
    tick,
    faces: {
      people: people.services,
      conversations: conversations.services,
      delivery: delivery.services,
      forums: forums.services,
      meetings: meetings.services.meetings,
      cases: cases.services,
    },
  };
}
export type Modules = Awaited<ReturnType<typeof buildModules>>;

/** What one scheduler pass did, by job (and the event dispatch and crash recovery before them). */
export interface TickResult {
  recovered: number;
  events: DispatchStats;
  reminders: ReminderRunStats;
  delivery: DeliveryRunStats;
}

export interface StartOptions {
  log: Logger;
  clock?: Clock;
  /** Delivery tuning (tests, benchmarks): rate limits, batch size, randomness … */
  deliveryOptions?: Partial<DeliveryOptions>;
  operationLeaseMs?: number;
}

export interface RunningApp {
  url: string;
  port: number;
  mongoUri: string;
  bot: Bot;
  db: Database;
  modules: Modules;
  /** The modules' services (their faces). */
  services: Modules['faces'];
  delivery: DeliveryService;
  /** One scheduler pass (tests call it with the ManualClock; production runs it in a loop). */
  tick(): Promise<TickResult>;
  verbs: string[];
  stop(): Promise<void>;
}

/**
 * The composition root: database → kernel and modules → bot → HTTP. Everything is built here
 * from `config`; `stop()` closes in reverse order.
 */
export async function startApp(config: Config, options: StartOptions): Promise<RunningApp> {
  const { log } = options;
  const clock = options.clock ?? systemClock;
  const cleanups: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const fn of cleanups.reverse()) {
      try {
        await fn();
      } catch (e) {
        log.error({ err: (e as Error).name }, 'error while stopping');
      }
    }
  };

  try {
    const store = await openDatabase(config, log);
    cleanups.push(() => store.close());
    // The adapter first: the outbox's sender and the bot share it.
    const adapter = createTeamsAdapter(config.bot);
    const sender = createProactiveSender({ adapter, botAppId: config.bot.appId, clock, log });
    const modules = await buildModules(store.db.db, config, clock, log, {
      sender,
      ...(options.deliveryOptions ? { deliveryOptions: options.deliveryOptions } : {}),
      ...(options.operationLeaseMs ? { operationLeaseMs: options.operationLeaseMs } : {}),
    });
    const { people, conversations } = modules.faces;
    const bot = createBot({
      config,
      adapter,
      log,
      clock,
      router: modules.router,
      help: modules.help,
      people,
      conversations,
    });
    const http = createHttpServer({ bot, ping: () => store.db.ping(), log });
    const { port, url } = await http.listen(config.port, config.host);
    cleanups.push(() => http.close());
    if (config.schedulerIntervalSeconds > 0) {
      const loop = startLoop(
        'scheduler',
        modules.tick,
        config.schedulerIntervalSeconds * 1000,
        log,
      );
      cleanups.push(() => loop.stop());
    }
    if (config.localMode) {
      log.warn(
        { host: config.host },
        'LOCAL MODE: no BOT_ID, so inbound authentication is OFF. Bound to loopback only; never expose this port.',
      );
    }
    return {
      url,
      port,
      mongoUri: store.uri,
      bot,
      db: store.db,
      modules,
      services: modules.faces,
      delivery: modules.faces.delivery,
      tick: modules.tick,
      verbs: modules.router.verbs(),
      stop: stopAll,
    };
  } catch (e) {
    await stopAll();
    throw e;
  }
}
