/**
 * Claims with leases: the one way this project makes "exactly one worker does this" hold on every
 * backend (FerretDB v1 has no transactions and non-atomic updates; a unique insert is atomic
 * everywhere). The outbox, the domain-event dispatcher and once-only card actions all use it.
 */
export interface Claim {
  /** `<itemId>#<seq>`: the right to make attempt number `seq` at the item. */
  id: string;
  itemId: string;
  owner: string;
  at: Date;
  leaseUntil: Date;
}

/** Storage of claims: a unique insert, a read by id, a delete. */
export interface ClaimStore {
  insertClaim(claim: Claim): Promise<boolean>;
  getClaim(id: string): Promise<Claim | null>;
  deleteClaim(id: string): Promise<void>;
}

export const claimId = (itemId: string, seq: number): string => `${itemId}#${seq}`;

/**
 * Takes the claim for the next attempt at an item whose last recorded claim number is `fromSeq`:
 * a unique insert of `<id>#<seq>`. If that claim exists and its lease has run out (the holder
 * died), the next number is tried, so exactly one worker takes over. Returns the claim number,
 * or null when someone else holds the item.
 */
export async function takeClaim(
  store: ClaimStore,
  itemId: string,
  fromSeq: number,
  owner: string,
  now: Date,
  leaseMs: number,
): Promise<number | null> {
  let seq = fromSeq;
  for (let step = 0; step < 4; step++) {
    const id = claimId(itemId, seq);
    const leaseUntil = new Date(now.getTime() + leaseMs);
    if (await store.insertClaim({ id, itemId, owner, at: now, leaseUntil })) return seq;
    const existing = await store.getClaim(id);
    if (existing && existing.leaseUntil.getTime() > now.getTime()) return null;
    if (existing) seq++; // stale: its holder is gone; the next attempt is ours to take
  }
  return null;
}
