/**
 * Term summary compile on the embedded database: one term (HT 2026) with 100,000 cases, 2,000
 * meetings and 5,000 deviations across 50 forums.
 *
 *   npm run bench:summary -- [--cases 100000] [--meetings 2000] [--deviations 5000] [--forums 50]
 *                            [--recount]
 *
 * Seeding inserts the documents in batches (insertMany of 5,000), then builds the counters the
 * way the product repairs them (`expectedCounts` from the recount's groups, which the bench forms
 * as it writes the cases; `--recount` runs the product's recount in the database instead), and
 * the facts of meetings and deviations per forum (as their events do). Then two processes of their own, each on the
 * same data: **compile** (the product: counters read by `_id`, the overall summary and one per
 * forum, stored) and **naive** (every case, meeting and deviation loaded into the process and
 * counted there, the same summaries stored). Peak memory: each process's own peak RSS, and the
 * database server's peak RSS during each (its peak is reset through /proc before each run).
 * The last line is machine-readable.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { MongoClient, type Db } from 'mongodb';
import calendar from '../env/calendar.json';
import { addDays, periodKeysOn, type Terms } from '../src/capabilities/calendar';
import { MongoCasesRepository } from '../src/capabilities/cases/cases.repository';
import type { CaseCountRow, CaseScope } from '../src/capabilities/cases';
import {
  deviationCounts,
  expectedCounts,
  SummariesCounting,
} from '../src/capabilities/summaries/summaries.counting';
import type { DeviationState } from '../src/capabilities/summaries/summaries.types';
import { MongoSummariesRepository } from '../src/capabilities/summaries/summaries.repository';
import { startEmbeddedDb } from '../src/infra/db/embedded-ferretdb';
import { createLogger } from '../src/infra/logger';
import { PROJECT_ROOT, runBench } from './bench-kit';

const { values } = parseArgs({
  options: {
    cases: { type: 'string', default: '100000' },
    meetings: { type: 'string', default: '2000' },
    deviations: { type: 'string', default: '5000' },
    forums: { type: 'string', default: '50' },
    recount: { type: 'boolean', default: false },
  },
});
const N_CASES = Number(values.cases);
const N_MEETINGS = Number(values.meetings);
const N_DEVIATIONS = Number(values.deviations);
const N_FORUMS = Number(values.forums);
const TENANT = 'bench-tenant';
const PERIOD = 'HT2026';
const TERM_START = '2026-08-17';
const TERM_DAYS = 124; // to 18 December
const TODAY = '2026-12-19';
/** HT 2026 as a reporting period ends the day before VT 2027 starts. */
const TERM_END = '2027-01-10';
const BATCH = 5000;
const cal = calendar as Terms;

const ORGS = ['school', 'socialServices', 'firstLine', 'police', 'leisure', 'studentHealth'];
const AGES = ['preschool', 'grades0to3', 'grades4to6', 'grades7to9', 'upperSecondary'];
const CONCERNS = [
  'schoolAbsence',
  'normBreaking',
  'mentalHealth',
  'familySituation',
  'crime',
  'peerRelations',
];
const OUTCOMES = [
  'adviceGiven',
  'openIntervention',
  'sipRecommended',
  'reportOfConcern',
  'followUp',
  'noAction',
];
const CATEGORIES = [
  'contactPersonChanged',
  'noFeedback',
  'sipLate',
  'meetingCancelled',
  'notInformed',
];
const TEXT =
  'Eleven har haft hög frånvaro sedan höstlovet och skolan har provat anpassningar och samtal med elevhälsan. ' +
  'Vi vill veta vilka insatser som finns och hur vi kan samordna oss med socialtjänsten och Första linjen.';

let seed = 42;
const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
const forumId = (i: number) => `f${String(i + 1).padStart(2, '0')}`;
const forumOrgs = (i: number) => [
  ORGS[i % ORGS.length]!,
  ORGS[(i + 1) % ORGS.length]!,
  ORGS[(i + 2) % ORGS.length]!,
];
const mb = (kb: number) => Math.round(kb / 1024);

