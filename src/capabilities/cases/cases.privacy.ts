import { isoDate, type PersonalDataItem } from '../../core/personal-data';
import type { RecordDeps } from './cases.records';
import { CLOSED_STATUSES, type CaseHistoryEntry, type CaseRecord } from './cases.types';

/** True when the user raised the case, changed it, or confirmed its anonymity warning. */
export const involves = (r: CaseRecord, userId: string): boolean =>
  r.submittedBy === userId ||
  r.anonymityConfirmation?.by === userId ||
  r.history.some((h) => h.by === userId);

/**
 * The case with the user's Entra id replaced by the pseudonym wherever it names who did
 * something (submitter, history, anonymity confirmation). Everything else stays as it was, so
 * counts and the case's history stay consistent.
 */
export function pseudonymizeCase(r: CaseRecord, userId: string, pseudonym: string): CaseRecord {
  const swap = (id: string) => (id === userId ? pseudonym : id);
  return {
    ...r,
    submittedBy: swap(r.submittedBy),
    history: r.history.map((h) => ({ ...h, by: swap(h.by) })),
    ...(r.anonymityConfirmation
      ? {
          anonymityConfirmation: {
            ...r.anonymityConfirmation,
            by: swap(r.anonymityConfirmation.by),
          },
        }
      : {}),
  };
}

/** How often a change that lost a race with another change of the same case is tried again. */
const ATTEMPTS = 5;

/** When a case reached closed or withdrawn (retention counts from there). */
export const closedAt = (r: CaseRecord): Date | undefined =>
  [...r.history].reverse().find((h) => CLOSED_STATUSES.includes(h.to) && h.action !== 'textPurged')
    ?.at;

/**
 * Retention and requests about a person for cases: both change a case like any other change
 * (a new version claimed, in a unit of work), so they cannot overwrite a concurrent change.
 */
export class CasesPrivacy {
  constructor(private readonly deps: RecordDeps) {}

  /**
   * Empties the free text of cases closed or withdrawn before `cutoff` and marks them
   * (`textPurgedAt`, a history entry); coded fields stay. Old versions are emptied first, so a
   * crash in between leaves the case to the next run. Returns `<tenantId>:<code>` of each.
   */
  async purgeText(cutoff: Date, now: Date): Promise<{ purged: string[] }> {
    const { repo } = this.deps;
    const purged: string[] = [];
    for (const candidate of await repo.closedWithText()) {
      const at = closedAt(candidate);
      if (!at || at >= cutoff) continue;
      const changed = await this.change(
        candidate.tenantId,
        candidate.code,
        (r) =>
          r.textPurgedAt || !CLOSED_STATUSES.includes(r.status)
            ? null
            : {
                ...r,
                description: '',
                tried: '',
                question: '',
                textPurgedAt: now,
                history: [...r.history, systemEntry(now, 'textPurged', r)],
              },
        () => repo.scrubVersions(candidate.tenantId, candidate.code),
        'textPurged',
      );
      if (changed) purged.push(`${candidate.tenantId}:${candidate.code}`);
    }
    return { purged };
  }

  /** The cases a user raised, changed or confirmed: codes, dates and statuses only. */
  async collect(tenantId: string, userId: string): Promise<PersonalDataItem[]> {
    return (await this.deps.repo.listInvolving(tenantId, userId)).map((r) => ({
      code: r.code,
      forumId: r.forumId,
      raisedBy: r.submittedBy === userId,
      status: r.status,
      createdAt: isoDate(r.createdAt),
      ...(closedAt(r) ? { closedAt: isoDate(closedAt(r)!) } : {}),
      changes: r.history
        .filter((h) => h.by === userId)
        .map((h) => h.action)
        .join(','),
      ...(r.textPurgedAt ? { textPurgedAt: isoDate(r.textPurgedAt) } : {}),
    }));
  }

  /** The user's Entra id replaced by the pseudonym in every case and every stored version. */
  async pseudonymize(tenantId: string, userId: string, pseudonym: string): Promise<number> {
    const { repo } = this.deps;
    let count = 0;
    for (const candidate of await repo.listInvolving(tenantId, userId)) {
      const changed = await this.change(
        tenantId,
        candidate.code,
        (r) =>
          involves(r, userId)
            ? {
                ...pseudonymizeCase(r, userId, pseudonym),
                history: [
                  ...pseudonymizeCase(r, userId, pseudonym).history,
                  systemEntry(this.deps.clock.now(), 'pseudonymized', r),
                ],
              }
            : null,
        () => repo.pseudonymizeVersions(tenantId, candidate.code, userId, pseudonym),
        'pseudonymized',
      );
      if (changed) count++;
    }
    return count;
  }

  /**
   * One change of a case by the system: `before` (idempotent) first, then the new version as
   * a unit; a lost race re-reads the case and tries again. False when nothing was to change.
   */
  private async change(
    tenantId: string,
    code: string,
    make: (r: CaseRecord) => CaseRecord | null,
    before: () => Promise<void>,
    action: 'textPurged' | 'pseudonymized',
  ): Promise<boolean> {
    const { repo, units, clock } = this.deps;
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const current = await repo.get(tenantId, code);
      const changed = current ? make(current) : null;
      if (!current || !changed) return false;
      await before();
      const next: CaseRecord = {
        ...changed,
        version: current.version + 1,
        updatedAt: clock.now(),
      };
      const outcome = await units.commit({
        id: `case.${action}:${tenantId}:${code}:v${next.version}`,
        writes: repo.versionWrites(next),
      });
      if (outcome.committed) return true;
    }
    return false;
  }
}

const systemEntry = (
  at: Date,
  action: 'textPurged' | 'pseudonymized',
  r: CaseRecord,
): CaseHistoryEntry => ({
  at,
  by: '',
  action,
  to: r.status,
});
