/**
 * Turn throughput and latency over the full HTTP path: N concurrent personal chats (distinct
 * users, allowed tenant) each send `hjälp` M times, sequentially within a chat, to the real app
 * (startApp, real database), and the replies go to a local fake Bot Connector. The same load is
 * run against a bare teams-ai echo bot (same adapter, restify, MemoryStorage, no database) as a
 * baseline. Latency of a turn = POST start → HTTP response received and that turn's reply
 * received by the connector.
 *
 *   npm run bench:turns -- --conversations 20 --turns 100 [--warmup 2000]
 *
 * Both bots are warmed up with the same number of turns first (2,000 by default): with 50, the
 * baseline was still getting faster (its JIT not warm) while it was measured, so it measured
 * slower than it is and the ratios flattered the app (×0.9 against ×0.65 warm, Nov 2026).
 *
 * The database is MONGODB_URI if set (a fresh database name, dropped at the end), otherwise an
 * embedded FerretDB in a temporary folder. The last line is machine-readable.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { startApp, type RunningApp } from '../src/start';
import { loadConfig, type Config } from '../src/config/config';
import { createLogger } from '../src/infra/logger';
import { message, TENANT, type Person } from '../test/fixtures/activities';
import { startBaselineBot, type BaselineServer } from './baseline-bot';
import { ReplyConnector } from './reply-connector';
import { benchDatabase, runBench } from './bench-kit';
import { WireCounter } from './wire-counter';

const PROJECT_ROOT = path.resolve(__dirname, '..');
const HOST = '127.0.0.1';
const REQUEST_TIMEOUT_MS = 30_000;
const REPLY_TIMEOUT_MS = 10_000;

interface Options {
  conversations: number;
  turns: number;
  warmup: number;
}

function parseArgs(argv: readonly string[]): Options {
  const opts: Options = { conversations: 20, turns: 100, warmup: 2_000 };
  const limits: Record<keyof Options, [number, number]> = {
    conversations: [1, 1_000],
    turns: [1, 10_000],
    warmup: [0, 100_000],
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const m = /^--(conversations|turns|warmup)(?:=(.*))?$/.exec(arg);
    if (!m) throw new Error(`unknown argument: ${arg} (use --conversations N --turns M)`);
    const key = m[1] as keyof Options;
    const raw = m[2] ?? argv[++i];
    const n = Number(raw);
    const [min, max] = limits[key];
    if (!Number.isInteger(n) || n < min || n > max)
      throw new Error(`--${key} must be an integer from ${min} to ${max} (got ${raw})`);
    opts[key] = n;
  }
  return opts;
}

/** Distinct users, one personal chat each (the fixture derives the chat id from the user). */
function benchUsers(n: number): Person[] {
  return Array.from({ length: n }, (_, i) => {
    const suffix = (i + 1).toString(16).padStart(12, '0');
    return {
      aadObjectId: `bec4bec4-0000-4000-8000-${suffix}`,
      name: `Bench User ${i + 1}`,
      teamsId: `29:bench-${i + 1}`,
    };
  });
}

interface RunResult {
  label: string;
  turns: number;
  seconds: number;
  latencies: number[];
  httpFailures: number;
  missingReplies: number;
  replies: number;
  cardReplies: number;
}

