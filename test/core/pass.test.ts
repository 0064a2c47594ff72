import { describe, expect, it } from 'vitest';
import { inPass, oncePerPass, outsidePass } from '../../src/core/pass';

describe('reads shared within one scheduler pass', () => {
  it('loads once per key and pass, gives each caller its own array, and nothing outside a pass', async () => {
    let loads = 0;
    const load = () => Promise.resolve([++loads, 0]);
    const [a, b] = await inPass(async () => {
      const first = await oncePerPass('k', load);
      first.sort((x, y) => x - y); // one caller reordering its copy
      return [first, await oncePerPass('k', load)];
    });
    expect(loads).toBe(1);
    expect(a).toEqual([0, 1]);
    expect(b).toEqual([1, 0]);
    // A new pass reads again; so does every read outside a pass.
    await inPass(() => oncePerPass('k', load));
    await oncePerPass('k', load);
    await oncePerPass('k', load);
    expect(loads).toBe(4);
  });

  it('forgets a failed load, so the next job of the pass tries again', async () => {
    let calls = 0;
    const flaky = () => (++calls === 1 ? Promise.reject(new Error('down')) : Promise.resolve([7]));
    const results = await inPass(async () => {
      const first = await oncePerPass('k', flaky).catch(() => 'failed');
      return [first, await oncePerPass('k', flaky), await oncePerPass('k', flaky)];
    });
    expect(results).toEqual(['failed', [7], [7]]);
    expect(calls).toBe(2);
  });

  it('shares nothing with work started in a pass that runs outside it (the outbox drain)', async () => {
    let loads = 0;
    const load = () => Promise.resolve([++loads]);
    let later!: () => Promise<number[]>;
    await inPass(async () => {
      await oncePerPass('k', load);
      // Started inside the pass, called after it ended: reads afresh every time.
      later = () => outsidePass(() => oncePerPass('k', load));
      expect(await later()).toEqual([2]);
    });
    expect(await later()).toEqual([3]);
    expect(loads).toBe(3);
  });
});
