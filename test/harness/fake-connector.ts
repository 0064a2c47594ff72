import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One activity the bot sent, as the Bot Connector received it. */
export interface SentActivity {
  conversationId: string;
  replyToId: string | undefined;
  activity: {
    type: string;
    text?: string;
    locale?: string;
    replyToId?: string;
    attachments?: { contentType: string; content: Record<string, unknown> }[];
    [key: string]: unknown;
  };
  headers: IncomingMessage['headers'];
}

export interface ScriptedResponse {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

/**
 * A local stand-in for the Bot Connector service (the activities' `serviceUrl`): records every
 * activity the bot sends, answers like Teams does, and can be told to fail the next requests.
 */
export class FakeConnector {
  readonly sent: SentActivity[] = [];
  private readonly script: ScriptedResponse[] = [];
  private readonly scriptFor = new Map<string, ScriptedResponse[]>();
  private server: Server | undefined;
  private waiters: { count: number; resolve: () => void }[] = [];
  url = '';
  requests = 0;
  /** The conversation of every request, answered or failed, in order. */
  readonly requestLog: string[] = [];

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) =>
      this.server ? this.server.close(() => resolve()) : resolve(),
    );
  }

  /** The next requests get these answers, in order (then normal 200s again). */
  respondNext(...responses: ScriptedResponse[]): void {
    this.script.push(...responses);
  }

  /** Like respondNext, but only for requests to one conversation. */
  respondNextFor(conversationId: string, ...responses: ScriptedResponse[]): void {
    this.scriptFor.set(conversationId, [
      ...(this.scriptFor.get(conversationId) ?? []),
      ...responses,
    ]);
  }

  /** Resolves once at least `count` activities have been recorded (or rejects after timeoutMs). */
  waitFor(count: number, timeoutMs = 5_000): Promise<void> {
    if (this.sent.length >= count) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`expected ${count} activities, got ${this.sent.length}`)),
        timeoutMs,
      );
      this.waiters.push({ count, resolve: () => (clearTimeout(timer), resolve()) });
    });
  }

  messagesTo(conversationId: string): SentActivity[] {
    return this.sent.filter(
      (s) => s.conversationId === conversationId && s.activity.type === 'message',
    );
  }

  clear(): void {
    this.sent.length = 0;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.requests++;
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const target = /^\/v3\/conversations\/([^/]+)\//.exec(
      new URL(req.url ?? '/', 'http://x').pathname,
    )?.[1];
    if (target) this.requestLog.push(decodeURIComponent(target));
    const scripted =
      (target ? this.scriptFor.get(decodeURIComponent(target))?.shift() : undefined) ??
      this.script.shift();
    if (scripted && scripted.status >= 300) {
      res.writeHead(scripted.status, { 'content-type': 'application/json', ...scripted.headers });
      res.end(
        JSON.stringify(
          scripted.body ?? { error: { code: 'Scripted', message: 'scripted failure' } },
        ),
      );
      return;
    }
    const url = new URL(req.url ?? '/', 'http://x');
    const m = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?$/.exec(url.pathname);
    if (req.method === 'POST' && m) {
      const activity = JSON.parse(body) as SentActivity['activity'];
      this.sent.push({
        conversationId: decodeURIComponent(m[1]!),
        replyToId: m[2] ? decodeURIComponent(m[2]) : undefined,
        activity,
        headers: req.headers,
      });
      this.waiters = this.waiters.filter((w) =>
        this.sent.length >= w.count ? (w.resolve(), false) : true,
      );
      res.writeHead(scripted?.status ?? 200, {
        'content-type': 'application/json',
        ...scripted?.headers,
      });
      res.end(JSON.stringify({ id: `sent-${this.sent.length}` }));
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({ error: { code: 'NotFound', message: `${req.method} ${url.pathname}` } }),
    );
  }
}

/** The Adaptive Card in a sent activity, if any. */
export function cardOf(s: SentActivity | undefined): Record<string, unknown> | undefined {
  return s?.activity.attachments?.find(
    (a) => a.contentType === 'application/vnd.microsoft.card.adaptive',
  )?.content;
}