async function seedData(db: Db, recount: boolean): Promise<void> {
  const rows: CaseCountRow[] = [];
  await db.collection('forums').insertMany(
    Array.from({ length: N_FORUMS }, (_, i) => ({
      _id: `${TENANT}:${forumId(i)}` as never,
      id: forumId(i),
      tenantId: TENANT,
      name: `Forum ${i + 1}`,
      code: `F${String(i + 1).padStart(2, '0')}`,
      kind: 'caseForum',
      organisations: forumOrgs(i),
      chairs: [],
      schedule: {},
      locale: 'sv',
      createdAt: new Date('2026-08-01'),
      updatedAt: new Date('2026-08-01'),
      createdBy: 'bench',
    })),
  );
  for (let done = 0; done < N_CASES; done += BATCH) {
    const docs = Array.from({ length: Math.min(BATCH, N_CASES - done) }, (_, j) => {
      const n = done + j;
      const f = n % N_FORUMS;
      const raisedOn = addDays(TERM_START, Math.floor(random() * TERM_DAYS));
      const status = pick([
        'submitted',
        'onAgenda',
        'discussed',
        'discussed',
        'closed',
        'closed',
        'withdrawn',
      ]);
      const discussed = status === 'discussed' || status === 'closed';
      const code = `F${String(f + 1).padStart(2, '0')}-26-${String(n).padStart(6, '0')}`;
      const created = new Date(`${raisedOn}T08:00:00Z`);
      return {
        _id: `${TENANT}:${code}` as never,
        code,
        tenantId: TENANT,
        forumId: forumId(f),
        meetingId: `${forumId(f)}:${raisedOn}`,
        year: 2026,
        sequence: n,
        raisingOrganisation: pick(forumOrgs(f)),
        submittedBy: 'bench-user',
        ageBand: pick(AGES),
        concerns: [...new Set([pick(CONCERNS), pick(CONCERNS)])],
        description: TEXT,
        tried: TEXT.slice(0, 120),
        question: TEXT.slice(100),
        urgency: 'normal',
        status,
        ...(discussed ? { outcome: pick(OUTCOMES), discussedDays: Math.floor(random() * 30) } : {}),
        ...(status === 'closed' || status === 'withdrawn'
          ? { endedOn: addDays(raisedOn, 5 + Math.floor(random() * 60)) }
          : {}),
        raisedOn,
        periods: periodKeysOn(cal, raisedOn),
        history: [
          { at: created, by: 'bench-user', action: 'submitted', to: 'submitted' },
          ...(discussed
            ? [
                {
                  at: created,
                  by: 'bench-chair',
                  action: 'discussed',
                  from: 'submitted',
                  to: 'discussed',
                },
              ]
            : []),
        ],
        version: discussed ? 2 : 1,
        createdAt: created,
        updatedAt: created,
      };
    });
    await db.collection('cases').insertMany(docs);
    // What the recount's `$group` would return for these cases, grouped here as they are written.
    for (const d of docs) {
      const base = { forumId: d.forumId, org: d.raisingOrganisation, n: 1 };
      const push = (kind: CaseCountRow['kind'], key: unknown) => {
        if (typeof key === 'string' || typeof key === 'number')
          rows.push({ ...base, kind, key: String(key) });
      };
      push('status', d.status);
      push('ageBand', d.ageBand);
      for (const c of d.concerns) push('concern', c);
      push('outcome', (d as { outcome?: string }).outcome);
      push('days', (d as { discussedDays?: number }).discussedDays);
      push('raisedOn', d.raisedOn);
      const ended = (d as { endedOn?: string }).endedOn;
      if (ended && ended <= TERM_END) push('endedBy', d.status);
    }
  }
  const perForum = Math.ceil(N_MEETINGS / N_FORUMS);
  const meetings = Array.from({ length: N_MEETINGS }, (_, n) => {
    const f = n % N_FORUMS;
    const week = Math.floor(n / N_FORUMS) % perForum;
    const date = addDays('2026-08-20', ((week * TERM_DAYS) / perForum) | 0);
    const status = random() < 0.9 ? 'scheduled' : pick(['cancelled', 'moved', 'skipped']);
    return {
      _id: `${TENANT}:${forumId(f)}:${date}:${n}` as never,
      id: `${forumId(f)}:${date}`,
      tenantId: TENANT,
      forumId: forumId(f),
      originalDate: `${date}-${n}`,
      date,
      start: new Date(`${date}T12:00:00Z`),
      end: new Date(`${date}T14:00:00Z`),
      timeZone: 'Europe/Stockholm',
      status,
      ...(status === 'cancelled'
        ? { reason: { kind: 'override', text: 'Ordföranden är sjuk.' } }
        : {}),
    };
  });
  await db.collection('meetings').insertMany(meetings);
  const deviations = Array.from({ length: N_DEVIATIONS }, (_, n) => {
    const f = n % N_FORUMS;
    const reportedOn = addDays(TERM_START, Math.floor(random() * TERM_DAYS));
    const state = pick(['reported', 'handling', 'answered', 'closed']);
    return {
      _id: `${TENANT}:AVV-${n}` as never,
      id: `AVV-${n}`,
      tenantId: TENANT,
      forumId: forumId(f),
      orgs: [...new Set([pick(forumOrgs(f)), pick(forumOrgs(f))])],
      category: pick(CATEGORIES),
      state,
      reportedOn,
      dueOn: addDays(reportedOn, 60),
      ...(state === 'answered' || state === 'closed'
        ? { answeredOn: addDays(reportedOn, Math.floor(random() * 60)) }
        : {}),
      ...(state === 'closed'
        ? { closedOn: addDays(reportedOn, 30 + Math.floor(random() * 60)) }
        : {}),
      description: TEXT,
    };
  });
  await db.collection('deviations').insertMany(deviations);

  // The counters, built as the product repairs them.
  const counters = new MongoSummariesRepository(db);
  const casesRepo = new MongoCasesRepository(db);
  const counting = new SummariesCounting({
    repo: counters,
    cases: {
      countCases: (t: string, s: CaseScope) => casesRepo.countCases(t, s),
      codedCases: (t: string, s: CaseScope) => casesRepo.codedCases(t, s),
    } as never,
    meetings: null as never,
    forums: null as never,
    calendar: cal,
    log: createLogger({ level: 'silent', pretty: false }),
  });
  // The case counters as the repair writes them (expectedCounts), from the rows above; with
  // --recount, from the product's recount in the database instead (two full passes over the
  // cases on FerretDB v1: slow at this size, and not part of a compile).
  let recountNote = 'grouped while seeding';
  if (recount) {
    const started = performance.now();
    const result = await counting.recount(TENANT, PERIOD, []);
    recountNote = `recount in the database ${((performance.now() - started) / 1000).toFixed(1)} s (${result.forums} forums)`;
  } else {
    for (const [forum, cases] of expectedCounts(rows))
      await counters.setFacts({ tenantId: TENANT, period: PERIOD, forumId: forum }, { cases });
  }
  const facts = new Map<string, Record<string, unknown>>();
  const put = (period: string, forum: string, path: string, value: unknown) => {
    const key = `${period}|${forum}`;
    const set = facts.get(key) ?? {};
    set[path] = value;
    facts.set(key, set);
  };
  for (const m of meetings)
    for (const p of periodKeysOn(cal, m.date))
      put(p, m.forumId, `meetings.${m.originalDate}`, {
        status: m.status,
        date: m.date,
        ...(m.reason ? { reason: 'chair' } : {}),
      });
  // The deviations as their facts count (summed per forum and period: one write each).
  const deviationIncs = new Map<string, Record<string, number>>();
  for (const d of deviations) {
    for (const p of periodKeysOn(cal, d.reportedOn)) {
      const key = `${p}|${d.forumId}`;
      const inc = deviationIncs.get(key) ?? {};
      for (const [path, n] of Object.entries(
        deviationCounts({ ...d, state: d.state as DeviationState }),
      ))
        inc[path] = (inc[path] ?? 0) + n;
      deviationIncs.set(key, inc);
    }
  }
  for (const [key, inc] of deviationIncs) {
    const [period, forum] = key.split('|') as [string, string];
    await counters.increment({ tenantId: TENANT, period, forumId: forum }, inc);
  }
  for (const [key, set] of facts) {
    const [period, forum] = key.split('|') as [string, string];
    await counters.setFacts({ tenantId: TENANT, period, forumId: forum }, set);
  }
  console.log(`counters built: cases ${recountNote}; meetings and deviations per forum and period`);
}

