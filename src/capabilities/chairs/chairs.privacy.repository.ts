import type { Db } from 'mongodb';
import { isoDate, type PersonalDataSource } from '../../core/personal-data';

interface MinutesDoc {
  _id: string;
  tenantId: string;
  meetingId: string;
  savedBy: string;
}
interface RevisionDoc {
  _id: string;
  tenantId: string;
  meetingId: string;
  revision: number;
  /** The unit that claimed the revision (`op:<tenant>:<user>:<token>:r<n>` for a card save). */
  journalId?: string;
  state: {
    forumId: string;
    savedBy: string;
    savedAt: Date;
    textPurgedAt?: Date;
  };
}

/**
 * Requests about a person for the chairs' capability: the minutes revisions a chair saved (who
 * saved which revision, when; never the notes). Pseudonymizing replaces the chair's Entra id in
 * every revision and in the current minutes, in place: a revision is a save, so no revision is
 * added or removed and the minutes' history keeps its count. The ids of the save's audit entries
 * and events are the kernel's (`renameIdsOf`); the claim marker on a revision (`journalId`)
 * names the card save's once-only operation, so it gets the pseudonym too.
 *
 * What else the chairs write names nobody: digest markers (`agendaDigests`) hold the meeting,
 * time and case codes; the digests, @mentions and late updates to a chair are outbox messages
 * whose ids name the chair, listed and deleted by the outbox's source.
 */
export function chairsPersonalData(db: Db): PersonalDataSource[] {
  const minutes = db.collection<MinutesDoc>('minutes');
  const revisions = db.collection<RevisionDoc>('minutesRevisions');
  return [
    {
      name: 'minutes',
      label: { sv: 'Protokoll (sparade versioner)', en: 'Minutes (saved revisions)' },
      collect: async (tenantId, userId) =>
        (
          await revisions
            .find({ tenantId, 'state.savedBy': userId })
            .sort({ meetingId: 1, revision: 1 })
            .toArray()
        ).map((r) => ({
          meetingId: r.meetingId,
          forumId: r.state.forumId,
          revision: r.revision,
          savedAt: isoDate(new Date(r.state.savedAt)),
          ...(r.state.textPurgedAt
            ? { textPurgedAt: isoDate(new Date(r.state.textPurgedAt)) }
            : {}),
        })),
      pseudonymize: async (tenantId, userId, pseudonym) => {
        const saved = await revisions.updateMany(
          { tenantId, 'state.savedBy': userId },
          { $set: { 'state.savedBy': pseudonym } },
        );
        const from = `op:${tenantId}:${userId}:`;
        let claims = 0;
        for (const r of await revisions
          .find({ tenantId, journalId: { $gte: from, $lt: `${from}\uffff` } })
          .toArray()) {
          const journalId = `op:${tenantId}:${pseudonym}:${r.journalId!.slice(from.length)}`;
          await revisions.updateOne({ _id: r._id }, { $set: { journalId } });
          claims++;
        }
        const current = await minutes.updateMany(
          { tenantId, savedBy: userId },
          { $set: { savedBy: pseudonym } },
        );
        return saved.modifiedCount + claims + current.modifiedCount;
      },
    },
  ];
}
