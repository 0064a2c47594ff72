/**
 * Reminder fan-out against Teams' rate limits: N forums, each bound to its own channel of one
 * tenant, whose deadline reminders all fall due in the same minute. The scheduler loop's pass
 * (`app.pass()`, as in production with SCHEDULER_INTERVAL_SECONDS 30: every job — materialize,
 * enqueue due reminders, deliver through the outbox … — at most every 30 s, and the outbox alone
 * in between while it has messages to send) is run in a loop until every reminder is sent,
 * dead-lettered or expired, against a fake Bot Connector that
 * ENFORCES Teams' limits (per conversation 7/1 s, 8/2 s, 60/30 s, 1,800/h; per tenant 50 in any
 * sliding second) and answers 429 with Retry-After past them.
 *
 *   npm run bench:reminders -- [--forums 1000] [--instances 1] [--max-seconds 600]
 *                                 [--horizon-days 7] [--cold]
 *
 * `--instances 2` starts two apps on the same database that tick concurrently. The clock is a
 * ManualClock frozen just after the reminders fall due while the forums are set up, then moving
 * in real time from the first tick (rate windows, Retry-After and backoff need time to pass).
 * Before that, one unmeasured warm-up pass per instance a minute before the reminders are due
 * materializes every forum, as a bot that has been running would have (--cold skips it, so the
 * first measured pass re-materializes every forum, as after a restart or at midnight).
 * Database commands are counted by a TCP proxy between the apps and the server. The database is
 * MONGODB_URI if set (a fresh database, dropped at the end), otherwise an embedded FerretDB in a
 * temporary folder. The last line is machine-readable.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { MongoClient } from 'mongodb';
import { startApp, type RunningApp } from '../src/start';
import { loadConfig, type Config } from '../src/config/config';
import type { Actor } from '../src/core/actor';
import type { ConversationInfo } from '../src/core/capability';
import { ManualClock } from '../src/core/clock';
import {
  addDeliveryStats,
  type DeliveryRunStats,
} from '../src/capabilities/delivery/delivery.service';
import { createLogger } from '../src/infra/logger';
import { BOT_ID, TENANT } from '../test/fixtures/activities';
import { LimitedConnector, TEAMS_LIMITS } from './limited-connector';
import { WireCounter, type WireStat } from './wire-counter';
import { benchDatabase, runBench } from './bench-kit';

const PROJECT_ROOT = path.resolve(__dirname, '..');
const HOST = '127.0.0.1';
/** How often the outbox is checked for completion (through a separate, uncounted client). */
const MONITOR_EVERY_MS = 250;
/**
 * A pass that had nothing to send: wait this long before the next (the production loop waits
 * SCHEDULER_INTERVAL_SECONDS, 30 s, after every pass). With two instances, the one whose
 * tenant is the other's turn polls this often; a 20 ms pause had it re-run every job's reads
 * back to back (the database was busy 94% of the run, slowing the sender by a tenth).
 */
const IDLE_PAUSE_MS = 1_000;
/** Setup writes in flight at once (remember + bind per forum). */
const SETUP_CONCURRENCY = 8;
/** Forums per import during setup. */
const IMPORT_CHUNK = 250;

/**
 * Weekly on Thursdays 13:00 (Europe/Stockholm), deadline 2 working days before at 12:00, deadline
 * reminder 24 h before the deadline (the default plan), meeting reminder 15 min before the start.
 * For Thu 25 March 2027 (CET): deadline Tue 23 March 12:00 = 11:00Z, so the deadline reminder
 * falls due on Mon 22 March 11:00Z. Set up "now" 30 s later: forums materialize from yesterday on
 * (the 18 March meeting is not materialized), the 25 March meeting reminder is days away, so
 * exactly one reminder per forum is due and it is still useful (expires at the deadline, 24 h on).
 */
const NOW = '2027-03-22T11:00:30.000Z';
const REMINDER_DUE = '2027-03-22T11:00:00.000Z';
const WARMUP_AT = '2027-03-22T10:59:00.000Z';
/*
 * The meetings horizon defaults to 7 days here (config MEETINGS_HORIZON_DAYS, product default
 * 120): it does not change which reminders fall due, and on FerretDB v1 every meeting upsert
 * costs time proportional to the whole meetings collection, so with 120 days (≈17 meetings per
 * forum) importing 1,000 forums alone takes over a quarter of an hour. --horizon-days 120 to
 * see that.
 */
