import { auditEntry } from '../../core/audit';
import { claimId, type ClaimStore } from '../../core/claims';
import type { Clock } from '../../core/clock';
import type { Logger } from '../../core/logger';
import {
  retentionCutoff,
  retentionDay,
  tenantOfPurged,
  type RetentionTarget,
} from '../../core/retention';
import type { UnitOfWork, Write } from '../../core/unit-of-work';
import { MAX_LISTED, type PurgeRecord } from './retention.repository';

export interface RetentionStore extends ClaimStore {
  done(id: string): Promise<boolean>;
  completeWrite(record: PurgeRecord): Write;
}

export interface RetentionDeps {
  store: RetentionStore;
  units: UnitOfWork;
  clock: Clock;
  log: Logger;
  /** Every module's targets (read on each run). */
  targets: () => readonly RetentionTarget[];
  /** This instance (claims name their owner). */
  owner: string;
  /** How long a run holds its claim; after that another instance takes over (a crashed run). */
  leaseMs: number;
}

/** What one pass did, per target: purged (count), done earlier today, busy elsewhere, kept, failed. */
export type RetentionOutcome = number | 'done' | 'busy' | 'kept' | 'failed';

/** Claims on one run are tried up to this number (each one a run that crashed before). */
const MAX_ATTEMPTS = 50;

/**
 * The daily purge. On each scheduler pass, each target whose run of the local day is not yet
 * recorded is claimed (a unique insert `<target>:<day>#<n>` with a lease: another instance that
 * finds a live claim leaves it; one whose holder died takes the next number), run, and recorded
 * in one unit of work: the purge record (the completion marker: what, cut-off, count, ids) and
 * an audit entry per tenant that had something purged. Targets are idempotent, so a run taken
 * over after a crash purges only what is left.
 */
export class RetentionService {
  constructor(private readonly deps: RetentionDeps) {}

  async run(now: Date): Promise<Record<string, RetentionOutcome>> {
    const out: Record<string, RetentionOutcome> = {};
    for (const target of this.deps.targets()) out[target.name] = await this.runTarget(target, now);
    return out;
  }

  private async runTarget(target: RetentionTarget, now: Date): Promise<RetentionOutcome> {
    if (target.months <= 0) return 'kept';
    const { store, log } = this.deps;
    const day = retentionDay(now);
    const itemId = `${target.name}:${day}`;
    if (await store.done(itemId)) return 'done';
    const seq = await this.claim(itemId, now);
    if (seq === null) return 'busy';
    const cutoff = retentionCutoff(now, target.months);
    let purged: string[];
    try {
      purged = (await target.purge(cutoff, now)).purged;
    } catch (e) {
      // Let the next pass try again (the target is idempotent); name and code only in the log.
      log.error(
        { target: target.name, error: (e as Error).name, code: (e as { code?: unknown }).code },
        'retention purge failed',
      );
      await store.deleteClaim(claimId(itemId, seq));
      return 'failed';
    }
    const record: PurgeRecord = {
      id: itemId,
      target: target.name,
      day,
      cutoff,
      at: this.deps.clock.now(),
      count: purged.length,
      ids: purged.slice(0, MAX_LISTED),
      truncated: purged.length > MAX_LISTED,
      owner: this.deps.owner,
    };
    const byTenant = new Map<string, number>();
    for (const id of purged) {
      const tenant = tenantOfPurged(id);
      byTenant.set(tenant, (byTenant.get(tenant) ?? 0) + 1);
    }
    const cutoffDay = retentionDay(cutoff);
    const outcome = await this.deps.units.commit({
      id: `retention:${itemId}`,
      writes: [store.completeWrite(record)],
      audit: [...byTenant].map(([tenantId, count]) =>
        auditEntry(
          { tenantId, aadObjectId: undefined },
          record.at,
          'retention.purge',
          target.name,
          {
            count,
            cutoff: cutoffDay,
          },
        ),
      ),
    });
    log.info(
      {
        target: target.name,
        day,
        cutoff: cutoffDay,
        count: purged.length,
        recorded: outcome.committed,
      },
      'retention purge ran',
    );
    return outcome.committed ? purged.length : 'done';
  }

  /** The next free claim on the run, or null while another instance holds a live one. */
  private async claim(itemId: string, now: Date): Promise<number | null> {
    const { store, owner, leaseMs } = this.deps;
    for (let seq = 0; seq < MAX_ATTEMPTS; seq++) {
      const id = claimId(itemId, seq);
      const leaseUntil = new Date(now.getTime() + leaseMs);
      if (await store.insertClaim({ id, itemId, owner, at: now, leaseUntil })) return seq;
      const existing = await store.getClaim(id);
      if (existing && existing.leaseUntil.getTime() > now.getTime()) return null;
    }
    return null;
  }
}
