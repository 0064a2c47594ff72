import type { Db } from 'mongodb';
import { fromStored } from '../../infra/db/journal';
import { renameUnitIdsNaming } from '../../infra/db/personal-data';
import { DEVIATION_VERSIONS, DEVIATIONS } from './deviations.repository';
import { involves, pseudonymizeDeviation } from './deviations.privacy';
import type { DeviationRecord } from './deviations.types';

type DeviationDoc = DeviationRecord & { _id: string };
interface VersionDoc {
  _id: string;
  tenantId: string;
  code: string;
  version: number;
  /** The unit that claimed the version; a change's unit id ends with who made it. */
  journalId?: string;
  state: DeviationRecord;
}

/**
 * The storage side of requests about a person for deviations. Lists scan a tenant's deviations
 * (a municipality reports tens to hundreds a year; requests about a person are rare) because
 * the people a deviation names sit in an array (its history) the query subset cannot filter on
 * everywhere.
 */
export class MongoDeviationsPrivacy {
  constructor(private readonly db: Db) {}

  private get deviations() {
    return this.db.collection<DeviationDoc>(DEVIATIONS);
  }

  private get versions() {
    return this.db.collection<VersionDoc>(DEVIATION_VERSIONS);
  }

  /** The tenant's deviations that name the user, oldest first (dates as stored: see toRecord). */
  async listInvolving(tenantId: string, userId: string): Promise<DeviationRecord[]> {
    const docs = await this.deviations.find({ tenantId }).sort({ reportedAt: 1, _id: 1 }).toArray();
    return docs.map((d) => fromStored(d) as DeviationRecord).filter((r) => involves(r, userId));
  }

  /** How many stored versions (snapshots) name the user, per code. */
  async versionsNaming(tenantId: string, userId: string): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    for (const v of await this.versions.find({ tenantId }).toArray())
      if (involves(v.state, userId)) out.set(v.code, (out.get(v.code) ?? 0) + 1);
    return out;
  }

  /**
   * Every stored version of the tenant's deviations with the user replaced by the pseudonym (the
   * snapshot and the claim marker naming the unit that made it), and the ids of the audit
   * entries, events and deliveries of the changes the user made. Idempotent; returns how many
   * documents changed.
   */
  async pseudonymizeStored(tenantId: string, userId: string, pseudonym: string): Promise<number> {
    const segment = `:${userId}`;
    let changed = 0;
    for (const v of await this.versions.find({ tenantId }).toArray()) {
      const named = involves(v.state, userId);
      const claimNames = v.journalId?.includes(userId) ?? false;
      if (!named && !claimNames) continue;
      await this.versions.updateOne(
        { _id: v._id },
        {
          $set: {
            ...(named ? { state: pseudonymizeDeviation(v.state, userId, pseudonym) } : {}),
            ...(claimNames ? { journalId: v.journalId!.split(segment).join(`:${pseudonym}`) } : {}),
          },
        },
      );
      changed++;
    }
    return (
      changed + (await renameUnitIdsNaming(this.db, 'deviation.', tenantId, userId, pseudonym))
    );
  }
}