/** Peak RSS of a process (kB), and resetting it (Linux: clear_refs 5). */
const vmHwm = (pid: number): number =>
  Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
const resetPeak = (pid: number): void => writeFileSync(`/proc/${pid}/clear_refs`, '5');

function runChild(
  mode: string,
  uri: string,
  db: string,
): Promise<{ seconds: number; rssMb: number; summaries: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        path.join(PROJECT_ROOT, 'node_modules/tsx/dist/cli.mjs'),
        path.join(__dirname, 'summary-run.ts'),
        '--uri',
        uri,
        '--db',
        db,
        '--mode',
        mode,
        '--tenant',
        TENANT,
        '--period',
        PERIOD,
        '--today',
        TODAY,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.on('exit', (code) =>
      code === 0
        ? resolve(JSON.parse(out.trim().split('\n').at(-1)!) as never)
        : reject(new Error(`${mode} exited ${code}`)),
    );
  });
}

runBench(async (cleanups) => {
  console.log(
    `machine: ${cpus().length} cores, load ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  const dataDir = mkdtempSync(path.join(tmpdir(), 'samverkan-bench-summary-'));
  cleanups.push(() => Promise.resolve(rmSync(dataDir, { recursive: true, force: true })));
  const embedded = await startEmbeddedDb({ projectRoot: PROJECT_ROOT, dataDir });
  cleanups.push(() => embedded.stop());
  const dbName = 'bench_summary';
  const client = new MongoClient(embedded.uri);
  await client.connect();
  cleanups.push(() => client.close());
  const db = client.db(dbName);
  let started = performance.now();
  await seedData(db, values.recount);
  console.log(
    `seeded ${N_CASES} cases, ${N_MEETINGS} meetings, ${N_DEVIATIONS} deviations, ${N_FORUMS} forums in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  const dbPid = embedded.pid()!;

  resetPeak(dbPid);
  started = performance.now();
  const compiled = await runChild('compile', embedded.uri, dbName);
  const dbCompile = vmHwm(dbPid);
  console.log(
    `compile: ${compiled.summaries} summaries in ${compiled.seconds.toFixed(2)} s, bot peak ${compiled.rssMb.toFixed(0)} MB, db peak ${mb(dbCompile)} MB`,
  );

  resetPeak(dbPid);
  const naive = await runChild('naive', embedded.uri, dbName);
  const dbNaive = vmHwm(dbPid);
  console.log(
    `naive: ${naive.summaries} summaries in ${naive.seconds.toFixed(2)} s, bot peak ${naive.rssMb.toFixed(0)} MB, db peak ${mb(dbNaive)} MB`,
  );
  console.log(`speed-up ${(naive.seconds / compiled.seconds).toFixed(1)}x`);
  return {
    code: 0,
    lastLine: `cases=${N_CASES} seconds=${compiled.seconds.toFixed(2)} naive_seconds=${naive.seconds.toFixed(2)} rss_mb=${Math.round(compiled.rssMb)} naive_rss_mb=${Math.round(naive.rssMb)} db_rss_mb=${mb(dbCompile)} naive_db_rss_mb=${mb(dbNaive)}`,
  };
});
