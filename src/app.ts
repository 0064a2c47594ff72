import type { Config } from './config/config';
import type { Clock } from './core/clock';
import { systemClock } from './core/clock';
import type { Logger } from './core/logger';
import { organisationDirectory, type OrganisationDirectory } from './core/organisations';
import { createRouter } from './core/router';
import type { Capability } from './core/capability';
import { startEmbeddedDb, type EmbeddedDb } from './infra/db/embedded-ferretdb';
import { connectDatabase, type Database } from './infra/db/mongo';
import { MongoAuditLog } from './infra/db/audit.repository';
import { VersionedKvStore } from './infra/db/versioned-kv.repository';
import { MongoPeopleRepository } from './capabilities/people/people.repository';
import { PeopleService } from './capabilities/people/people.service';
import { peopleCapability } from './capabilities/people/people.handlers';
import { MongoConversationsRepository } from './capabilities/conversations/conversations.repository';
import { ConversationsService } from './capabilities/conversations/conversations.service';
import { helpCapability } from './capabilities/help/help.handlers';
import { createBot, type Bot } from './bot/bot';
import { createHttpServer } from './http/server';

export interface StartOptions {
  log: Logger;
  clock?: Clock;
}

export interface RunningApp {
  url: string;
  port: number;
  mongoUri: string;
  bot: Bot;
  db: Database;
  verbs: string[];
  stop(): Promise<void>;
}

export interface CapabilityDeps {
  people: PeopleService;
  orgs: OrganisationDirectory;
}

/** Every capability of the product, in routing order. Add a new one here. */
export function buildCapabilities(deps: CapabilityDeps) {
  const capabilities: Capability[] = [];
  const help = helpCapability(() => capabilities.flatMap((c) => c.help ?? []));
  capabilities.push(help, peopleCapability(deps.people, deps.orgs));
  return { capabilities, help };
}

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
    let embedded: EmbeddedDb | undefined;
    let uri = config.mongodb.uri;
    if (!uri) {
      embedded = await startEmbeddedDb({
        projectRoot: config.projectRoot,
        dataDir: config.dataDir,
        log,
      });
      cleanups.push(() => embedded!.stop());
      uri = embedded.uri;
    }
    const db = await connectDatabase(uri, config.mongodb.dbName);
    cleanups.push(() => db.close());

    const audit = new MongoAuditLog(db.db);
    const turnState = new VersionedKvStore(db.db, clock);
    const peopleRepo = new MongoPeopleRepository(db.db);
    const conversationsRepo = new MongoConversationsRepository(db.db);
    await Promise.all([
      audit.init(),
      turnState.init(),
      peopleRepo.init(),
      conversationsRepo.init(),
    ]);

    const orgs = organisationDirectory(config.organisations);
    const people = new PeopleService({
      repo: peopleRepo,
      audit,
      clock,
      configAdmins: config.adminAadObjectIds,
      organisationCodes: orgs.codes(),
    });
    const conversations = new ConversationsService(conversationsRepo, clock);

    const { capabilities, help } = buildCapabilities({ people, orgs });
    const router = createRouter(capabilities);

    const bot = createBot({ config, log, clock, turnState, router, help, people, conversations });
    const http = createHttpServer({ bot, ping: () => db.ping(), log });
    const { port, url } = await http.listen(config.port, config.host);
    cleanups.push(() => http.close());

    if (config.localMode) {
      log.warn(
        { host: config.host },
        'LOCAL MODE: no BOT_ID, so inbound authentication is OFF. Bound to loopback only; never expose this port.',
      );
    }
    return { url, port, mongoUri: uri, bot, db, verbs: router.verbs(), stop: stopAll };
  } catch (e) {
    await stopAll();
    throw e;
  }
}
