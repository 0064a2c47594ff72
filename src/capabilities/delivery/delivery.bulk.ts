import type { Claim } from '../../core/claims';
import type {
  DeliveryBulkOps,
  DeliveryRepository,
  OutboxState,
  SentRecord,
} from './delivery.types';

/**
 * The bulk operations of a repository: its own (MongoDB: one round trip each), or the same
 * made of its single-document methods (an in-memory store for unit tests).
 */
export function bulkOps(repo: DeliveryRepository): DeliveryBulkOps {
  return {
    insertClaims:
      repo.insertClaims?.bind(repo) ??
      (async (claims: readonly Claim[]) => {
        const out = new Set<string>();
        for (const c of claims) if (await repo.insertClaim(c)) out.add(c.id);
        return out;
      }),
    getClaims:
      repo.getClaims?.bind(repo) ??
      (async (ids: readonly string[]) =>
        (await Promise.all(ids.map((id) => repo.getClaim(id)))).filter(
          (c): c is Claim => c !== null,
        )),
    deleteClaimIds:
      repo.deleteClaimIds?.bind(repo) ??
      (async (ids: readonly string[]) => {
        for (const id of ids) await repo.deleteClaim(id);
      }),
    deleteClaimsOf:
      repo.deleteClaimsOf?.bind(repo) ??
      (async (ids: readonly string[]) => {
        for (const id of ids) await repo.deleteClaims(id);
      }),
    states:
      repo.states?.bind(repo) ??
      (async (ids: readonly string[]) =>
        (await Promise.all(ids.map((id) => repo.get(id))))
          .filter((m) => m !== null)
          .map((m): OutboxState => ({
            id: m.id,
            status: m.status,
            claimSeq: m.claimSeq,
            nextAttemptAt: m.nextAttemptAt,
          }))),
    markSent:
      repo.markSent?.bind(repo) ??
      (async (sent: readonly SentRecord[], at: Date) => {
        for (const r of sent)
          await repo.update(r.id, r.seq, {
            status: 'sent',
            attempts: r.attempts,
            claimSeq: r.seq + 1,
            sentAt: at,
            updatedAt: at,
            activityId: r.activityId ?? '',
          });
      }),
  };
}
