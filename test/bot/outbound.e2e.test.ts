import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProactiveSender } from '../../src/bot/proactive-sender';
import { PEOPLE, TENANT, actionExecute, message } from '../fixtures/activities';
import { TestBot, cardText, invokeCard, postActivity } from '../harness/test-bot';

/**
 * Issue #10, the edge: a conversation's serviceUrl that accepts a connection and never answers
 * must not hold a turn (or a proactive send) for long. Every call to it shares one deadline
 * (OUTBOUND_TIMEOUT_MS); nothing the user did is lost, and no internal text reaches the HTTP
 * response. In local mode a stored reply address changes only to one that passes the edge's
 * check (loopback).
 */
const TIMEOUT_MS = 800;

/** A TCP server that accepts every connection and never says a word. */
class BlackHole {
  private server: Server | undefined;
  readonly sockets: Socket[] = [];
  /** Connections the client (the bot) gave up on and closed. */
  closedByClient = 0;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((socket) => {
      this.sockets.push(socket);
      socket.on('data', () => undefined);
      socket.on('close', () => this.closedByClient++);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
    return this;
  }

  /** Resolves once the client closed `n` connections (the proof that it gave up). */
  async closed(n: number): Promise<void> {
    while (this.closedByClient < n) await new Promise((r) => setTimeout(r, 20));
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}

describe('outbound calls to a serviceUrl that never answers', () => {
  let bot: TestBot;
  let hole: BlackHole;
  const ADMIN_CHAT = { from: PEOPLE.admin, conversationId: 'a:personal-admin' };

  beforeAll(async () => {
    hole = await new BlackHole().start();
    bot = await TestBot.start({
      env: { SCHEDULER_INTERVAL_SECONDS: '0', OUTBOUND_TIMEOUT_MS: String(TIMEOUT_MS) },
    });
    await bot.send(message('hej', ADMIN_CHAT));
    await bot.send(message('hej', { from: PEOPLE.bo }));
  });
  afterAll(async () => {
    await bot.stop();
    await hole.stop();
  });

  it('gives up on the reply when the deadline passes: the turn returns, the user is stored, no internal text', async () => {
    const started = performance.now();
    const res = await postActivity(bot.app.url, {
      ...message('hej', { from: PEOPLE.anna, conversationId: 'a:personal-anna' }),
      serviceUrl: hole.url,
    });
    const ms = Math.round(performance.now() - started);
    console.log(
      `outbound: a message turn to a silent serviceUrl returned in ${ms} ms (OUTBOUND_TIMEOUT_MS=${TIMEOUT_MS})`,
    );
    expect(res.status).toBe(200);
    expect(JSON.stringify(res.body ?? '')).not.toMatch(/abort|timeout|ECONN|Error/i);
    // The bot closed its connection to the silent service itself (it did not wait for it),
    // once: the failure message was not tried against the same dead service.
    await hole.closed(1);
    expect(hole.sockets).toHaveLength(1);
    // Nothing the user did is lost: the user and the conversation (its reply address) are stored.
    expect(
      await bot.db.collection('users').findOne({ aadObjectId: PEOPLE.anna.aadObjectId }),
    ).toMatchObject({ displayName: PEOPLE.anna.name });
    expect(
      await bot.db.collection('conversations').findOne({ _id: 'a:personal-anna' as never }),
    ).toMatchObject({
      serviceUrl: hole.url,
    });
    // Logged as a warning with ids only.
    const warned = bot.logs.filter((l) => l.includes('reply not delivered'));
    expect(warned).toHaveLength(1);
    expect(warned[0]).toContain(`"timeoutMs":${TIMEOUT_MS}`);
  });

  it('gives up on a serviceUrl that refuses connections within the deadline (the SDK would retry with backoff)', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const started = performance.now();
    const res = await postActivity(bot.app.url, {
      ...message('hej', { from: PEOPLE.anna, conversationId: 'a:personal-anna-2' }),
      serviceUrl: `http://127.0.0.1:${port}/`,
    });
    console.log(
      `outbound: a message turn to a refusing serviceUrl returned in ${Math.round(performance.now() - started)} ms`,
    );
    expect(res.status).toBe(200);
    expect(JSON.stringify(res.body ?? '')).not.toMatch(/abort|timeout|ECONN|Error/i);
  });

  it('answers a card action in the HTTP response and stores its change, whatever the serviceUrl', async () => {
    const res = await postActivity(bot.app.url, {
      ...actionExecute(
        'people.grantRole',
        { userId: PEOPLE.bo.aadObjectId, role: 'staff' },
        ADMIN_CHAT,
      ),
      serviceUrl: hole.url,
    });
    expect(cardText(invokeCard(res))).toContain('Bo Ek');
    expect(
      await bot.db
        .collection('memberships')
        .findOne({ aadObjectId: PEOPLE.bo.aadObjectId, kind: 'role', value: 'staff' }),
    ).not.toBeNull();
  });

  it('gives a proactive send up within the deadline, as a failure the outbox retries', async () => {
    const sender = createProactiveSender({
      adapter: bot.app.bot.adapter,
      botAppId: '',
      clock: bot.clock,
      log: { warn: () => undefined } as never,
      timeoutMs: TIMEOUT_MS,
    });
    const before = hole.sockets.length;
    const started = performance.now();
    const result = await sender.send(
      {
        serviceUrl: hole.url,
        channelId: 'msteams',
        conversation: { id: 'a:personal-anna', tenantId: TENANT, conversationType: 'personal' },
        bot: { id: '28:bot', name: 'Samverkan' },
      },
      { text: 'Påminnelse' },
    );
    const ms = Math.round(performance.now() - started);
    console.log(`outbound: a proactive send to a silent serviceUrl gave up after ${ms} ms`);
    expect(result).toMatchObject({ ok: false, status: 0, code: 'outboundTimeout' });
    await hole.closed(before + 1);
    expect(hole.sockets).toHaveLength(before + 1);
  });

  it("in local mode, keeps a conversation's stored reply address unless the new one passes the check", async () => {
    const conversations = bot.app.services.conversations;
    const stored = async () =>
      (await bot.db.collection('conversations').findOne({ _id: 'a:personal-admin' as never }))
        ?.serviceUrl as string | undefined;
    await bot.send(message('hej', ADMIN_CHAT)); // back on the fake connector
    expect(await stored()).toBe(bot.connector.url);
    // Over HTTP: refused at the edge (400), nothing stored.
    for (const serviceUrl of [
      'https://evil.example/',
      'http://10.0.0.7:3978/',
      'file:///etc/passwd',
    ]) {
      const res = await postActivity(bot.app.url, { ...message('hej', ADMIN_CHAT), serviceUrl });
      expect(res.status, serviceUrl).toBe(400);
      expect(await stored()).toBe(bot.connector.url);
    }
    // And the conversations capability itself never stores one that fails the check.
    const info = { id: 'a:personal-admin', tenantId: TENANT, type: 'personal' as const };
    await conversations.remember(
      info,
      { serviceUrl: 'https://evil.example/' },
      'https://evil.example/',
    );
    expect(await stored()).toBe(bot.connector.url);
    // A loopback address passes (the Playground's connector moves ports between runs).
    await bot.send(message('hej', ADMIN_CHAT));
    expect(await stored()).toBe(bot.connector.url);
  });
});
