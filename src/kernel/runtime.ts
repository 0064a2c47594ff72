import { performance } from 'node:perf_hooks';
import type { Config } from '../config/config';
import { inPass } from '../core/pass';
import type { Capability } from '../core/capability';
import type { Clock } from '../core/clock';
import { EventDispatcher, type DispatchStats } from '../core/event-dispatcher';
import type { Logger } from '../core/logger';
import { OnceOnly } from '../core/operations';
import { organisationDirectory } from '../core/organisations';
import { createRouter, type Router } from '../core/router';
import type { Unit } from '../core/unit-of-work';
import { translator } from '../i18n/i18n';
import { MongoAuditLog } from '../infra/db/audit.repository';
import { MongoEventStore } from '../infra/db/events.repository';
import { MongoJournal } from '../infra/db/journal';
import type { DbHandle } from '../infra/db/mongo';
import { MongoOperationStore } from '../infra/db/operations.repository';
import type { Job, Kernel, Module } from './kernel';
import { auditEntry } from '../core/audit';
import {
  DownloadSigner,
  type Download,
  type DownloadOwner,
  type DownloadRoute,
} from '../core/downloads';
import type { Permission } from '../core/permissions';

/** Units left in the journal this long are a crashed process's: the scheduler applies them. */
const RECOVER_AFTER_MS = 10_000;

export interface KernelOptions {
  /** Once-only card actions: how long an attempt holds its operation (default 30 s). */
  operationLeaseMs?: number;
  /** Delay before an event handler's attempt n+1 (the outbox's backoff). */
  eventBackoffMs: (failures: number) => number;
  /**
   * Whether a user still holds a permission now (read-only): a download link works only while
   * the user it was made for may still fetch it. Without it, links are refused.
   */
  holds?: (owner: DownloadOwner, permission: Permission) => Promise<boolean>;
}

export interface KernelSetup {
  /** Where users' browsers reach this server (download links). */
  publicUrl: () => string;
}

/** What the modules make of the kernel: the router over their capabilities, and the scheduler pass. */
export interface Runtime {
  capabilities: Capability[];
  /**
   * The file for `GET /exports/<kind>/<token>`, or null: unknown kind, a token that does not
   * verify (tampered, another kind, expired), a user no longer allowed, or a file the module
   * does not give that user. A fetched file is audited (who, which kind and id).
   */
  download(kind: string, token: string): Promise<Download | null>;
  router: Router;
  /** One scheduler pass: crashed units, due event deliveries, then every module's jobs in order. */
  tick(): Promise<
    Record<string, unknown> & {
      recovered: number;
      events: DispatchStats;
      /** How long the event dispatch and each job took, in milliseconds. */
      ms: Record<string, number>;
      /** A job stopped with work it could do at once (Job.again): run `drain()` next. */
      again: boolean;
    }
  >;
  /** Only the jobs that have `Job.again` (the outbox), as one pass; `again` as for tick. */
  drain(): Promise<Record<string, unknown> & { ms: Record<string, number>; again: boolean }>;
  /** Ends what the jobs left going (Job.settle); for stopping, after the scheduler loop. */
  settle(): Promise<void>;
}

/**
 * The shared kernel every module is registered on (all but the outbox, which the delivery module
 * provides), and `complete`, which wires the registered modules together: event subscriptions,
 * once-only actions, indexes, recovery of what a crash left, the router and the scheduler pass.
 */
