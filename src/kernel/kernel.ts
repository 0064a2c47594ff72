import type { Config } from '../config/config';
import type { AuditLog } from '../core/audit';
import type { Capability } from '../core/capability';
import type { Clock } from '../core/clock';
import type { Subscription } from '../core/events';
import type { Logger } from '../core/logger';
import type { OrganisationDirectory } from '../core/organisations';
import type { UnitOfWork } from '../core/unit-of-work';
import type { Locale, Translate } from '../i18n/i18n';
import type { DbHandle } from '../infra/db/mongo';
import type { Outbox } from '../core/outbox';
import type { DownloadLinks, DownloadRoute } from '../core/downloads';
import type { RetentionTarget } from '../core/retention';
import type { PersonalDataSource } from '../core/personal-data';

/**
 * What every capability module is given: the shared services of the product. A module builds
 * its repositories on `db`, writes changes with their audit entries and events through `units`,
 * and sends every proactive message through `outbox`.
 */
export interface Kernel {
  config: Config;
  clock: Clock;
  log: Logger;
  db: DbHandle;
  audit: AuditLog;
  units: UnitOfWork;
  outbox: Outbox;
  t: (locale: Locale) => Translate;
  orgs: OrganisationDirectory;
  /** Signed, expiring download links bound to the user they are made for (`Module.downloads`). */
  downloads: DownloadLinks;
}

/** A job the scheduler runs on every pass (reminders, deliveries …). */
export interface Job {
  name: string;
  run(now: Date): Promise<unknown>;
  /**
   * For a job that bounds its run and may stop with work it could do at once (the outbox after a
   * burst's first 25 s): true when its last run did. The scheduler then runs the jobs that have
   * `again` once more at once, the others at their interval (Runtime.drain).
   */
  again?(): boolean;
  /**
   * Ends what a run left going (the outbox's drain goes on sending past the end of its run):
   * called when the app stops, after the scheduler loop has.
   */
  settle?(): Promise<void>;
}

/**
 * A capability module's one face (its `index.ts`): the services other modules may use, its
 * commands and card actions, its scheduled jobs and its event subscriptions. Other modules use
 * a module only through this face (lint forbids importing another module's files).
 */
export interface Module<S = unknown> {
  name: string;
  services: S;
  /** Creates indexes; called once before the app serves. */
  init(): Promise<void>;
  capability?: Capability;
  jobs?: readonly Job[];
  subscriptions?: readonly Subscription[];
  /** Short-lived files served over HTTP (`GET /exports/<kind>/<signed token>`). */
  downloads?: readonly DownloadRoute[];
  /** What the module keeps only for a while (the daily purge calls each target). */
  retention?: readonly RetentionTarget[];
  /** What the module stores about a person, for requests about a person (registerutdrag). */
  personalData?: readonly PersonalDataSource[];
}
