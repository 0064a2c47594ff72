import type { Collection, Document } from 'mongodb';

/**
 * A versioned record (a case, a deviation) is its current document plus one claimed version
 * document per change (`{ tenantId, code, version, state }`). A change claims its version first
 * and then writes the record, so a reader that finds a newer claimed version than the record
 * holds finishes that change (writes the newer state) before it answers.
 */
export async function readVersioned<D extends Document & { _id: string; version: number }>(
  records: Collection<D>,
  versions: Collection<Document>,
  id: string,
  tenantId: string,
  code: string,
): Promise<D | null> {
  const doc = (await records.findOne({ _id: id } as never)) as D | null;
  if (!doc) return null;
  const [newer] = await versions
    .find({ tenantId, code, version: { $gt: doc.version } })
    .sort({ version: -1 })
    .limit(1)
    .toArray();
  if (!newer) return doc;
  // A change claimed its version but did not finish writing the record: finish it.
  await records.replaceOne({ _id: doc._id } as never, newer['state'] as D);
  return { _id: doc._id, ...(newer['state'] as object) } as D;
}
