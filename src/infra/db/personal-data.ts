import type { Collection, Db, Filter, OptionalUnlessRequiredId } from 'mongodb';
import { isoDate, type PersonalDataSource } from '../../core/personal-data';
import { AUDIT, EVENT_DELIVERIES, EVENTS, OPERATIONS } from './journal';
import { isDuplicateKey } from './mongo';

/** The range of `_id`s that start with `prefix` (a string range: no regular expression needed). */
const startsWith = (prefix: string) => ({ $gte: prefix, $lt: `${prefix}\uffff` });

/**
 * What the kernel's own collections hold about a person: domain events name who made a change
 * (`data.by`), and once-only operations are keyed by the user who clicked (`op:<tenant>:<user>:`).
 */
export function kernelPersonalData(db: Db): PersonalDataSource[] {
  const events = db.collection<{ _id: string; type: string; tenantId: string; at: Date }>(EVENTS);
  const operations = db.collection<{ _id: string; verb: string; at: Date }>(OPERATIONS);
  const operationClaims = db.collection<{ _id: string; itemId: string }>('operationClaims');
  return [
    {
      name: 'events',
      label: { sv: 'Händelser (vem som ändrade)', en: 'Events (who changed what)' },
      collect: async (tenantId, userId) =>
        (await events.find({ tenantId, 'data.by': userId }).sort({ at: 1 }).toArray()).map((e) => ({
          eventId: e._id,
          type: e.type,
          at: isoDate(new Date(e.at)),
        })),
      pseudonymize: async (tenantId, userId, pseudonym) => {
        const by = await events.updateMany(
          { tenantId, 'data.by': userId },
          { $set: { 'data.by': pseudonym } },
        );
        return (
          by.modifiedCount +
          (await renameIdsOf(db, EVENTS, tenantId, userId, pseudonym)) +
          (await renameDeliveries(db, tenantId, userId, pseudonym))
        );
      },
    },
    {
      name: 'operations',
      label: { sv: 'Kortåtgärder (dubbelklick-skydd)', en: 'Card actions (double-click guard)' },
      collect: async (tenantId, userId) =>
        (await operations.find({ _id: startsWith(`op:${tenantId}:${userId}:`) }).toArray()).map(
          (o) => ({ verb: o.verb, at: isoDate(new Date(o.at)) }),
        ),
      // Their ids hold the user's Entra id, and they only guard repeats of a click: deleted.
      pseudonymize: async (tenantId, userId) => {
        const prefix = `op:${tenantId}:${userId}:`;
        await operationClaims.deleteMany({ _id: startsWith(prefix) });
        return (await operations.deleteMany({ _id: startsWith(prefix) })).deletedCount;
      },
    },
  ];
}

/**
 * Documents whose `_id` holds the user's Entra id (the journal derives audit and event ids from
 * a once-only operation's id, `op:<tenant>:<user>:<token>`) get the pseudonym in their id: the
 * document is inserted again under the new id (a duplicate means a crashed run did it), with
 * `fix` applied, and the old one deleted. Returns how many moved.
 */
export async function renameIdsOf(
  db: Db,
  collection: string,
  tenantId: string,
  userId: string,
  pseudonym: string,
  fix: (doc: Record<string, unknown>) => Record<string, unknown> = (d) => d,
): Promise<number> {
  const col = db.collection<{ _id: string } & Record<string, unknown>>(collection);
  const from = `op:${tenantId}:${userId}:`;
  const to = `op:${tenantId}:${pseudonym}:`;
  let moved = 0;
  const found = await col.find({ _id: startsWith(from) }).toArray();
  for (const doc of found) {
    const renamed = { ...fix(doc), _id: `${to}${doc._id.slice(from.length)}` };
    try {
      await col.insertOne(renamed);
    } catch (e) {
      if (!isDuplicateKey(e)) throw e;
    }
    await col.deleteOne({ _id: doc._id });
    moved++;
  }
  return moved;
}

/** Deliveries of events whose ids moved (`<subscriber>|<eventId>`, each naming its event). */
async function renameDeliveries(db: Db, tenantId: string, userId: string, pseudonym: string) {
  const col = db.collection<{ _id: string; eventId: string } & Record<string, unknown>>(
    EVENT_DELIVERIES,
  );
  const from = `op:${tenantId}:${userId}:`;
  const to = `op:${tenantId}:${pseudonym}:`;
  let moved = 0;
  for (const doc of await col.find({ eventId: startsWith(from) }).toArray()) {
    const eventId = `${to}${doc.eventId.slice(from.length)}`;
    const renamed = { ...doc, _id: doc._id.replace(doc.eventId, eventId), eventId };
    try {
      await col.insertOne(renamed);
    } catch (e) {
      if (!isDuplicateKey(e)) throw e;
    }
    await col.deleteOne({ _id: doc._id });
    moved++;
  }
  return moved;
}

/**
 * Documents the journal derived from a unit whose id names the user as one of its segments
 * (`deviation.taken:<tenant>:<code>:v2:<user>`): the audit entries (`<unit>:a<n>`), events
 * (`<unit>:e<n>`) and their pending deliveries get the pseudonym in their ids, as
 * `renameIdsOf` does for once-only operations. Only ids under `unitPrefix` (a module's own
 * units) are looked at. Returns how many moved.
 */
export async function renameUnitIdsNaming(
  db: Db,
  unitPrefix: string,
  tenantId: string,
  userId: string,
  pseudonym: string,
): Promise<number> {
  const segment = `:${userId}:`;
  const swap = (id: string) => id.split(segment).join(`:${pseudonym}:`);
  let moved = 0;
  for (const name of [AUDIT, EVENTS]) {
    const col = db.collection<{ _id: string } & Record<string, unknown>>(name);
    for (const doc of await col.find({ tenantId, _id: startsWith(unitPrefix) }).toArray()) {
      if (!doc._id.includes(segment)) continue;
      await moveDoc(col, doc, { ...doc, _id: swap(doc._id) });
      moved++;
    }
  }
  const deliveries = db.collection<{ _id: string; eventId: string } & Record<string, unknown>>(
    EVENT_DELIVERIES,
  );
  for (const doc of await deliveries
    .find({ tenantId, eventId: startsWith(unitPrefix) })
    .toArray()) {
    if (!doc.eventId.includes(segment)) continue;
    await moveDoc(deliveries, doc, { ...doc, _id: swap(doc._id), eventId: swap(doc.eventId) });
    moved++;
  }
  return moved;
}

/** Inserts the document under its new id (a duplicate: a crashed run did), then drops the old. */
async function moveDoc<T extends { _id: string }>(
  col: Collection<T>,
  from: T,
  to: T,
): Promise<void> {
  try {
    await col.insertOne(to as OptionalUnlessRequiredId<T>);
  } catch (e) {
    if (!isDuplicateKey(e)) throw e;
  }
  await col.deleteOne({ _id: from._id } as Filter<T>);
}
