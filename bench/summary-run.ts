/**
 * One measured compile, in a process of its own so that its peak memory is its own (started by
 * summary.bench.ts): `--mode compile` reads the counters by `_id` (the product's way); `--mode
 * naive` loads every case, meeting and deviation into the process and counts there. Both make
 * the overall summary and one per forum, for the term and the previous one. Prints one JSON line.
 */
import { performance } from 'node:perf_hooks';
import { MongoClient } from 'mongodb';
import { parseArgs } from 'node:util';
import calendar from '../env/calendar.json';
import { MongoForumsRepository } from '../src/capabilities/forums/forums.repository';
import { MongoSummariesRepository } from '../src/capabilities/summaries/summaries.repository';
import { SummariesService } from '../src/capabilities/summaries/summaries.service';
import { periodOf, previousPeriod, type Terms } from '../src/capabilities/calendar';

const { values } = parseArgs({
  options: {
    uri: { type: 'string' },
    db: { type: 'string' },
    mode: { type: 'string' },
    tenant: { type: 'string' },
    period: { type: 'string' },
    today: { type: 'string' },
  },
});
const cal = calendar as Terms;

type Counts = Record<string, number>;
const add = (c: Counts, k: string, n = 1) => (c[k] = (c[k] ?? 0) + n);

/** The naive way: everything into the process, every figure counted in JavaScript. */
function naiveFigures(
  cases: Record<string, unknown>[],
  meetings: Record<string, unknown>[],
  deviations: Record<string, unknown>[],
  start: string,
  end: string,
  today: string,
) {
  const inP = (d: unknown) => typeof d === 'string' && d >= start && d <= end;
  const byForum = new Map<
    string,
    { cases: Counts; meetings: Counts; deviations: Counts; days: number[] }
  >();
  const of = (f: string) => {
    let x = byForum.get(f);
    if (!x) byForum.set(f, (x = { cases: {}, meetings: {}, deviations: {}, days: [] }));
    return x;
  };
  for (const c of cases) {
    if (!inP(c.raisedOn)) continue;
    for (const target of [of(String(c.forumId)), of('all')]) {
      add(target.cases, 'raised');
      add(target.cases, `org/${String(c.raisingOrganisation)}`);
      add(target.cases, `age/${String(c.ageBand)}`);
      add(target.cases, `status/${String(c.status)}`);
      for (const k of c.concerns as string[]) add(target.cases, `concern/${k}`);
      if (typeof c.outcome === 'string') add(target.cases, `outcome/${c.outcome}`);
      if (typeof c.discussedDays === 'number') target.days.push(c.discussedDays);
      if (inP(c.endedOn)) add(target.cases, `ended/${String(c.status)}`);
    }
  }
  for (const m of meetings) {
    if (!inP(m.date)) continue;
    for (const target of [of(String(m.forumId)), of('all')]) {
      add(target.meetings, String(m.status));
      if ((m.status === 'scheduled' || m.status === 'moved') && String(m.date) < today)
        add(target.meetings, 'held');
    }
  }
  for (const d of deviations) {
    if (!inP(d.reportedOn)) continue;
    for (const target of [of(String(d.forumId)), of('all')]) {
      add(target.deviations, `category/${String(d.category)}`);
      add(target.deviations, `state/${String(d.state)}`);
      add(target.deviations, 'reported');
      for (const org of d.orgs as string[]) add(target.deviations, `org/${org}`);
      if ((d.state === 'reported' || d.state === 'handling') && String(d.dueOn) < today)
        add(target.deviations, 'overdue');
    }
  }
  for (const x of byForum.values()) {
    x.days.sort((a, b) => a - b);
    x.cases.median = x.days[Math.floor((x.days.length - 1) / 2)] ?? 0;
    x.cases.p90 = x.days[Math.ceil(0.9 * x.days.length) - 1] ?? 0;
  }
  return byForum;
}

async function main(): Promise<void> {
  const client = new MongoClient(values.uri!);
  await client.connect();
  const db = client.db(values.db);
  const tenant = values.tenant!;
  const today = values.today!;
  const now = new Date(`${today}T12:00:00Z`);
  const started = performance.now();
  let summaries = 0;
  if (values.mode === 'compile') {
    const forums = new MongoForumsRepository(db);
    const service = new SummariesService({
      repo: new MongoSummariesRepository(db),
      forums: { allForums: () => forums.listForums(), getForum: () => Promise.resolve(null) },
      calendar: cal,
    } as unknown as ConstructorParameters<typeof SummariesService>[0]);
    summaries += (await service.compileAll(tenant, values.period!, now)).length;
  } else {
    const period = periodOf(cal, values.period!)!;
    const previous = previousPeriod(cal, period);
    const [cases, meetings, deviations] = await Promise.all([
      db.collection('cases').find({ tenantId: tenant }).toArray(),
      db.collection('meetings').find({ tenantId: tenant }).toArray(),
      db.collection('deviations').find({ tenantId: tenant }).toArray(),
    ]);
    const current = naiveFigures(cases, meetings, deviations, period.start, period.end, today);
    naiveFigures(cases, meetings, deviations, previous.start, previous.end, today);
    const store = db.collection<{ _id: string }>('naiveSummaries');
    for (const [scope, figures] of current) {
      await store.replaceOne(
        { _id: `${tenant}:${period.key}:${scope}` },
        { figures },
        { upsert: true },
      );
      summaries++;
    }
  }
  const seconds = (performance.now() - started) / 1000;
  await client.close();
  const rssMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(`${JSON.stringify({ seconds, rssMb, summaries })}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
