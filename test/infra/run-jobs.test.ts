import { describe, expect, it } from 'vitest';
import type { Job } from '../../src/kernel/kernel';
import { runJobs } from '../../src/kernel/runtime';

const now = () => new Date('2026-11-24T08:00:00Z');

/** A promise and its resolve, to hold a job until another has run. */
function gate(): { open: () => void; opened: Promise<void> } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

describe('a scheduler pass over the jobs', () => {
  it('runs the jobs one after the other when none has work left over', async () => {
    const order: string[] = [];
    const job = (name: string, again?: boolean): Job => ({
      name,
      run: () => (order.push(name), Promise.resolve(name)),
      ...(again !== undefined && { again: () => again }),
    });
    const ran = await runJobs([job('a'), job('outbox', false), job('b')], now);
    expect(order).toEqual(['a', 'outbox', 'b']);
    expect(ran.results).toEqual({ a: 'a', outbox: 'outbox', b: 'b' });
    expect(Object.keys(ran.ms).sort()).toEqual(['a', 'b', 'outbox']);
    expect(ran.again).toBe(false);
  });

  it('runs a job that stopped with work left alongside the others, and waits for both', async () => {
    // The outbox is busy: it only finishes once `later`, a job after it in order, has run. Run
    // in order, the pass would never end.
    const laterRan = gate();
    let more = true;
    const outbox: Job = {
      name: 'outbox',
      run: async () => {
        await laterRan.opened;
        more = false;
        return 'sent';
      },
      again: () => more,
    };
    const later: Job = { name: 'later', run: () => (laterRan.open(), Promise.resolve('done')) };
    const before: Job = { name: 'before', run: () => Promise.resolve('first') };
    const ran = await runJobs([before, outbox, later], now);
    expect(ran.results).toEqual({ before: 'first', later: 'done', outbox: 'sent' });
    expect(ran.again).toBe(false);
  });

  it('throws the first failure once both halves have ended', async () => {
    let outboxDone = false;
    const outbox: Job = {
      name: 'outbox',
      run: async () => {
        await new Promise((resolve) => setTimeout(resolve, 20));
        outboxDone = true;
        return 'sent';
      },
      again: () => true,
    };
    const failing: Job = { name: 'failing', run: () => Promise.reject(new Error('boom')) };
    await expect(runJobs([failing, outbox], now)).rejects.toThrow('boom');
    // The outbox was not cut off by the other job's failure.
    expect(outboxDone).toBe(true);
  });
});