const schedule = {
  recurrence: { kind: 'weekly', interval: 1, weekdays: ['thursday'] },
  startTime: '13:00',
  durationMinutes: 120,
  firstDate: '2027-01-14',
  deadline: { workingDaysBefore: 2, time: '12:00' },
};

interface Options {
  forums: number;
  instances: number;
  maxSeconds: number;
  horizonDays: number;
  /** Measure from a cold start: the first measured tick also materializes every forum. */
  cold: boolean;
}

function parseArgs(argv: readonly string[]): Options {
  const opts: Options = {
    forums: 1_000,
    instances: 1,
    maxSeconds: 600,
    horizonDays: 7,
    cold: false,
  };
  const limits: Record<Exclude<keyof Options, 'cold'>, [number, number]> = {
    forums: [1, 5_000],
    instances: [1, 4],
    maxSeconds: [5, 3_600],
    horizonDays: [7, 730],
  };
  const names: Record<string, Exclude<keyof Options, 'cold'>> = {
    forums: 'forums',
    instances: 'instances',
    'max-seconds': 'maxSeconds',
    'horizon-days': 'horizonDays',
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--cold') {
      opts.cold = true;
      continue;
    }
    const m = /^--(forums|instances|max-seconds|horizon-days)(?:=(.*))?$/.exec(arg);
    if (!m) throw new Error(`unknown argument: ${arg} (use --forums N --instances K)`);
    const key = names[m[1]!]!;
    const raw = m[2] ?? argv[++i];
    const n = Number(raw);
    const [min, max] = limits[key];
    if (!Number.isInteger(n) || n < min || n > max)
      throw new Error(`--${m[1]} must be an integer from ${min} to ${max} (got ${raw})`);
    opts[key] = n;
  }
  return opts;
}

/**
 * A ManualClock that stands still at its set time until `run()`, then moves in real time from
 * there: now() = set time + (Date.now() − moment of run()). A ManualClock that is only `set` once
 * per pass would freeze time inside a pass; this one moves inside a pass too, as the system
 * clock does in production.
 */
class RunningClock extends ManualClock {
  private since: number | undefined;

  run(): void {
    this.since ??= Date.now();
  }

  override now(): Date {
    const base = super.now().getTime();
    return new Date(this.since === undefined ? base : base + (Date.now() - this.since));
  }
}

/**
 * The least wall time Teams' limits allow for n messages, one per conversation: the
 * per-conversation limits never bind (one message each), so only the tenant's 50 per sliding
 * second does. A request at t is refused when 50 accepted requests arrived in (t − 1 s, t], so
 * for accepted times t₀ ≤ t₁ ≤ … any t_{i+50} − t_i ≥ 1 s, and the last of n messages comes at
 * least floor((n − 1) / 50) s after the first (n = 1,000: 19 s; the first 50 at once, then 50
 * more at every whole second). Measured seconds start at the first tick, before the first
 * delivery, so they can only be larger.
 */
function minSeconds(messages: number, perSecond = TEAMS_LIMITS.perTenant[0]!.max): number {
  return messages <= 0 ? 0 : Math.floor((messages - 1) / perSecond);
}

const pad = (n: number, width = 4) => String(n).padStart(width, '0');

/** One import entry per forum (the forums:import shape), all on the same schedule. */
function forumEntries(n: number): Record<string, unknown>[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `bench-${pad(i + 1)}`,
    name: `Benchforum ${pad(i + 1)}`,
    code: 'BEN',
    organisations: ['school', 'socialServices', 'firstLine'],
    schedule,
  }));
}

const channelOf = (i: number) => `19:bench-${pad(i + 1)}@thread.tacv2`;

