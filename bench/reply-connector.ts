import type { IncomingMessage, ServerResponse } from 'node:http';
import { LoopbackServer } from './bench-kit';

/**
 * A lean stand-in for the Bot Connector (the activities' serviceUrl) for benchmarks: it parses
 * every activity the bot sends, like the real service would, but only counts them, so that the
 * benchmark can tell when the reply to one particular turn has arrived.
 */
export class ReplyConnector extends LoopbackServer {
  private readonly repliesTo = new Map<string, number>();
  private readonly waiters = new Map<string, () => void>();
  /** Message activities received since the last reset. */
  messages = 0;
  /** Of those, messages that carry an Adaptive Card. */
  cardMessages = 0;
  /** All POSTs received since the last reset (any activity type). */
  requests = 0;

  reset(): void {
    this.repliesTo.clear();
    this.waiters.clear();
    this.messages = 0;
    this.cardMessages = 0;
    this.requests = 0;
  }

  /** Resolves true once a message replying to `activityId` has arrived, false after timeoutMs. */
  waitForReply(activityId: string, timeoutMs: number): Promise<boolean> {
    if ((this.repliesTo.get(activityId) ?? 0) > 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters.delete(activityId);
        resolve(false);
      }, timeoutMs);
      this.waiters.set(activityId, () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  protected async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.requests++;
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const url = new URL(req.url ?? '/', 'http://x');
    const m = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?$/.exec(url.pathname);
    if (req.method !== 'POST' || !m) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'NotFound', message: url.pathname } }));
      return;
    }
    let activity: { type?: unknown; replyToId?: unknown; attachments?: unknown };
    try {
      activity = JSON.parse(Buffer.concat(chunks).toString('utf8')) as typeof activity;
    } catch {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'BadArgument', message: 'invalid JSON' } }));
      return;
    }
    if (activity.type === 'message') {
      this.messages++;
      if (
        Array.isArray(activity.attachments) &&
        activity.attachments.some(
          (a) =>
            (a as { contentType?: unknown } | null)?.contentType ===
            'application/vnd.microsoft.card.adaptive',
        )
      )
        this.cardMessages++;
      const replyTo =
        (m[2] ? decodeURIComponent(m[2]) : undefined) ??
        (typeof activity.replyToId === 'string' ? activity.replyToId : undefined);
      if (replyTo) {
        this.repliesTo.set(replyTo, (this.repliesTo.get(replyTo) ?? 0) + 1);
        const waiter = this.waiters.get(replyTo);
        if (waiter) {
          this.waiters.delete(replyTo);
          waiter();
        }
      }
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ id: `sent-${this.requests}` }));
  }
}
