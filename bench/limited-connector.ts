import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { LoopbackServer } from './bench-kit';

/** A sliding-window limit: at most `max` accepted requests in any window of `windowMs`. */
export interface SlidingLimit {
  windowMs: number;
  max: number;
}

export interface ConnectorLimits {
  /** Per bot per conversation (Teams: 7/1 s, 8/2 s, 60/30 s, 1,800/h). */
  perConversation: readonly SlidingLimit[];
  /** Per app per tenant (Teams: "about 50 requests per second"). */
  perTenant: readonly SlidingLimit[];
}

export const TEAMS_LIMITS: ConnectorLimits = {
  perConversation: [
    { windowMs: 1_000, max: 7 },
    { windowMs: 2_000, max: 8 },
    { windowMs: 30_000, max: 60 },
    { windowMs: 3_600_000, max: 1_800 },
  ],
  perTenant: [{ windowMs: 1_000, max: 50 }],
};

/** One message the connector accepted (2xx). */
export interface Accepted {
  /** performance.now() when the request had fully arrived. */
  at: number;
  conversationId: string;
  /** conversation + hash of what is posted (text and attachments): equal keys = same message. */
  key: string;
}

/**
 * A stand-in for the Bot Connector that ENFORCES Teams' rate limits. Requests are counted when
 * they arrive; a request over any limit is answered 429 with a Retry-After (whole seconds,
 * rounded up, at least 1) saying when it would have been accepted, and does not count towards
 * the limits (only accepted requests do: the kinder reading of Teams' documentation).
 * The windows slide: a request at time t is refused when `max` accepted requests of the same
 * scope arrived in (t − windowMs, t].
 */
export class LimitedConnector extends LoopbackServer {
  /** scope key → arrival times of accepted requests (ascending). */
  private readonly history = new Map<string, number[]>();
  private readonly longestWindowMs: number;
  requests = 0;
  readonly accepted: Accepted[] = [];
  throttled = 0;
  throttledBy = { tenant: 0, conversation: 0 };
  /** Requests that were not a POST of an activity nor a roster read (answered 404). */
  unexpected = 0;
  /** Roster reads (a forum bound to a channel reads its team's members): an empty roster. */
  rosterReads = 0;

  constructor(private readonly limits: ConnectorLimits = TEAMS_LIMITS) {
    super();
    this.longestWindowMs = Math.max(
      ...limits.perConversation.map((l) => l.windowMs),
      ...limits.perTenant.map((l) => l.windowMs),
    );
  }

  /** The most requests accepted in any sliding second (over all conversations). */
  peakPerSecond(): number {
    const times = this.accepted.map((a) => a.at).sort((a, b) => a - b);
    let peak = 0;
    let lo = 0;
    for (let hi = 0; hi < times.length; hi++) {
      while (times[lo]! <= times[hi]! - 1_000) lo++;
      peak = Math.max(peak, hi - lo + 1);
    }
    return peak;
  }

  protected async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.requests++;
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    // The moment the whole request is in (taken synchronously before deciding, so the times
    // of each scope stay in ascending order).
    const arrived = performance.now();
    const url = new URL(req.url ?? '/', 'http://x');
    const m = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?$/.exec(url.pathname);
    if (req.method === 'GET' && /^\/v3\/conversations\/[^/]+\/pagedmembers$/.test(url.pathname)) {
      this.rosterReads++;
      return reply(res, 200, { members: [] });
    }
    if (req.method !== 'POST' || !m) {
      this.unexpected++;
      return reply(res, 404, { error: { code: 'NotFound', message: url.pathname } });
    }
    let activity: {
      type?: unknown;
      text?: unknown;
      attachments?: unknown;
      conversation?: { tenantId?: unknown };
    };
    try {
      activity = JSON.parse(Buffer.concat(chunks).toString('utf8')) as typeof activity;
    } catch {
      return reply(res, 400, { error: { code: 'BadArgument', message: 'invalid JSON' } });
    }
    const conversationId = decodeURIComponent(m[1]!);
    const tenantId =
      typeof activity.conversation?.tenantId === 'string' ? activity.conversation.tenantId : '-';
    const scopes: [string, readonly SlidingLimit[]][] = [
      [`t:${tenantId}`, this.limits.perTenant],
      [`c:${conversationId}`, this.limits.perConversation],
    ];
    const waits = scopes.map(([scope, limits]) => this.waitFor(scope, limits, arrived));
    const waitMs = Math.max(...waits);
    // Counted as a tenant 429 whenever the tenant budget alone would have refused it.
    const by = waits[0]! > 0 ? 'tenant' : waits[1]! > 0 ? 'conversation' : undefined;
    if (by) {
      this.throttled++;
      this.throttledBy[by]++;
      const retryAfter = Math.max(1, Math.ceil(waitMs / 1_000));
      return reply(
        res,
        429,
        { error: { code: 'Throttled', message: 'Too many requests' } },
        { 'retry-after': String(retryAfter) },
      );
    }
    for (const [scope] of scopes) this.times(scope).push(arrived);
    const posted = JSON.stringify([activity.type, activity.text ?? null, activity.attachments]);
    const key = `${conversationId}|${createHash('sha256').update(posted).digest('hex')}`;
    this.accepted.push({ at: arrived, conversationId, key });
    reply(res, 201, { id: `activity-${this.accepted.length}` });
  }

  private times(scope: string): number[] {
    let list = this.history.get(scope);
    if (!list) this.history.set(scope, (list = []));
    return list;
  }

  /** 0 if a request at `now` fits every limit of the scope; otherwise ms until it would. */
  private waitFor(scope: string, limits: readonly SlidingLimit[], now: number): number {
    const list = this.times(scope);
    // Forget what no window can see any more (bounded memory, bounded scans).
    let drop = 0;
    while (drop < list.length && list[drop]! <= now - this.longestWindowMs) drop++;
    if (drop > 0) list.splice(0, drop);
    let wait = 0;
    for (const { windowMs, max } of limits) {
      // Accepted requests in (now − windowMs, now]: a binary search for the first inside.
      let lo = 0;
      let hi = list.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (list[mid]! <= now - windowMs) lo = mid + 1;
        else hi = mid;
      }
      const inside = list.length - lo;
      if (inside >= max) {
        // Fits once the oldest `inside − max + 1` of them have left the window.
        const oldestThatMustLeave = list[lo + inside - max]!;
        wait = Math.max(wait, oldestThatMustLeave + windowMs - now);
      }
    }
    return wait;
  }
}

function reply(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}