/** A reference shaped like the one src/bot/bot.ts stores for a channel (getConversationReference). */
function channelReference(conversationId: string, serviceUrl: string): Record<string, unknown> {
  return {
    user: {
      id: '29:bench-admin',
      name: 'Bench Admin',
      aadObjectId: 'a0a0a0a0-0000-4000-8000-00000000bec4',
    },
    bot: { id: BOT_ID, name: 'Samverkan' },
    conversation: {
      id: conversationId,
      conversationType: 'channel',
      isGroup: true,
      tenantId: TENANT,
    },
    channelId: 'msteams',
    locale: 'sv-SE',
    serviceUrl,
  };
}

/** Runs `fn` over items with at most `limit` in flight. */
async function pool<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

interface InstanceRun {
  ticks: number;
  /** Of which full passes (every job); the others ran the outbox alone. */
  fullTicks: number;
  /** Time per job over every pass (ms). */
  jobMs: Record<string, number>;
  /** Ticks that sent at least one message. */
  sendingTicks: number;
  firstTickMs: number;
  /** The first tick's time per job (ms). */
  firstTickJobs?: Record<string, number>;
  tickMs: number[];
  maxSentPerTick: number;
  enqueued: number;
  delivery: DeliveryRunStats;
  errors: number;
  firstError?: string;
}

interface OutboxState {
  total: number;
  pending: number;
  sent: number;
  deadLettered: number;
  expired: number;
  attempts: number;
}

async function outboxState(client: MongoClient, dbName: string): Promise<OutboxState> {
  const rows = await client
    .db(dbName)
    .collection('outbox')
    .aggregate<{ _id: string; n: number; attempts: number }>([
      { $match: { kind: 'reminder.deadline' } },
      { $group: { _id: '$status', n: { $sum: 1 }, attempts: { $sum: '$attempts' } } },
    ])
    .toArray();
  const state: OutboxState = {
    total: 0,
    pending: 0,
    sent: 0,
    deadLettered: 0,
    expired: 0,
    attempts: 0,
  };
  for (const r of rows) {
    state.total += r.n;
    state.attempts += r.attempts;
    if (r._id === 'pending' || r._id === 'sent' || r._id === 'deadLettered' || r._id === 'expired')
      state[r._id] += r.n;
  }
  // Sends recorded beside their messages and not yet folded into them (the bench's outbox holds
  // reminders only): sent, though their messages still say pending.
  const beside = Math.min(
    state.pending,
    await client.db(dbName).collection('outboxSent').countDocuments({}),
  );
  state.pending -= beside;
  state.sent += beside;
  return state;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const one = (x: number): string => (Math.round(x * 10) / 10).toFixed(1);

function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.floor((s.length - 1) / 2)]!;
};

