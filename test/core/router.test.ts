import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { TurnCtx } from '../../src/core/capability';
import { defineAction } from '../../src/core/capability';
import { createRouter, describeError, normalizeCommandText } from '../../src/core/router';
import { translator } from '../../src/i18n/i18n';
import { AppError } from '../../src/core/errors';

const ctx = { log: { info: () => undefined } } as unknown as TurnCtx;

describe('router', () => {
  it('normalises what users type', () => {
    expect(normalizeCommandText('  Hjälp!! ')).toBe('hjälp');
    expect(normalizeCommandText('VEM   är\tjag?')).toBe('vem är jag');
  });

  it('refuses unanchored command patterns (a substring match would trigger on any sentence)', () => {
    expect(() =>
      createRouter([
        {
          name: 'x',
          commands: [{ id: 'x', patterns: [/count/], handle: () => Promise.resolve([]) }],
        },
      ]),
    ).toThrow(/anchored/);
  });

  it('matches whole commands only', async () => {
    const router = createRouter([
      {
        name: 'x',
        commands: [
          { id: 'x', patterns: [/^hjälp$/], handle: () => Promise.resolve([{ text: 'ok' }]) },
        ],
      },
    ]);
    expect(await router.handleMessage(ctx, 'Hjälp')).toEqual([{ text: 'ok' }]);
    expect(await router.handleMessage(ctx, 'jag behöver hjälp med ett ärende')).toBeNull();
  });

  it('validates action data strictly before the handler runs, naming only known fields', async () => {
    let ran = false;
    const router = createRouter([
      {
        name: 'x',
        actions: [
          defineAction({
            verb: 'x.do',
            schema: z.object({ n: z.number() }).strict(),
            handle: () => {
              ran = true;
              return Promise.resolve({ text: 'done' });
            },
          }),
        ],
      },
    ]);
    await expect(router.handleAction(ctx, 'x.do', { n: 'one' })).rejects.toMatchObject({
      code: 'invalidInput',
      params: { field: 'n' },
    });
    await expect(router.handleAction(ctx, 'x.do', { n: 1, $where: 'x' })).rejects.toMatchObject({
      params: { field: '-' },
    });
    await expect(router.handleAction(ctx, 'x.other', {})).rejects.toMatchObject({
      code: 'unknownAction',
    });
    expect(ran).toBe(false);
    expect(await router.handleAction(ctx, 'x.do', { n: 1 })).toEqual({ text: 'done' });
  });

  it('turns errors into text in the user’s language; unexpected ones only give the id', () => {
    expect(describeError(new AppError('forbidden'), translator('en'), 'X')).toMatch(/^Sorry/);
    const text = describeError(new Error('db password=hunter2'), translator('sv'), 'AB12CD34');
    expect(text).toContain('AB12CD34');
    expect(text).not.toContain('hunter2');
  });
});
