import { randomBytes } from 'node:crypto';
import type { RetentionTarget } from '../../core/retention';
import type { Kernel, Module } from '../../kernel/kernel';
import { MongoRetentionRepository } from './retention.repository';
import { RetentionService } from './retention.service';

export { RetentionService, type RetentionOutcome } from './retention.service';
export type { PurgeRecord } from './retention.repository';

export interface RetentionModuleDeps {
  /** Every module's retention targets (`Module.retention`), read on each run. */
  targets: () => readonly RetentionTarget[];
  /** How long a run holds its claim before another instance may take it over (default 15 min). */
  leaseMs?: number;
}

/** The daily purge: runs every module's retention targets once a day, across instances. */
export function registerRetention(
  kernel: Pick<Kernel, 'db' | 'units' | 'clock' | 'log'>,
  deps: RetentionModuleDeps,
): Module<RetentionService> {
  const repo = new MongoRetentionRepository(kernel.db);
  const retention = new RetentionService({
    store: repo,
    units: kernel.units,
    clock: kernel.clock,
    log: kernel.log,
    targets: deps.targets,
    owner: randomBytes(4).toString('hex'),
    leaseMs: deps.leaseMs ?? 15 * 60_000,
  });
  return {
    name: 'retention',
    services: retention,
    init: () => repo.init(),
    jobs: [{ name: 'retention', run: (now) => retention.run(now) }],
  };
}