function main(): void {
  let opts: Options;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`bench: ${(e as Error).message}`);
    process.exitCode = 1;
    return;
  }
  const log = createLogger({ level: 'silent', pretty: false });
  const expected = opts.forums;
  runBench(async (cleanups) => {
    let code = 0;
    const connector = await new LimitedConnector().start();
    cleanups.push(() => connector.stop());

    const { uri: serverUri, external } = await benchDatabase(cleanups);
    const externalUri = external ? serverUri : undefined;
    // With MONGODB_URI the proxy only handles a single-host, plain URI (no SRV, no TLS).
    const wire = await WireCounter.forUri(serverUri).start();
    cleanups.push(() => wire.stop());
    const monitor = new MongoClient(serverUri, { serverSelectionTimeoutMS: 10_000 });
    await monitor.connect();
    cleanups.push(() => monitor.close());

    const dbName = `bench_${randomBytes(6).toString('hex')}`;
    const config: Config = loadConfig(
      {
        NODE_ENV: 'development',
        PORT: '0',
        HOST,
        MONGODB_URI: wire.uri,
        MONGODB_DB: dbName,
        ALLOWED_TENANT_IDS: TENANT,
        // The production interval: `pass()` runs every job at most every 30 s and the outbox
        // alone in between while it has messages to send (the bench loop calls it, not a timer).
        SCHEDULER_INTERVAL_SECONDS: '30',
        MEETINGS_HORIZON_DAYS: String(opts.horizonDays),
        LOG_LEVEL: 'silent',
        LOG_FORMAT: 'json',
      },
      { projectRoot: PROJECT_ROOT },
    );
    // Setup and warm-up happen a minute before the reminders are due; the measured run after.
    const clock = new RunningClock(WARMUP_AT);
    const apps: RunningApp[] = [];
    for (let i = 0; i < opts.instances; i++) {
      const app = await startApp(config, { log, clock, manualScheduler: true });
      cleanups.push(() => app.stop());
      apps.push(app);
    }
    if (externalUri) cleanups.push(() => apps[0]!.db.db.dropDatabase().then(() => undefined));
    const primary = apps[0]!;

    console.log(
      `reminders bench: ${opts.forums} forums in ${opts.forums} channels of one tenant, ` +
        `${opts.instances} instance(s); database: ${externalUri ? 'MONGODB_URI' : 'embedded FerretDB'} ` +
        `(${dbName}); clock ${NOW} (reminders due ${REMINDER_DUE})`,
    );

    // Setup (not measured): import, make each channel known, bind each forum to its channel.
    let started = performance.now();
    // In imports of IMPORT_CHUNK forums, as a municipality would bring them in: the events of
    // one import are handled before the next, so the event queue stays the size of one import.
    const entries = forumEntries(opts.forums);
    const forums = [];
    for (let i = 0; i < entries.length; i += IMPORT_CHUNK)
      forums.push(
        ...(await primary.modules.faces.forums.importForums(
          TENANT,
          entries.slice(i, i + IMPORT_CHUNK),
          'bench',
        )),
      );
    const admin: Actor = {
      tenantId: TENANT,
      aadObjectId: 'a0a0a0a0-0000-4000-8000-00000000bec4',
      displayName: 'Bench Admin',
      roles: new Set(['admin']),
      organisations: [],
    };
    await pool(
      forums.map((f, i) => ({ forumId: f.id, conversationId: channelOf(i) })),
      SETUP_CONCURRENCY,
      async ({ forumId, conversationId }) => {
        const info: ConversationInfo = { id: conversationId, tenantId: TENANT, type: 'channel' };
        await primary.modules.faces.conversations.remember(
          info,
          channelReference(conversationId, connector.url),
          connector.url,
        );
        await primary.modules.faces.forums.bindForum(admin, forumId, info);
      },
    );
    const setupSeconds = (performance.now() - started) / 1000;
    console.log(
      `setup: ${forums.length} forums imported, remembered and bound in ${one(setupSeconds)} s`,
    );

    // Warm-up (not measured, unless --cold): the bot has been running before the reminders fall
    // due, so each instance's scheduler has already materialized every forum today. One pass per
    // instance a minute before they are due does that and enqueues nothing.
    if (!opts.cold) {
      started = performance.now();
      // A scheduler pass materializes at most 50 forums (materializeBatch): a bot that has been
      // running has made as many passes as it takes, so warm up until a pass materializes none.
      for (const app of apps) {
        for (let pass = 0; pass < 1_000; pass++) {
          const { reminders } = await app.tick();
          if (reminders.enqueued > 0)
            throw new Error(
              `the warm-up pass enqueued ${reminders.enqueued} messages (expected 0)`,
            );
          if (reminders.materialized === 0) break;
        }
      }
      const warmupSeconds = (performance.now() - started) / 1000;
      console.log(
        `warm-up: one pass per instance at ${WARMUP_AT} (materializes every forum) took ${one(warmupSeconds)} s`,
      );
    }

    // What setting up cost the database (not measured; shows where a large setup goes).
    console.log(
      'setup and warm-up db commands: ' +
        [...wire.stats.entries()]
          .sort((x, y) => y[1].totalMs - x[1].totalMs)
          .slice(0, 6)
          .map(([name, st]) => `${name} ${st.count}× ${one(st.totalMs / 1000)} s`)
          .join(', '),
    );
    // Measured: each instance runs passes in a loop until every reminder is settled (or the
    // bound). The first pass of each is a full one (its clock just moved past the warm-up's).
    clock.set(NOW);
    wire.reset();
    const runs: InstanceRun[] = apps.map(() => ({
      ticks: 0,
      fullTicks: 0,
      jobMs: {},
      sendingTicks: 0,
      firstTickMs: NaN,
      tickMs: [],
      maxSentPerTick: 0,
      enqueued: 0,
      delivery: { claimed: 0, sent: 0, retried: 0, deadLettered: 0, expired: 0, throttled: 0 },
      errors: 0,
    }));
    let done = false;
    let timedOut = false;
    clock.run();
    started = performance.now();
    const deadline = started + opts.maxSeconds * 1000;

    const tickLoop = async (app: RunningApp, run: InstanceRun) => {
      while (!done && performance.now() < deadline) {
        const t = performance.now();
        try {
          const result = await app.pass();
          const { delivery, ms: jobMs } = result;
          const ms = performance.now() - t;
          if (run.ticks === 0) {
            run.firstTickMs = ms;
            run.firstTickJobs = jobMs;
          } else run.tickMs.push(ms);
          run.ticks++;
          for (const [job, jms] of Object.entries(jobMs))
            run.jobMs[job] = (run.jobMs[job] ?? 0) + jms;
          if (result.full) {
            run.fullTicks++;
            run.enqueued += result.reminders.enqueued;
          }
          run.delivery = addDeliveryStats(run.delivery, delivery);
          if (delivery.sent > 0) run.sendingTicks++;
          run.maxSentPerTick = Math.max(run.maxSentPerTick, delivery.sent);
          if (delivery.claimed === 0 && delivery.throttled === 0) await sleep(IDLE_PAUSE_MS);
        } catch (e) {
          run.errors++;
          run.firstError ??= e instanceof Error ? `${e.name}: ${e.message}` : String(e);
          await sleep(100);
        }
      }
    };
    const watch = async () => {
      try {
        while (!done) {
          if (performance.now() >= deadline) {
            timedOut = true;
            break;
          }
          const state = await outboxState(monitor, dbName);
          if (state.total >= expected && state.pending === 0) break;
          await sleep(MONITOR_EVERY_MS);
        }
      } finally {
        done = true; // also when the check itself failed: the tick loops must end
      }
    };
    await Promise.all([watch(), ...apps.map((app, i) => tickLoop(app, runs[i]!))]);
    const loopSeconds = (performance.now() - started) / 1000;
    const final = await outboxState(monitor, dbName);

    // What the connector saw.
    const byKey = new Map<string, number>();
    for (const a of connector.accepted) byKey.set(a.key, (byKey.get(a.key) ?? 0) + 1);
    const sent = byKey.size;
    let duplicates = 0;
    for (const n of byKey.values()) duplicates += n - 1;
    const lost = Math.max(0, expected - sent);
    const firstDelivery = Math.min(...connector.accepted.map((a) => a.at));
    const lastDelivery = Math.max(...connector.accepted.map((a) => a.at));
    const seconds = connector.accepted.length ? (lastDelivery - started) / 1000 : loopSeconds;
    const minimum = minSeconds(expected);
    const wireTotal = wire.total();
    const sentByEngine = runs.reduce((n, r) => n + r.delivery.sent, 0);

    console.log('');
    console.log(
      table(
        [
          'instance',
          'passes',
          'full',
          'sending',
          'first ms',
          'pass ms p50',
          'max sent/pass',
        ].concat(['enqueued', 'sent', 'retried', 'dead', 'slot-denied', 'errors']),
        runs.map((r, i) => [
          `#${i + 1}`,
          String(r.ticks),
          String(r.fullTicks),
          String(r.sendingTicks),
          one(r.firstTickMs),
          one(median(r.tickMs)),
          String(r.maxSentPerTick),
          String(r.enqueued),
          String(r.delivery.sent),
          String(r.delivery.retried),
          String(r.delivery.deadLettered),
          String(r.delivery.throttled),
          String(r.errors),
        ]),
      ),
    );
    for (const [i, r] of runs.entries()) {
      if (r.firstError) console.error(`instance #${i + 1}: first tick error: ${r.firstError}`);
      const perJob = (ms: Record<string, number>) =>
        Object.entries(ms)
          .map(([job, jms]) => `${job} ${Math.round(jms)}`)
          .join(', ');
      if (r.firstTickJobs)
        console.log(`instance #${i + 1} first pass, ms per job: ${perJob(r.firstTickJobs)}`);
      console.log(`instance #${i + 1} all passes, ms per job: ${perJob(r.jobMs)}`);
    }
    console.log('');
    const span = connector.accepted.length ? (lastDelivery - firstDelivery) / 1000 : 0;
    console.log(
      table(
        ['connector', 'value'],
        [
          ['requests', String(connector.requests)],
          ['roster reads (setup and run)', String(connector.rosterReads)],
          ['accepted (2xx)', String(connector.accepted.length)],
          [
            '429 tenant / conversation',
            `${connector.throttledBy.tenant} / ${connector.throttledBy.conversation}`,
          ],
          ['first delivery after first tick s', one((firstDelivery - started) / 1000)],
          ['first → last delivery s', one(span)],
          ['mean rate msg/s', one(span > 0 ? (connector.accepted.length - 1) / span : 0)],
          ['peak msgs in a sliding second', String(connector.peakPerSecond())],
          [
            'outbox sent/dead/expired/pending',
            `${final.sent}/${final.deadLettered}/${final.expired}/${final.pending}`,
          ],
          ['outbox attempts (all reminders)', String(final.attempts)],
        ],
      ),
    );
    // Sends per second from the first tick: where the pace held and where it did not.
    if (connector.accepted.length) {
      const perSecond = new Array<number>(Math.ceil((lastDelivery - started) / 1000) + 1).fill(0);
      for (const a of connector.accepted) perSecond[Math.floor((a.at - started) / 1000)]!++;
      console.log(`sends per second from the first tick: ${perSecond.join(' ')}`);
    }
    console.log('');
    const perMsg = (n: number) => (sentByEngine > 0 ? (n / sentByEngine).toFixed(2) : '-');
    const top = [...wire.stats.entries()].sort((a, b) => b[1].count - a[1].count);
    const rows = top
      .slice(0, 14)
      .map(([name, s]: [string, WireStat]) => [
        name,
        String(s.count),
        perMsg(s.count),
        one(s.totalMs),
        (s.totalMs / s.count).toFixed(2),
        String(s.writeErrors),
      ]);
    rows.push([
      'all commands',
      String(wireTotal.count),
      perMsg(wireTotal.count),
      one(wireTotal.totalMs),
      (wireTotal.totalMs / Math.max(1, wireTotal.count)).toFixed(2),
      String(wireTotal.writeErrors),
    ]);
    console.log(
      table(
        ['db command (measured phase)', 'count', 'per sent', 'total ms', 'mean ms', 'dup-key'],
        rows,
      ),
    );
    console.log(
      `db: ${one(wireTotal.totalMs / 1000)} s of round trips in ${one(loopSeconds)} s of loop ` +
        `(${(wireTotal.totalMs / 1000 / loopSeconds).toFixed(2)} in flight on average); ` +
        `Teams' limits allow the ${expected} messages in ${minimum} s` +
        (timedOut ? `; STOPPED at the ${opts.maxSeconds} s bound` : ''),
    );

    // The share of the measured time the database was busy: the union of the intervals in
    // which at least one command was in flight, over the measured loop's wall time (round
    // trips overlap, so their sum above can exceed the wall time).
    const busyMs = wire.busyMs();
    console.log(
      `db_commands_per_message=${perMsg(wireTotal.count)} ` +
        `db_time_share=${Math.min(1, busyMs / 1000 / loopSeconds).toFixed(2)} ` +
        `(a command was in flight ${one(busyMs / 1000)} s of the ${one(loopSeconds)} s loop)`,
    );

    const problems: string[] = [];
    if (lost > 0) problems.push(`${lost} reminders never reached the connector`);
    if (duplicates > 0) problems.push(`${duplicates} reminders were delivered more than once`);
    if (connector.unexpected > 0)
      problems.push(`${connector.unexpected} unexpected requests reached the connector`);
    for (const p of problems) console.error(`FAIL ${p}`);
    if (lost > 0 || duplicates > 0) code = 1;
    const lastLine =
      `forums=${opts.forums} sent=${sent} duplicates=${duplicates} lost=${lost} ` +
      `seconds=${one(seconds)} min_seconds=${minimum} throttled=${connector.throttled}`;
    return { code, lastLine };
  });
}

main();
