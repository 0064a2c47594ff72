import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/core/clock';
import { AppError } from '../../../src/core/errors';
import type {
  DeliveryOptions,
  NewMessage,
} from '../../../src/capabilities/delivery/delivery.service';
import { DeliveryService } from '../../../src/capabilities/delivery/delivery.service';
import { fakeAudit } from '../people/fakes';
import {
  FakeDeliveryRepository,
  FakeSender,
  TENANT,
  actor,
  knownConversations,
  silentLog,
} from './fakes';

const T0 = '2026-11-24T08:00:00Z';

function setup(options: Partial<DeliveryOptions> = {}) {
  const clock = new ManualClock(T0);
  const repo = new FakeDeliveryRepository();
  const sender = new FakeSender();
  const audit = fakeAudit();
  const gone: string[] = [];
  const service = new DeliveryService({
    repo,
    sender,
    conversations: knownConversations,
    audit,
    clock,
    log: silentLog,
    recordGone: async (c) => (await repo.markGone(c)) && (gone.push(c), true),
    options: {
      random: () => 0.5,
      backoff: { baseMs: 1_000, maxMs: 60_000, maxRetryAfterMs: 3_600_000 },
      ...options,
    },
  });
  return { clock, repo, sender, audit, gone, service };
}

const msg = (id: string, o: Partial<NewMessage> = {}): NewMessage => ({
  id,
  tenantId: TENANT,
  conversationId: 'conv-1',
  kind: 'reminder.deadline',
  payload: { text: `text of ${id}` },
  notBefore: new Date(T0),
  ...o,
});