/** Every user sends `turnsEach` messages one after the other; all users at the same time. */
async function runLoad(
  label: string,
  baseUrl: string,
  connector: ReplyConnector,
  users: readonly Person[],
  turnsEach: readonly number[],
): Promise<RunResult> {
  connector.reset();
  const latencies: number[] = [];
  let httpFailures = 0;
  let missingReplies = 0;
  let firstError: string | undefined;
  const endpoint = `${baseUrl}/api/messages`;

  const conversation = async (user: Person, turns: number) => {
    for (let t = 0; t < turns; t++) {
      const activity = message('hjälp', { from: user, serviceUrl: connector.url });
      const id = String(activity.id);
      const body = JSON.stringify(activity);
      const started = performance.now();
      let ok = false;
      try {
        const res = await fetch(endpoint, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
        const text = await res.text();
        ok = res.status >= 200 && res.status < 300;
        if (!ok) firstError ??= `HTTP ${res.status}: ${text.slice(0, 200)}`;
      } catch (e) {
        firstError ??= (e as Error).message;
      }
      const replied = ok && (await connector.waitForReply(id, REPLY_TIMEOUT_MS));
      const elapsed = performance.now() - started;
      if (!ok) httpFailures++;
      else if (!replied) missingReplies++;
      else latencies.push(elapsed);
    }
  };

  const started = performance.now();
  await Promise.all(users.map((u, i) => conversation(u, turnsEach[i] ?? 0)));
  const seconds = (performance.now() - started) / 1000;
  const turns = turnsEach.reduce((a, b) => a + b, 0);
  if (firstError) console.error(`${label}: first failure: ${firstError}`);
  return {
    label,
    turns,
    seconds,
    latencies,
    httpFailures,
    missingReplies,
    replies: connector.messages,
    cardReplies: connector.cardMessages,
  };
}

const percentile = (sorted: readonly number[], p: number): number =>
  sorted.length === 0
    ? NaN
    : sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;

interface Stats {
  turns: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

function stats(r: RunResult): Stats {
  const sorted = [...r.latencies].sort((a, b) => a - b);
  return {
    turns: r.turns,
    seconds: r.seconds,
    perSecond: r.turns / r.seconds,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? NaN,
  };
}

const one = (x: number): string => (Math.round(x * 10) / 10).toString();

function table(rows: [string, Stats][]): string {
  const head = ['bot', 'turns', 'seconds', 'turns/s', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms'];
  const body = rows.map(([name, s]) => [
    name,
    String(s.turns),
    s.seconds.toFixed(2),
    one(s.perSecond),
    one(s.p50),
    one(s.p90),
    one(s.p99),
    one(s.max),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

/** Checks a run: every turn answered over HTTP, every reply arrived, the right kind of reply. */
function problemsOf(r: RunResult, expectCards: boolean): string[] {
  const problems: string[] = [];
  if (r.httpFailures > 0) problems.push(`${r.label}: ${r.httpFailures} turns failed over HTTP`);
  if (r.missingReplies > 0)
    problems.push(`${r.label}: ${r.missingReplies} turns got no reply within the timeout`);
  if (r.replies !== r.turns)
    problems.push(`${r.label}: the connector received ${r.replies} replies for ${r.turns} turns`);
  const expectedCards = expectCards ? r.turns : 0;
  if (r.cardReplies !== expectedCards)
    problems.push(
      `${r.label}: ${r.cardReplies} of ${r.replies} replies were cards (expected ${expectedCards})`,
    );
  return problems;
}

const spread = (total: number, n: number): number[] =>
  Array.from({ length: n }, (_, i) => Math.floor(total / n) + (i < total % n ? 1 : 0));

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
  const users = benchUsers(opts.conversations);
  const measured = Array.from({ length: opts.conversations }, () => opts.turns);
  // Warm-up: at least one turn per chat, so that every user and chat already exists when measuring.
  const warm = spread(Math.max(opts.warmup, opts.conversations), opts.conversations);

  runBench(async (cleanups) => {
    let code = 0;
    const connector = await new ReplyConnector().start();
    cleanups.push(() => connector.stop());

    const { uri: mongoUri, external } = await benchDatabase(cleanups);
    const externalUri = external ? mongoUri : undefined;
    const dbName = `bench_${randomBytes(6).toString('hex')}`;
    const config: Config = loadConfig(
      {
        NODE_ENV: 'development',
        PORT: '0',
        HOST,
        MONGODB_URI: mongoUri,
        MONGODB_DB: dbName,
        ALLOWED_TENANT_IDS: TENANT,
        LOG_LEVEL: 'silent',
        LOG_FORMAT: 'json',
      },
      { projectRoot: PROJECT_ROOT },
    );

    const app: RunningApp = await startApp(config, { log });
    cleanups.push(() => app.stop());
    if (externalUri) cleanups.push(() => app.db.db.dropDatabase().then(() => undefined));
    const baseline: BaselineServer = await startBaselineBot(config);
    cleanups.push(() => baseline.stop());

    console.log(
      `turns bench: ${opts.conversations} concurrent personal chats × ${opts.turns} turns ` +
        `(${opts.conversations * opts.turns} turns per bot), warm-up ${warm.reduce((a, b) => a + b, 0)} ` +
        `turns per bot; database: ${externalUri ? 'MONGODB_URI' : 'embedded FerretDB'} (${dbName})`,
    );

    const problems: string[] = [];
    problems.push(
      ...problemsOf(await runLoad('app warm-up', app.url, connector, users, warm), true),
      ...problemsOf(await runLoad('baseline warm-up', baseline.url, connector, users, warm), false),
    );
    const base = await runLoad('baseline', baseline.url, connector, users, measured);
    problems.push(...problemsOf(base, false));
    const appRun = await runLoad('app', app.url, connector, users, measured);
    const rssMb = process.memoryUsage().rss / (1024 * 1024);
    problems.push(...problemsOf(appRun, true));

    // What a turn asks of the database: a separate, unmeasured run of one turn per chat through
    // a counting proxy (a second app on the same database, so users and chats are known).
    const wire = await WireCounter.forUri(mongoUri).start();
    cleanups.push(() => wire.stop());
    const counted = await startApp(
      { ...config, mongodb: { ...config.mongodb, uri: wire.uri } },
      { log },
    );
    cleanups.push(() => counted.stop());
    const once = users.map(() => 1);
    await runLoad('counted warm-up', counted.url, connector, users, once);
    wire.reset();
    const countedRun = await runLoad('counted', counted.url, connector, users, once);
    problems.push(...problemsOf(countedRun, true));
    const perTurn = [...wire.stats.entries()]
      .sort((x, y) => y[1].count - x[1].count)
      .map(([name, st]) => `${name} ${(st.count / countedRun.turns).toFixed(2)}`)
      .join(', ');
    const a = stats(appRun);
    const b = stats(base);
    console.log('');
    console.log(
      table([
        ['app (startApp + db)', a],
        ['baseline (echo)', b],
      ]),
    );
    console.log('');
    console.log(
      `app/baseline: turns/s ×${(a.perSecond / b.perSecond).toFixed(2)}, ` +
        `p50 ×${(a.p50 / b.p50).toFixed(2)}, p99 ×${(a.p99 / b.p99).toFixed(2)}; ` +
        `replies app ${appRun.replies}/${appRun.turns}, baseline ${base.replies}/${base.turns}; ` +
        `rss after app run ${one(rssMb)} MiB`,
    );
    console.log(
      `db commands per turn: ${(wire.total().count / countedRun.turns).toFixed(2)} (${perTurn || 'none'})`,
    );
    if (problems.length > 0) {
      for (const p of problems) console.error(`FAIL ${p}`);
      code = 1;
    }
    const lastLine =
      `turns_per_s=${one(a.perSecond)} p50_ms=${one(a.p50)} p99_ms=${one(a.p99)} ` +
      `rss_mb=${one(rssMb)} baseline_turns_per_s=${one(b.perSecond)} baseline_p50_ms=${one(b.p50)}`;
    return { code, lastLine };
  });
}

main();
