import type { Config } from './config/config';
import { unitNames } from './config/config';
import { createGate } from './capabilities/anonymity/anonymity.gate';
import type { Clock } from './core/clock';
import { systemClock } from './core/clock';
import type { Logger } from './core/logger';
import { organisationDirectory, type OrganisationDirectory } from './core/organisations';
import { createRouter } from './core/router';
import type { Capability } from './core/capability';
import { runningEmbeddedDb, startEmbeddedDb, type EmbeddedDb } from './infra/db/embedded-ferretdb';
import { connectDatabase, type Database } from './infra/db/mongo';
import { MongoAuditLog } from './infra/db/audit.repository';
import { VersionedKvStore } from './infra/db/versioned-kv.repository';
import { MongoPeopleRepository } from './capabilities/people/people.repository';
import { PeopleService } from './capabilities/people/people.service';
import { peopleCapability } from './capabilities/people/people.handlers';
import { MongoConversationsRepository } from './capabilities/conversations/conversations.repository';
import { ConversationsService } from './capabilities/conversations/conversations.service';
import { helpCapability } from './capabilities/help/help.handlers';
import { MongoForumsRepository } from './capabilities/forums/forums.repository';
import { ForumsService } from './capabilities/forums/forums.service';
import { forumsCapability } from './capabilities/forums/forums.handlers';
import { MongoCasesRepository } from './capabilities/cases/cases.repository';
import { CasesService } from './capabilities/cases/cases.service';
import { casesCapability } from './capabilities/cases/cases.handlers';
import { MongoDeliveryRepository } from './capabilities/delivery/delivery.repository';
import {
  DeliveryService,
  emptyDeliveryStats,
  type DeliveryOptions,
  type DeliveryRunStats,
} from './capabilities/delivery/delivery.service';
import { deliveryCapability } from './capabilities/delivery/delivery.handlers';
import { ReminderService, type ReminderRunStats } from './capabilities/forums/reminders.service';
import { createProactiveSender } from './bot/proactive-sender';
import { startLoop } from './infra/scheduler';
import { translator } from './i18n/i18n';
import { createBot, type Bot } from './bot/bot';
import { createHttpServer } from './http/server';

export interface StartOptions {
  log: Logger;
  clock?: Clock;
  /** Delivery tuning (tests, benchmarks): rate limits, batch size, randomness … */
  deliveryOptions?: Partial<DeliveryOptions>;
  /**
   * Load the anonymity gate's dictionaries before the server listens (about 1.5 s), so the first
   * user does not wait for them. Tests leave it off: the gate loads them on first use.
   */
  warmGate?: boolean;
}

export interface RunningApp {
  url: string;
  port: number;
  mongoUri: string;
  bot: Bot;
  db: Database;
  services: Services;
  delivery: DeliveryService;
  /** One scheduler pass (tests call it with the ManualClock; production runs it in a loop). */
  tick(): Promise<{ reminders: ReminderRunStats; delivery: DeliveryRunStats }>;
  verbs: string[];
  stop(): Promise<void>;
}

export interface CapabilityDeps {
  people: PeopleService;
  orgs: OrganisationDirectory;
  forums: ForumsService;
  cases: CasesService;
  delivery: DeliveryService;
}

/** Every capability of the product, in routing order. Add a new one here. */
export function buildCapabilities(deps: CapabilityDeps) {
  const capabilities: Capability[] = [];
  const help = helpCapability(() => capabilities.flatMap((c) => c.help ?? []));
  capabilities.push(help, peopleCapability(deps.people, deps.orgs));
  capabilities.push(forumsCapability(deps.forums, deps.people, deps.orgs));
  capabilities.push(casesCapability(deps.cases, deps.orgs));
  capabilities.push(deliveryCapability(deps.delivery));
  return { capabilities, help };
}

const MAX_DELIVERY_PASSES_PER_TICK = 500;
const MAX_DELIVERY_MS_PER_TICK = 25_000;

export interface Store {
  db: Database;
  uri: string;
  close(): Promise<void>;
}

/**
 * The database: MONGODB_URI if set; otherwise the embedded FerretDB in DATA_DIR — the one a live
 * process already runs there (for tools), or a new one started here.
 */
export async function openDatabase(
  config: Config,
  log: Logger,
  options: { reuseRunning?: boolean } = {},
): Promise<Store> {
  let embedded: EmbeddedDb | undefined;
  let uri =
    config.mongodb.uri ?? (options.reuseRunning ? runningEmbeddedDb(config.dataDir) : undefined);
  if (!uri) {
    embedded = await startEmbeddedDb({
      projectRoot: config.projectRoot,
      dataDir: config.dataDir,
      log,
    });
    uri = embedded.uri;
  }
  try {
    const db = await connectDatabase(uri, config.mongodb.dbName);
    return {
      db,
      uri,
      close: async () => {
        await db.close();
        await embedded?.stop();
      },
    };
  } catch (e) {
    await embedded?.stop();
    throw e;
  }
}

