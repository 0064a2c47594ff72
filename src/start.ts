import type { Config } from './config/config';
import type { Clock } from './core/clock';
import { systemClock } from './core/clock';
import type { Logger } from './core/logger';
import type { DeliveryOptions, DeliveryService } from './capabilities/delivery';
import { buildModules, type DrainResult, type Modules, type TickResult } from './app';
import type { Database } from './infra/db/mongo';
import { openDatabase } from './infra/db/open-database';
import { startLoop } from './infra/scheduler';
import { createProactiveSender } from './bot/proactive-sender';
import { createRoster } from './bot/roster';
import { createBot, createTeamsAdapter, type Bot } from './bot/bot';
import { createHttpServer } from './http/server';

export interface StartOptions {
  log: Logger;
  clock?: Clock;
  /** Delivery tuning (tests, benchmarks): rate limits, batch size, randomness … */
  deliveryOptions?: Partial<DeliveryOptions>;
  operationLeaseMs?: number;
  /**
   * Load the anonymity gate's dictionaries before the server listens (about 1.5 s), so the first
   * user does not wait for them. Tests leave it off: the gate loads them on first use.
   */
  warmGate?: boolean;
  /**
   * Benchmarks run `pass()` themselves: no scheduler loop is started, whatever
   * SCHEDULER_INTERVAL_SECONDS says (which `pass()` still follows).
   */
  manualScheduler?: boolean;
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
  /**
   * What one run of the scheduler loop does: a full pass (`tick`) when SCHEDULER_INTERVAL_SECONDS
   * have gone by since the last one (by the app's clock), otherwise the outbox alone (after a
   * pass that stopped with messages still being sent, the loop runs again at once).
   */
  pass(): Promise<({ full: true } & TickResult) | ({ full: false } & DrainResult)>;
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
    const sender = createProactiveSender({
      adapter,
      botAppId: config.bot.appId,
      clock,
      log,
      timeoutMs: config.outboundTimeoutMs,
    });
    // The address the bot's download links point at: configured, or where it listens.
    let listeningUrl = '';
    const roster = createRoster({ adapter, botAppId: config.bot.appId, log });
    const modules = await buildModules(store.db.db, config, clock, log, {
      sender,
      roster,
      publicUrl: () => config.publicUrl ?? listeningUrl,
      ...(options.deliveryOptions ? { deliveryOptions: options.deliveryOptions } : {}),
      ...(options.operationLeaseMs ? { operationLeaseMs: options.operationLeaseMs } : {}),
    });
    const { people, conversations } = modules.faces;
    if (options.warmGate) {
      const started = Date.now();
      modules.gate.check('Eleven har hög frånvaro.');
      log.info({ ms: Date.now() - started }, 'anonymity gate dictionaries loaded');
    }
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
    // Readiness: a supervised embedded database that is down says so at once; otherwise a ping
    // with a short timeout.
    const http = createHttpServer({
      bot,
      ping: async () => store.healthy() && (await store.db.ping(500)),
      log,
      download: (kind, id) => modules.download(kind, id),
    });
    const { port, url } = await http.listen(config.port, config.host);
    listeningUrl = url;
    cleanups.push(() => http.close());
    const intervalMs = config.schedulerIntervalSeconds * 1000;
    let lastFull = -Infinity;
    const pass: RunningApp['pass'] = async () => {
      const now = clock.now().getTime();
      if (now - lastFull < intervalMs) return { full: false, ...(await modules.drain()) };
      lastFull = now;
      return { full: true, ...(await modules.tick()) };
    };
    // (Stopping runs these in reverse: the loop stops, then what its jobs left going.)
    cleanups.push(() => modules.settle());
    if (intervalMs > 0 && !options.manualScheduler) {
      const loop = startLoop('scheduler', pass, intervalMs, log);
      cleanups.push(() => loop.stop());
    }
    if (!config.downloadSigningKey && !config.localMode)
      log.warn(
        'SECRET_DOWNLOAD_SIGNING_KEY is not set: download links are signed with a key of this process only (they fail on other instances and after a restart)',
      );
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
      pass,
      verbs: modules.router.verbs(),
      stop: stopAll,
    };
  } catch (e) {
    await stopAll();
    throw e;
  }
}
