import { describe, expect, it } from 'vitest';
import {
  backoffMs,
  classifyFailure,
  DEFAULT_BACKOFF,
} from '../../../src/capabilities/delivery/delivery.policy';
import { parseRetryAfter, toFailure } from '../../../src/bot/proactive-sender';

const o = { baseMs: 1_000, maxMs: 60_000, maxRetryAfterMs: 3_600_000 };

describe('backoff', () => {
  it('grows exponentially with full jitter (random fixed)', () => {
    expect([1, 2, 3, 4].map((n) => backoffMs(n, undefined, () => 1, o))).toEqual([
      1_000, 2_000, 4_000, 8_000,
    ]);
    expect(backoffMs(3, undefined, () => 0.5, o)).toBe(2_000);
    expect(backoffMs(3, undefined, () => 0, o)).toBe(0);
  });

  it('never exceeds the cap, however many failures', () => {
    expect(backoffMs(40, undefined, () => 1, o)).toBe(60_000);
    expect(backoffMs(10_000, undefined, () => 0.999, DEFAULT_BACKOFF)).toBeLessThanOrEqual(
      DEFAULT_BACKOFF.maxMs,
    );
  });

  it('honours Retry-After: never earlier than the server asked, jitter on top', () => {
    expect(backoffMs(1, 5_000, () => 0, o)).toBe(5_000);
    expect(backoffMs(1, 5_000, () => 0.5, o)).toBe(5_500);
    expect(backoffMs(2, 30_000, () => 1, o)).toBe(32_000);
  });

  it('caps an absurd Retry-After and ignores a broken one', () => {
    expect(backoffMs(1, 86_400_000 * 30, () => 0, o)).toBe(3_600_000);
    expect(backoffMs(1, Number.NaN, () => 0, o)).toBe(0);
    expect(backoffMs(1, -5, () => 0, o)).toBe(0);
  });
});

describe('classifying a failed send', () => {
  it.each([412, 429, 500, 502, 503, 504, 0])('%i is retried until the last attempt', (s) => {
    expect(classifyFailure(s, 1, 6)).toEqual({ kind: 'retry' });
    expect(classifyFailure(s, 5, 6)).toEqual({ kind: 'retry' });
    expect(classifyFailure(s, 6, 6)).toEqual({ kind: 'deadLetter', reason: 'attempts' });
  });

  it.each([400, 401, 405, 413, 501])('%i is dead-lettered at once', (s) => {
    expect(classifyFailure(s, 1, 6)).toEqual({ kind: 'deadLetter', reason: 'rejected' });
  });

  it.each([403, 404])('%i means the conversation is gone: no retry', (s) => {
    expect(classifyFailure(s, 1, 6)).toEqual({ kind: 'deadLetter', reason: 'conversationGone' });
  });
});

describe('reading SDK errors', () => {
  const now = new Date('2026-11-24T08:00:00Z');
  const headers = (h: Record<string, string>) => ({
    get: (name: string) => h[name.toLowerCase()],
  });

  it('takes status, Retry-After (seconds or HTTP date) and a safe code', () => {
    const err = Object.assign(new Error('Too many requests: secret text'), {
      statusCode: 429,
      code: 'TooManyRequests',
      response: { status: 429, headers: headers({ 'retry-after': '2' }) },
    });
    expect(toFailure(err, now)).toEqual({
      ok: false,
      status: 429,
      retryAfterMs: 2_000,
      code: 'TooManyRequests',
    });
    expect(parseRetryAfter('Tue, 24 Nov 2026 08:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
  });

  it('maps network errors to status 0 and drops codes that could carry text', () => {
    expect(toFailure(Object.assign(new Error('x'), { code: 'ECONNRESET' }), now)).toEqual({
      ok: false,
      status: 0,
      code: 'ECONNRESET',
    });
    expect(toFailure({ statusCode: 400, code: 'has spaces and text' }, now)).toEqual({
      ok: false,
      status: 400,
    });
    expect(toFailure('weird', now)).toEqual({ ok: false, status: 0 });
  });
});
