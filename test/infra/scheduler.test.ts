import { afterEach, describe, expect, it, vi } from 'vitest';
import pino from 'pino';
import { startLoop } from '../../src/infra/scheduler';

const log = pino({ level: 'silent' });

describe('the scheduler loop', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('waits the interval after a run, and runs again at once after one that says `again`', async () => {
    vi.useFakeTimers();
    const answers = [{ again: true }, { again: true }, { again: false }, undefined];
    const runs: number[] = [];
    const loop = startLoop(
      'test',
      () => {
        runs.push(Date.now());
        return Promise.resolve(answers.shift());
      },
      30_000,
      log,
    );
    const t0 = Date.now();
    await vi.advanceTimersByTimeAsync(29_999);
    expect(runs).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    await vi.advanceTimersByTimeAsync(10);
    // The first run said again: the second and third follow at once (a timer of 0, which Node
    // runs after 1 ms); the third did not, so the fourth waits the interval.
    expect(runs.map((t) => t - t0)).toEqual([30_000, 30_001, 30_002]);
    await vi.advanceTimersByTimeAsync(29_980);
    expect(runs).toHaveLength(3);
    await vi.advanceTimersByTimeAsync(20);
    expect(runs).toHaveLength(4);
    expect(runs[3]! - runs[2]!).toBe(30_000);
    await loop.stop();
  });

  it('goes on after a failing run, at the interval', async () => {
    vi.useFakeTimers();
    let calls = 0;
    const loop = startLoop(
      'test',
      () => (calls++ === 0 ? Promise.reject(new Error('boom')) : Promise.resolve({ again: false })),
      1_000,
      log,
    );
    await vi.advanceTimersByTimeAsync(1_000);
    expect(calls).toBe(1);
    await vi.advanceTimersByTimeAsync(999);
    expect(calls).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toBe(2);
    await loop.stop();
  });
});
