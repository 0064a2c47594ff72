/**
 * Retention: what a capability keeps only for a while. Each module may declare targets on its
 * face (`Module.retention`); the daily purge job calls every target with the cut-off its
 * configured retention gives. A target removes free text (or whole records) of what closed
 * before the cut-off, keeps coded fields so statistics stay right, is idempotent (a second run
 * purges nothing) and is safe when two instances run it at once.
 */
export interface RetentionTarget {
  /** Stable name, e.g. `cases.freeText`; keys its configuration and the purge record. */
  name: string;
  /** Months after closing (from configuration) this target keeps; the job computes the cut-off. */
  months: number;
  /** Purges what closed before `cutoff`; returns the ids (codes) it purged, never text. */
  purge(cutoff: Date, now: Date): Promise<{ purged: string[] }>;
}
