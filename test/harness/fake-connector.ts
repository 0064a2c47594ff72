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

/** A member of a team or group chat, as the Bot Connector lists it (`TeamsChannelAccount`). */
export interface FakeMember {
  id: string;
  name: string;
  aadObjectId: string;
  email?: string;
  userPrincipalName?: string;
  tenantId?: string;
  userRole?: string;
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
  /** The conversation of every activity post, answered or failed, in order. */
  readonly requestLog: string[] = [];
  /** Team (or group chat) id → its members: served by `GET …/pagedmembers`, page by page. */
  readonly rosters = new Map<string, FakeMember[]>();
  /** Members per page when the bot asks for more (Teams pages too; small here to test paging). */
  pageSize = 2;
  /** Roster ids of users the bot cannot reach 1:1 (Teams answers 403 BotNotInConversationRoster). */
  readonly unreachable = new Set<string>();
  /** Every conversation the bot created (`POST /v3/conversations`), in order. */
  readonly created: { id: string; memberId: string; tenantId: string | undefined }[] = [];
  /** Roster page requests made (conversation id, continuation token). */
  readonly pageRequests: { conversationId: string; continuationToken: string | undefined }[] = [];

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

  /** The next activity posts get these answers, in order (then normal 200s again). */
  respondNext(...responses: ScriptedResponse[]): void {
    this.script.push(...responses);
  }

  /** Like respondNext, but only for activity posts to one conversation. */
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

  /** Teams' paged members: `continuationToken` until the last page, as many as asked (≤ pageSize). */
  private servePage(conversationId: string, url: URL, res: ServerResponse): void {
    const roster = this.rosters.get(conversationId);
    const token = url.searchParams.get('continuationToken') ?? undefined;
    this.pageRequests.push({ conversationId, continuationToken: token });
    if (!roster) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'ConversationNotFound', message: 'not found' } }));
      return;
    }
    const asked = Number(url.searchParams.get('pageSize') ?? this.pageSize);
    const size = Math.max(1, Math.min(asked, this.pageSize));
    const start = token ? Number(token.replace(/^page-/, '')) : 0;
    const members = roster.slice(start, start + size);
    const next = start + size < roster.length ? `page-${start + size}` : undefined;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ members, ...(next ? { continuationToken: next } : {}) }));
  }

  /** `POST /v3/conversations`: a 1:1 chat with one member, or 403 when the bot cannot reach them. */
  private createConversation(body: string, res: ServerResponse): void {
    const params = JSON.parse(body) as {
      members?: { id?: string }[];
      tenantId?: string;
      isGroup?: boolean;
    };
    const memberId = params.members?.[0]?.id ?? '';
    if (!memberId || this.unreachable.has(memberId)) {
      res.writeHead(403, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          error: {
            code: 'BotNotInConversationRoster',
            message: 'The bot is not part of the conversation roster.',
          },
        }),
      );
      return;
    }
    const id = `a:1${Buffer.from(memberId).toString('hex')}`;
    this.created.push({ id, memberId, tenantId: params.tenantId });
    res.writeHead(201, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ id }));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.requests++;
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const target = /^\/v3\/conversations\/([^/]+)\//.exec(
      new URL(req.url ?? '/', 'http://x').pathname,
    )?.[1];
    // Scripted answers are for activity posts (the sends the tests fail on purpose); roster
    // reads and 1:1 creation made by scheduler passes in between must not use them up.
    const posting =
      req.method === 'POST' && /^\/v3\/conversations\/[^/]+\/activities/.test(req.url ?? '');
    if (target && posting) this.requestLog.push(decodeURIComponent(target));
    const scripted = !posting
      ? undefined
      : ((target ? this.scriptFor.get(decodeURIComponent(target))?.shift() : undefined) ??
        this.script.shift());
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
    const paged = /^\/v3\/conversations\/([^/]+)\/pagedmembers$/.exec(url.pathname);
    if (req.method === 'GET' && paged) {
      this.servePage(decodeURIComponent(paged[1]!), url, res);
      return;
    }
    if (req.method === 'POST' && url.pathname === '/v3/conversations') {
      this.createConversation(body, res);
      return;
    }
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
