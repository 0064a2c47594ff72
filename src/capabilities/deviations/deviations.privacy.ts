import { isoDate, type PersonalDataItem } from '../../core/personal-data';
import type { RecordDeps } from './deviations.records';
import type { MongoDeviationsPrivacy } from './deviations.privacy.repository';
import type { DeviationRecord } from './deviations.types';

/**
 * True when the deviation names the user: reporter, the manager who took it on, who answered,
 * who recorded the follow-up, who confirmed the anonymity warning, or anyone in its history.
 */
export const involves = (r: DeviationRecord, userId: string): boolean =>
  r.reportedBy === userId ||
  r.handledBy === userId ||
  r.answer?.by === userId ||
  r.followedUp?.by === userId ||
  r.anonymityConfirmation?.by === userId ||
  r.history.some((h) => h.by === userId);

/**
 * The deviation with the user's Entra id replaced by the pseudonym wherever it says who did
 * something. Everything else (codes, dates, states, text) stays, so counts and the history agree.
 */
export function pseudonymizeDeviation(
  r: DeviationRecord,
  userId: string,
  pseudonym: string,
): DeviationRecord {
  const swap = (id: string) => (id === userId ? pseudonym : id);
  return {
    ...r,
    reportedBy: swap(r.reportedBy),
    ...(r.handledBy ? { handledBy: swap(r.handledBy) } : {}),
    ...(r.answer ? { answer: { ...r.answer, by: swap(r.answer.by) } } : {}),
    ...(r.followedUp ? { followedUp: { ...r.followedUp, by: swap(r.followedUp.by) } } : {}),
    ...(r.anonymityConfirmation
      ? {
          anonymityConfirmation: {
            ...r.anonymityConfirmation,
            by: swap(r.anonymityConfirmation.by),
          },
        }
      : {}),
    history: r.history.map((h) => ({ ...h, by: swap(h.by) })),
  };
}

/** How often a pseudonymization that lost a race with another change is tried again. */
const ATTEMPTS = 5;

/**
 * Requests about a person for deviations (core/personal-data.ts). Listing shows codes, the
 * category, the state, dates and the person's part in each (never the text). Pseudonymizing is
 * a change of the deviation like any other (a new version claimed, in a unit of work), so it
 * cannot overwrite a concurrent change, and no history entry is added, so the states a
 * deviation went through (and the counts by state) stay as they were. The stored versions, the
 * claim markers and the ids of the audit entries and events of the user's changes follow.
 */
export class DeviationsPrivacy {
  constructor(private readonly deps: RecordDeps & { stored: MongoDeviationsPrivacy }) {}

  async collect(tenantId: string, userId: string): Promise<PersonalDataItem[]> {
    const { stored } = this.deps;
    const versions = await stored.versionsNaming(tenantId, userId);
    return (await stored.listInvolving(tenantId, userId)).map((r) => {
      const roles = [
        r.reportedBy === userId && 'reported',
        r.anonymityConfirmation?.by === userId && 'confirmedAnonymity',
        r.handledBy === userId && 'handled',
        r.answer?.by === userId && 'answered',
        r.followedUp?.by === userId && 'followedUp',
      ].filter((x): x is string => typeof x === 'string');
      return {
        code: r.code,
        category: r.category,
        state: r.state,
        reportedAt: isoDate(new Date(r.reportedAt)),
        ...(r.closedAt ? { closedAt: isoDate(new Date(r.closedAt)) } : {}),
        roles: roles.join(','),
        changes: r.history
          .filter((h) => h.by === userId)
          .map((h) => h.action)
          .join(','),
        versions: versions.get(r.code) ?? 0,
        ...(r.textPurgedAt ? { textPurgedAt: isoDate(new Date(r.textPurgedAt)) } : {}),
      };
    });
  }

  /** The user's Entra id replaced by the pseudonym in every deviation, version and change id. */
  async pseudonymize(tenantId: string, userId: string, pseudonym: string): Promise<number> {
    const { repo, units, clock, stored } = this.deps;
    let count = 0;
    for (const candidate of await stored.listInvolving(tenantId, userId)) {
      for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
        const current = await repo.get(tenantId, candidate.code);
        if (!current || !involves(current, userId)) break;
        const next: DeviationRecord = {
          ...pseudonymizeDeviation(current, userId, pseudonym),
          version: current.version + 1,
          updatedAt: clock.now(),
        };
        const outcome = await units.commit({
          id: `deviation.pseudonymized:${tenantId}:${current.code}:v${next.version}`,
          writes: repo.versionWrites(next),
        });
        if (outcome.committed) {
          count++;
          break;
        }
      }
    }
    // After the new versions: the snapshots (the one just written names nobody) and change ids.
    return count + (await stored.pseudonymizeStored(tenantId, userId, pseudonym));
  }
}
