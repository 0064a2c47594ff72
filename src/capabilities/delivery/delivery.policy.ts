/**
 * Pure rules of delivery: what a connector answer means, and when to try again.
 * No I/O, no clock: callers pass `now` and a random source, so tests fix both.
 */

/** Why a message was dead-lettered (stable codes; shown to admins, never payload text). */
export type DeadLetterReason = 'attempts' | 'rejected' | 'conversationGone' | 'noConversation';

export type AttemptVerdict =
  { kind: 'sent' } | { kind: 'retry' } | { kind: 'deadLetter'; reason: DeadLetterReason };

/** Statuses Microsoft advises retrying (plus 500 and network failures, reported as status 0). */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([0, 412, 429, 500, 502, 503, 504]);

/** 403 (bot removed, BotNotInConversationRoster) and 404 (conversation gone): never retried. */
export const GONE_STATUSES: ReadonlySet<number> = new Set([403, 404]);

/**
 * What to do after a failed send with HTTP `status` on attempt number `attempt` (1-based,
 * counting this one). Retryable failures become dead letters once `maxAttempts` is reached.
 */
export function classifyFailure(
  status: number,
  attempt: number,
  maxAttempts: number,
): AttemptVerdict {
  if (GONE_STATUSES.has(status)) return { kind: 'deadLetter', reason: 'conversationGone' };
  if (!RETRYABLE_STATUSES.has(status)) return { kind: 'deadLetter', reason: 'rejected' };
  return attempt >= maxAttempts ? { kind: 'deadLetter', reason: 'attempts' } : { kind: 'retry' };
}

export interface BackoffOptions {
  /** The first retry waits up to this long (full jitter). */
  baseMs: number;
  /** The exponential part never exceeds this. */
  maxMs: number;
  /** A Retry-After longer than this is capped (a broken header must not park a message for days). */
  maxRetryAfterMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = {
  baseMs: 10_000,
  maxMs: 15 * 60_000,
  maxRetryAfterMs: 60 * 60_000,
};

/**
 * Delay before the next attempt after `failedAttempts` failures: exponential backoff with full
 * jitter (`random() * min(max, base * 2^(n-1))`), added on top of the server's Retry-After when
 * it sent one, so a retry never comes before the time the server asked for and instances that
 * were throttled together do not come back together.
 */
export function backoffMs(
  failedAttempts: number,
  retryAfterMs: number | undefined,
  random: () => number,
  o: BackoffOptions = DEFAULT_BACKOFF,
): number {
  const exponent = Math.max(0, failedAttempts - 1);
  const ceiling = Math.min(o.maxMs, o.baseMs * 2 ** Math.min(exponent, 30));
  const jitter = Math.floor(clamp01(random()) * ceiling);
  const server =
    retryAfterMs !== undefined && Number.isFinite(retryAfterMs) && retryAfterMs > 0
      ? Math.min(retryAfterMs, o.maxRetryAfterMs)
      : 0;
  return server + jitter;
}

const clamp01 = (x: number): number => (Number.isFinite(x) ? Math.min(Math.max(x, 0), 1) : 0);