/** Repositories (indexes created) and services: everything below the bot layer. */
export async function buildServices(db: Database['db'], config: Config, clock: Clock) {
  const audit = new MongoAuditLog(db);
  const turnState = new VersionedKvStore(db, clock);
  const peopleRepo = new MongoPeopleRepository(db);
  const conversationsRepo = new MongoConversationsRepository(db);
  const forumsRepo = new MongoForumsRepository(db);
  const casesRepo = new MongoCasesRepository(db);
  const deliveryRepo = new MongoDeliveryRepository(db);
  await Promise.all([
    audit.init(),
    turnState.init(),
    peopleRepo.init(),
    conversationsRepo.init(),
    forumsRepo.init(),
    casesRepo.init(),
    deliveryRepo.init(),
  ]);

  const orgs = organisationDirectory(config.organisations);
  // One anonymity gate for every free-text field, with the municipality's schools and units.
  const gate = createGate({ units: unitNames(config.units) });
  const people = new PeopleService({
    repo: peopleRepo,
    audit,
    clock,
    configAdmins: config.adminAadObjectIds,
    organisationCodes: orgs.codes(),
  });
  const conversations = new ConversationsService(conversationsRepo, clock);
  const forums = new ForumsService({
    repo: forumsRepo,
    audit,
    clock,
    calendar: config.calendar,
    organisationCodes: orgs.codes(),
    horizonDays: config.meetingsHorizonDays,
    gate,
  });
  const cases = new CasesService({ repo: casesRepo, forums, audit, clock, gate });
  return {
    audit,
    turnState,
    orgs,
    gate,
    people,
    conversations,
    forums,
    cases,
    repos: { forums: forumsRepo, conversations: conversationsRepo, delivery: deliveryRepo },
  };
}
export type Services = Awaited<ReturnType<typeof buildServices>>;

/**
 * The composition root: database → repositories and services → capabilities → bot → HTTP.
 * Everything is built here from `config`; `stop()` closes in reverse order.
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
    const { db, uri } = store;
    const services = await buildServices(db.db, config, clock);
    const { people, conversations, forums, cases, orgs, turnState } = services;
    if (options.warmGate) {
      const started = Date.now();
      services.gate.check('Eleven har hög frånvaro.');
      log.info({ ms: Date.now() - started }, 'anonymity gate dictionaries loaded');
    }

    // Every proactive message goes through the outbox; the sender needs the bot's adapter,
    // which exists once the bot is built below (the function is only called when sending).
    const botRef: { current?: Bot } = {};
    const delivery = new DeliveryService({
      repo: services.repos.delivery,
      sender: createProactiveSender({
        adapter: () => botRef.current!.adapter,
        botAppId: config.bot.appId,
        clock,
        log,
      }),
      conversations,
      audit: services.audit,
      clock,
      log,
      hooks: { onConversationGone: (conversationId) => bindingBroken(conversationId) },
      ...(options.deliveryOptions ? { options: options.deliveryOptions } : {}),
    });
    /** The bot was removed from a forum's conversation: mark it and tell the tenant's admins. */
    const bindingBroken = async (conversationId: string) => {
      for (const forum of await forums.markBindingsBroken(conversationId)) {
        for (const adminId of await people.adminIds(forum.tenantId)) {
          const chat = await conversations.personalConversationOf(forum.tenantId, adminId);
          if (!chat) continue;
          const locale =
            typeof chat.reference.locale === 'string' && chat.reference.locale.startsWith('en')
              ? 'en'
              : 'sv';
          await delivery.enqueue({
            id: `admin.notice.bindingBroken:${forum.tenantId}:${forum.id}:${forum.binding?.brokenAt?.toISOString() ?? ''}:${adminId}`,
            tenantId: forum.tenantId,
            conversationId: chat.id,
            kind: 'admin.notice',
            payload: {
              text: translator(locale)('forums.notice.bindingBroken', { forum: forum.name }),
            },
            notBefore: clock.now(),
            refs: { forumId: forum.id },
          });
        }
      }
    };
    // A cancelled meeting's waiting cases move to the forum's next meeting.
    forums.onMeetingCancelled((actor, meeting) => cases.followCancelledMeeting(actor, meeting));
    // A (re)bound forum's conversation is reachable again for the outbox.
    forums.onBound((conversationId) => delivery.conversationReachable(conversationId));
    const reminders = new ReminderService({
      forums,
      meetings: services.repos.forums,
      outbox: delivery,
      clock,
      log,
    });
    /** One scheduler pass: materialize meetings, queue due reminders, deliver due messages. */
    const tick = async (): Promise<{ reminders: ReminderRunStats; delivery: DeliveryRunStats }> => {
      const reminderStats = await reminders.run(clock.now());
      // Deliver until a pass makes no progress (everything due is sent, throttled or waiting for
      // a retry), bounded in passes and in time, so a burst of reminders drains in one tick.
      const total = emptyDeliveryStats();
      const started = clock.now().getTime();
      for (let pass = 0; pass < MAX_DELIVERY_PASSES_PER_TICK; pass++) {
        const stats = await delivery.deliverDue(clock.now());
        for (const k of Object.keys(total) as (keyof DeliveryRunStats)[]) total[k] += stats[k];
        if (stats.claimed === 0 || clock.now().getTime() - started > MAX_DELIVERY_MS_PER_TICK)
          break;
      }
      return { reminders: reminderStats, delivery: total };
    };

    const { capabilities, help } = buildCapabilities({ people, orgs, forums, cases, delivery });
    const router = createRouter(capabilities);

    const bot = createBot({ config, log, clock, turnState, router, help, people, conversations });
    botRef.current = bot;
    const http = createHttpServer({ bot, ping: () => db.ping(), log });
    const { port, url } = await http.listen(config.port, config.host);
    cleanups.push(() => http.close());
    if (config.schedulerIntervalSeconds > 0) {
      const loop = startLoop('scheduler', tick, config.schedulerIntervalSeconds * 1000, log);
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
      mongoUri: uri,
      bot,
      db,
      services,
      delivery,
      tick,
      verbs: router.verbs(),
      stop: stopAll,
    };
  } catch (e) {
    await stopAll();
    throw e;
  }
}