export function createKernel(
  db: DbHandle,
  config: Config,
  clock: Clock,
  log: Logger,
  setup: KernelSetup = { publicUrl: () => config.publicUrl ?? '' },
) {
  const audit = new MongoAuditLog(db);
  const events = new MongoEventStore(db);
  const operations = new MongoOperationStore(db);
  const signer = new DownloadSigner(config.downloadSigningKey, setup.publicUrl);
  let dispatcher: EventDispatcher | undefined;
  const journal = new MongoJournal(db, clock, (type) => dispatcher?.subscribersOf(type) ?? []);
  const base: Omit<Kernel, 'outbox'> = {
    config,
    clock,
    log,
    db,
    audit,
    t: translator,
    orgs: organisationDirectory(config.organisations),
    downloads: signer,
    // Every change is journaled with its audit entries and events; its events are handed to
    // their subscribers at once (and again by the scheduler if that fails or the process dies).
    units: {
      commit: async (unit: Unit) => {
        const outcome = await journal.commit(unit);
        if (outcome.committed) await dispatcher?.dispatchNow(outcome.events);
        return outcome;
      },
    },
  };

  const complete = async (modules: readonly Module[], o: KernelOptions): Promise<Runtime> => {
    const instance = Math.random().toString(16).slice(2, 10);
    const d = new EventDispatcher(
      events,
      clock,
      log,
      { leaseMs: 60_000, maxAttempts: 8, owner: instance, backoffMs: o.eventBackoffMs },
      modules.flatMap((m) => m.subscriptions ?? []),
    );
    dispatcher = d;
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
    await d.dispatchNow((await journal.recover(0)).events);
    const capabilities = modules.flatMap((m) => (m.capability ? [m.capability] : []));
    const downloads = new Map<string, DownloadRoute>(
      modules.flatMap((m) => m.downloads ?? []).map((d) => [d.kind, d]),
    );
    return {
      capabilities,
      download: async (kind, token) => {
        const route = downloads.get(kind);
        const now = clock.now();
        const link = route ? signer.verify(kind, token, now) : null;
        if (!route || !link) return null;
        if (!o.holds || !(await o.holds(link.owner, route.permission))) return null;
        const file = await route.fetch(link.id, now, link.owner);
        if (file)
          await audit.record(
            auditEntry(
              { tenantId: link.owner.tenantId, aadObjectId: link.owner.userId },
              now,
              'export.download',
              `${kind}:${link.id}`,
            ),
          );
        return file;
      },
      router: createRouter(capabilities, { once }),
      tick: async () => {
        const recovered = await journal.recover(RECOVER_AFTER_MS);
        await d.dispatchNow(recovered.events);
        const t = performance.now();
        const stats = await d.dispatchDue();
        const eventsMs = performance.now() - t;
        const ran = await runJobs(jobs, () => clock.now());
        return {
          ...ran.results,
          recovered: recovered.units,
          events: stats,
          ms: { events: eventsMs, ...ran.ms },
          again: ran.again,
        };
      },
      settle: async () => {
        await Promise.all(jobs.flatMap((job) => (job.settle ? [job.settle()] : [])));
      },
      drain: async () => {
        const ran = await runJobs(
          jobs.filter((job) => job.again !== undefined),
          () => clock.now(),
        );
        return { ...ran.results, ms: ran.ms, again: ran.again };
      },
    };
  };
  return { base, complete };
}

/**
 * The jobs in order, as one pass: what several of them read (every forum) is read once. A job
 * whose last run stopped with work left (Job.again: the outbox in a burst) runs alongside the
 * others instead of waiting its turn, so a full pass does not hold it up. The pass ends when
 * both are done; the first failure is thrown then.
 */
export async function runJobs(
  list: readonly Job[],
  now: () => Date,
): Promise<{ results: Record<string, unknown>; ms: Record<string, number>; again: boolean }> {
  const results: Record<string, unknown> = {};
  const ms: Record<string, number> = {};
  const inOrder = async (some: readonly Job[]) => {
    for (const job of some) {
      const t = performance.now();
      results[job.name] = await job.run(now());
      ms[job.name] = performance.now() - t;
    }
  };
  const busy = list.filter((job) => job.again?.() === true);
  const settled = await inPass(() =>
    Promise.allSettled([inOrder(list.filter((job) => !busy.includes(job))), inOrder(busy)]),
  );
  for (const r of settled) if (r.status === 'rejected') throw r.reason;
  return { results, ms, again: list.some((job) => job.again?.() === true) };
}