describe('DeliveryService (rules, with fakes)', () => {
  it('enqueues once per id and sends once when due, not before', async () => {
    const { service, sender, repo, clock } = setup();
    const later = msg('m1', { notBefore: new Date('2026-11-24T09:00:00Z') });
    expect(await service.enqueue(later)).toBe('created');
    expect(await service.enqueue(later)).toBe('exists');
    expect((await service.deliverDue()).sent).toBe(0);
    clock.set('2026-11-24T09:00:00Z');
    expect(await service.deliverDue()).toMatchObject({ claimed: 1, sent: 1 });
    expect(await service.deliverDue()).toMatchObject({ claimed: 0, sent: 0 });
    expect(sender.sent).toHaveLength(1);
    expect(repo.messages.get('m1')).toMatchObject({ status: 'sent', attempts: 1 });
    expect(repo.claims.size).toBe(0);
  });

  it('rejects a message without payload or with an oversized one', async () => {
    const { service } = setup();
    await expect(service.enqueue(msg('x', { payload: {} }))).rejects.toThrow(AppError);
    await expect(
      service.enqueue(msg('y', { payload: { text: 'x'.repeat(90_000) } })),
    ).rejects.toThrow(/tooLarge/);
  });

  it('retries 429 after Retry-After (+ jitter), then 503 with backoff, then sends', async () => {
    const { service, sender, repo, clock } = setup();
    sender.next({ ok: false, status: 429, retryAfterMs: 1_000 }, { ok: false, status: 503 });
    await service.enqueue(msg('m1'));
    expect(await service.deliverDue()).toMatchObject({ retried: 1, sent: 0 });
    // 1 000 ms from the server + 0.5 × 1 000 ms of jitter.
    expect(repo.messages.get('m1')).toMatchObject({
      status: 'pending',
      attempts: 1,
      nextAttemptAt: new Date(Date.parse(T0) + 1_500),
      lastError: { status: 429 },
    });
    clock.advance(1_000);
    expect((await service.deliverDue()).claimed).toBe(0); // not yet
    clock.advance(500);
    expect(await service.deliverDue()).toMatchObject({ retried: 1 });
    expect(repo.messages.get('m1')?.nextAttemptAt).toEqual(new Date(Date.parse(T0) + 2_500));
    clock.advance(1_000);
    expect(await service.deliverDue()).toMatchObject({ sent: 1 });
    expect(sender.sent).toHaveLength(3);
    expect(repo.messages.get('m1')).toMatchObject({ status: 'sent', attempts: 3 });
  });

  it('dead-letters after maxAttempts retryable failures', async () => {
    const { service, sender, repo, clock } = setup({ maxAttempts: 3 });
    sender.next(...Array.from({ length: 5 }, () => ({ ok: false as const, status: 502 })));
    await service.enqueue(msg('m1'));
    for (let i = 0; i < 5; i++) {
      await service.deliverDue();
      clock.advance(60_000);
    }
    expect(sender.sent).toHaveLength(3);
    expect(repo.messages.get('m1')).toMatchObject({
      status: 'deadLettered',
      reason: 'attempts',
      attempts: 3,
      lastError: { status: 502 },
    });
  });

  it('dead-letters a 400 at once', async () => {
    const { service, sender, repo } = setup();
    sender.next({ ok: false, status: 400, code: 'BadArgument' });
    await service.enqueue(msg('m1'));
    expect(await service.deliverDue()).toMatchObject({ deadLettered: 1 });
    expect(repo.messages.get('m1')).toMatchObject({ status: 'deadLettered', reason: 'rejected' });
  });

  it('403: dead letter, hook once, and no more requests to that conversation', async () => {
    const { service, sender, repo, gone, clock } = setup();
    sender.next({ ok: false, status: 403, code: 'BotNotInConversationRoster' });
    for (const id of ['a', 'b', 'c']) await service.enqueue(msg(id));
    await service.enqueue(msg('other', { conversationId: 'conv-2' }));
    const stats = await service.deliverDue();
    expect(stats).toMatchObject({ deadLettered: 3, sent: 1 });
    expect(sender.sent.filter((s) => s.conversationId === 'conv-1')).toHaveLength(1);
    expect(gone).toEqual(['conv-1']);
    for (const id of ['a', 'b', 'c'])
      expect(repo.messages.get(id)).toMatchObject({
        status: 'deadLettered',
        reason: 'conversationGone',
      });
    // Later messages to it are dead-lettered without a request, and the hook is not called again.
    clock.advance(60_000);
    await service.enqueue(msg('d', { notBefore: clock.now() }));
    await service.deliverDue();
    expect(sender.sent.filter((s) => s.conversationId === 'conv-1')).toHaveLength(1);
    expect(gone).toEqual(['conv-1']);
  });

  it('records a message whose deadline passed while the bot was down as expired, sends the rest', async () => {
    const { service, sender, repo, clock } = setup();
    await service.enqueue(msg('late', { expiresAt: new Date('2026-11-24T08:30:00Z') }));
    await service.enqueue(msg('useful', { expiresAt: new Date('2026-11-24T12:00:00Z') }));
    clock.set('2026-11-24T09:00:00Z'); // the bot was down for an hour
    expect(await service.deliverDue()).toMatchObject({ expired: 1, sent: 1 });
    expect(repo.messages.get('late')?.status).toBe('expired');
    expect(sender.sent.map((s) => s.payload.text)).toEqual(['text of useful']);
  });

  it('keeps messages without a send slot pending (throttled) and sends them later', async () => {
    const { service, sender, clock } = setup({
      rateLimits: { perConversation: [{ windowMs: 1_000, max: 2 }], perTenant: [] },
    });
    for (let i = 0; i < 5; i++) await service.enqueue(msg(`m${i}`));
    expect(await service.deliverDue()).toMatchObject({ sent: 2, throttled: 3 });
    expect(await service.deliverDue()).toMatchObject({ sent: 0, throttled: 3 });
    clock.advance(1_000);
    expect(await service.deliverDue()).toMatchObject({ sent: 2 });
    clock.advance(1_000);
    expect(await service.deliverDue()).toMatchObject({ sent: 1, throttled: 0 });
    expect(sender.sent.map((s) => s.payload.text)).toEqual(
      [0, 1, 2, 3, 4].map((i) => `text of m${i}`),
    );
  });

  it('skips a message claimed by a live instance; takes over when the lease ran out', async () => {
    const { service, sender, repo, clock } = setup({ leaseMs: 120_000 });
    await service.enqueue(msg('m1'));
    const now = clock.now();
    await repo.insertClaim({
      id: 'm1#0',
      itemId: 'm1',
      owner: 'crashed',
      at: now,
      leaseUntil: new Date(now.getTime() + 120_000),
    });
    expect(await service.deliverDue()).toMatchObject({ claimed: 0, sent: 0 });
    clock.advance(120_001);
    expect(await service.deliverDue()).toMatchObject({ claimed: 1, sent: 1 });
    expect(sender.sent).toHaveLength(1);
    expect(repo.messages.get('m1')).toMatchObject({ status: 'sent', claimSeq: 2 });
  });

  it('lets only admins list and retry dead letters; a retry is audited and sent', async () => {
    const { service, sender, repo, audit, clock } = setup();
    sender.next({ ok: false, status: 403 });
    await service.enqueue(msg('m1'));
    await service.deliverDue();
    await expect(service.listDeadLetters(actor('staff'))).rejects.toThrow(/forbidden/);
    await expect(service.retryDeadLetter(actor('manager'), 'm1')).rejects.toThrow(/forbidden/);
    const [dead] = await service.listDeadLetters(actor('admin'));
    expect(dead).toMatchObject({ id: 'm1', reason: 'conversationGone', lastStatus: 403 });
    expect(JSON.stringify(dead)).not.toContain('text of');

    expect(await service.retryDeadLetter(actor('admin'), 'm1')).toEqual({
      outcome: 'retried',
      kind: 'reminder.deadline',
    });
    expect((await service.retryDeadLetter(actor('admin'), 'm1')).outcome).toBe('notDeadLettered');
    await expect(service.retryDeadLetter(actor('admin'), 'nope')).rejects.toThrow(/notFound/);
    expect(audit.entries).toMatchObject([{ action: 'delivery.retry', target: 'm1' }]);
    expect(repo.gone.size).toBe(0);
    clock.advance(1);
    expect(await service.deliverDue()).toMatchObject({ sent: 1 });
    expect(repo.messages.get('m1')).toMatchObject({ status: 'sent', attempts: 1 });
    expect(repo.messages.get('m1')?.reason).toBeUndefined();
  });

  it('does not requeue a dead letter whose deadline has passed', async () => {
    const { service, sender, clock } = setup();
    sender.next({ ok: false, status: 400 });
    await service.enqueue(msg('m1', { expiresAt: new Date('2026-11-24T09:00:00Z') }));
    await service.deliverDue();
    clock.set('2026-11-24T10:00:00Z');
    expect((await service.retryDeadLetter(actor('admin'), 'm1')).outcome).toBe('tooLate');
  });
});
