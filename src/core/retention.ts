import { DateTime } from 'luxon';

/**
 * Retention: what a capability keeps only for a while. Each module may declare targets on its
 * face (`Module.retention`); the daily purge job (the retention capability) calls every target
 * with the cut-off its configured retention gives. A target removes free text (or whole records)
 * of what closed before the cut-off, keeps coded fields so statistics stay right, is idempotent
 * (a second run purges nothing) and is safe when two instances run it at once.
 */
export interface RetentionTarget {
  /** Stable name, e.g. `cases.freeText`; keys its configuration and the purge record. */
  name: string;
  /**
   * Months after closing (from configuration) this target keeps; the job computes the cut-off.
   * 0 = kept without limit (the target is not run).
   */
  months: number;
  /**
   * Purges what closed before `cutoff`; returns the ids (codes) it purged, never text, each as
   * `<tenantId>:<id>` so the purge is audited in each tenant's trail.
   */
  purge(cutoff: Date, now: Date): Promise<{ purged: string[] }>;
}

/** Dates of the purge (its day, its cut-off) are the municipality's local dates. */
export const RETENTION_ZONE = 'Europe/Stockholm';

/** The local day a run belongs to (`yyyy-MM-dd`): one run per target and day. */
export const retentionDay = (now: Date): string =>
  DateTime.fromJSDate(now, { zone: RETENTION_ZONE }).toISODate() ?? '';

/** The start of the local day `months` months before `now`: what closed before it is purged. */
export const retentionCutoff = (now: Date, months: number): Date =>
  DateTime.fromJSDate(now, { zone: RETENTION_ZONE }).startOf('day').minus({ months }).toJSDate();

/** The tenant of a purged id (`<tenantId>:<id>`). */
export const tenantOfPurged = (id: string): string => id.slice(0, Math.max(0, id.indexOf(':')));
