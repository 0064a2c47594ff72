import type { Db } from 'mongodb';
import type { PersonalDataSource } from '../../core/personal-data';
import { isDuplicateKey } from '../../infra/db/mongo';

/** The kinds of counted-event markers (`<kind>:<event id>`, see summaries.counting.ts). */
const MARKER_KINDS = ['submitted', 'statusChanged'] as const;

/**
 * What the summaries hold about a person: nothing but the markers of counted events, whose ids
 * hold the events' ids, and an event recorded by a once-only card action has the user's Entra id
 * in its id (`op:<tenant>:<user>:…`). The markers follow the events' renaming, so an event
 * handled again after a pseudonymization is still counted once. Counters and facts hold codes.
 */
export function summariesPersonalData(db: Db): PersonalDataSource[] {
  const markers = db.collection<{ _id: string; at: Date }>('summaryCounted');
  return [
    {
      name: 'summaries',
      label: { sv: 'Räknade händelser (statistik)', en: 'Counted events (statistics)' },
      // A marker says only that an event was counted: nothing to show about the person.
      collect: () => Promise.resolve([]),
      pseudonymize: async (tenantId, userId, pseudonym) => {
        let moved = 0;
        for (const kind of MARKER_KINDS) {
          const from = `${kind}:op:${tenantId}:${userId}:`;
          const to = `${kind}:op:${tenantId}:${pseudonym}:`;
          const found = await markers.find({ _id: { $gte: from, $lt: `${from}\uffff` } }).toArray();
          for (const doc of found) {
            try {
              await markers.insertOne({ ...doc, _id: `${to}${doc._id.slice(from.length)}` });
            } catch (e) {
              if (!isDuplicateKey(e)) throw e; // a run taken over after a crash did it
            }
            await markers.deleteOne({ _id: doc._id });
            moved++;
          }
        }
        return moved;
      },
    },
  ];
}
