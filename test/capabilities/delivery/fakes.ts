import pino from 'pino';
import type { Actor, Role } from '../../../src/core/actor';
import type { Claim } from '../../../src/core/claims';
import type { Write } from '../../../src/core/unit-of-work';
import type {
  DeliveryRepository,
  OutboxChange,
  OutboxMessage,
  OutboxPayload,
  OutboxStatus,
  SendResult,
} from '../../../src/capabilities/delivery/delivery.service';

const copy = <T>(x: T): T => structuredClone(x);

/** An in-memory DeliveryRepository for unit tests of the service's rules (not of storage). */
export class FakeDeliveryRepository implements DeliveryRepository {
  messages = new Map<string, OutboxMessage>();
  claims = new Map<string, Claim>();
  slots = new Map<string, string>();
  gone = new Set<string>();

  insert(msg: OutboxMessage) {
    if (this.messages.has(msg.id)) return Promise.resolve(false);
    this.messages.set(msg.id, copy(msg));
    return Promise.resolve(true);
  }
  get(id: string) {
    const m = this.messages.get(id);
    return Promise.resolve(m ? copy(m) : null);
  }
  findDue(now: Date, limit: number, exclude: ReadonlySet<string> = new Set()) {
    return Promise.resolve(
      [...this.messages.values()]
        .filter((m) => m.status === 'pending' && m.nextAttemptAt <= now && !exclude.has(m.id))
        .sort((a, b) => a.nextAttemptAt.getTime() - b.nextAttemptAt.getTime())
        .slice(0, limit)
        .map(copy),
    );
  }
  update(id: string, seq: number, set: OutboxChange, unset: readonly string[] = []) {
    const m = this.messages.get(id);
    if (!m || m.claimSeq > seq) return Promise.resolve(false);
    Object.assign(m, copy(set));
    for (const f of unset) delete (m as unknown as Record<string, unknown>)[f];
    return Promise.resolve(true);
  }
  insertClaim(claim: Claim) {
    if (this.claims.has(claim.id)) return Promise.resolve(false);
    this.claims.set(claim.id, copy(claim));
    return Promise.resolve(true);
  }
  getClaim(id: string) {
    const c = this.claims.get(id);
    return Promise.resolve(c ? copy(c) : null);
  }
  deleteClaim(id: string) {
    this.claims.delete(id);
    return Promise.resolve();
  }
  deleteClaims(messageId: string) {
    for (const [id, c] of this.claims) if (c.itemId === messageId) this.claims.delete(id);
    return Promise.resolve();
  }
  takeSlot(id: string, window: string) {
    if (this.slots.has(id)) return Promise.resolve(false);
    this.slots.set(id, window);
    return Promise.resolve(true);
  }
  sweepSlots() {
    return Promise.resolve();
  }
  goneWrite(conversationId: string, tenantId: string, at: Date): Write {
    return { mode: 'claim', collection: 'gone', id: conversationId, doc: { tenantId, at } };
  }
  /** What the unit of work does with goneWrite: true for the first caller. */
  markGone(conversationId: string) {
    if (this.gone.has(conversationId)) return Promise.resolve(false);
    this.gone.add(conversationId);
    return Promise.resolve(true);
  }
  goneAmong(ids: readonly string[]) {
    return Promise.resolve(new Set(ids.filter((id) => this.gone.has(id))));
  }
  clearGone(conversationId: string) {
    this.gone.delete(conversationId);
    return Promise.resolve();
  }
  countByStatus(tenantId: string) {
    const counts: Record<OutboxStatus, number> = {
      pending: 0,
      sent: 0,
      deadLettered: 0,
      expired: 0,
    };
    for (const m of this.messages.values()) if (m.tenantId === tenantId) counts[m.status]++;
    return Promise.resolve(counts);
  }
  listDeadLetters(tenantId: string, limit: number) {
    return Promise.resolve(
      [...this.messages.values()]
        .filter((m) => m.tenantId === tenantId && m.status === 'deadLettered')
        .slice(0, limit)
        .map(copy),
    );
  }
}

/** A sender that answers from a script (then ok) and records what it was asked to send. */
export class FakeSender {
  readonly sent: { conversationId: string; payload: OutboxPayload }[] = [];
  private readonly script: SendResult[] = [];

  next(...results: SendResult[]): this {
    this.script.push(...results);
    return this;
  }

  send(reference: Readonly<Record<string, unknown>>, payload: OutboxPayload): Promise<SendResult> {
    const conversationId = (reference.conversation as { id: string }).id;
    this.sent.push({ conversationId, payload: copy(payload) });
    return Promise.resolve(this.script.shift() ?? { ok: true, activityId: `a${this.sent.length}` });
  }
}

/** Every conversation is known, with a reference that names it. */
export const knownConversations = {
  find: (id: string) => Promise.resolve({ reference: { conversation: { id } } }),
};

export const silentLog = pino({ level: 'silent' });

export const TENANT = 't1';

export const actor = (...roles: Role[]): Actor => ({
  tenantId: TENANT,
  aadObjectId: 'a0a0a0a0-0000-4000-8000-000000000001',
  displayName: 'Admin',
  roles: new Set(roles),
  organisations: [],
});
