import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { inject } from 'vitest';
import type { Db } from 'mongodb';
import { MongoClient } from 'mongodb';
import { startApp, type RunningApp, type StartOptions } from '../../src/start';
import { loadConfig } from '../../src/config/config';
import { ManualClock } from '../../src/core/clock';
import { createLogger } from '../../src/infra/logger';
import { PEOPLE, TENANT, type TeamsActivity } from '../fixtures/activities';
import { FakeConnector } from './fake-connector';

export const PROJECT_ROOT = path.resolve(__dirname, '../..');

/** A database name of its own for each test file (or test). */
export const uniqueDbName = (prefix = 't'): string => `${prefix}_${randomBytes(6).toString('hex')}`;

export interface TestBotOptions {
  env?: Record<string, string>;
  /** Delivery tuning (e.g. fixed randomness, short backoff) for outbox tests. */
  deliveryOptions?: StartOptions['deliveryOptions'];
  clock?: ManualClock;
  dbName?: string;
  connector?: FakeConnector;
  /** The test runs `app.pass()` itself (StartOptions.manualScheduler). */
  manualScheduler?: boolean;
}

export interface HttpResult {
  status: number;
  body: unknown;
}

/**
 * The real server on a random port, on the real database, with a fake Bot Connector as the
 * activities' serviceUrl. Tests talk to it over HTTP exactly as Teams does.
 */
export class TestBot {
  readonly logs: string[] = [];
  app!: RunningApp;
  db!: Db;
  private client!: MongoClient;

  private constructor(
    readonly connector: FakeConnector,
    readonly clock: ManualClock,
    readonly dbName: string,
    private readonly env: Record<string, string>,
    private readonly deliveryOptions: StartOptions['deliveryOptions'],
    private readonly manualScheduler = false,
  ) {}

  static async start(o: TestBotOptions = {}): Promise<TestBot> {
    const connector = o.connector ?? (await new FakeConnector().start());
    const bot = new TestBot(
      connector,
      o.clock ?? new ManualClock(),
      o.dbName ?? uniqueDbName(),
      o.env ?? {},
      o.deliveryOptions,
      o.manualScheduler,
    );
    await bot.boot();
    bot.client = new MongoClient(inject('mongoUri'));
    bot.db = bot.client.db(bot.dbName);
    return bot;
  }

  private async boot(): Promise<void> {
    const config = loadConfig(
      {
        NODE_ENV: 'test',
        PORT: '0',
        MONGODB_URI: inject('mongoUri'),
        MONGODB_DB: this.dbName,
        ALLOWED_TENANT_IDS: TENANT,
        ADMIN_AAD_OBJECT_IDS: PEOPLE.admin.aadObjectId,
        LOG_LEVEL: 'debug',
        LOG_FORMAT: 'json',
        ...this.env,
      },
      { projectRoot: PROJECT_ROOT },
    );
    const log = createLogger(config.log, { write: (line: string) => void this.logs.push(line) });
    this.app = await startApp(config, {
      log,
      clock: this.clock,
      ...(this.deliveryOptions ? { deliveryOptions: this.deliveryOptions } : {}),
      manualScheduler: this.manualScheduler,
    });
  }

  /** Stops the server and starts a new one on the same database (a restart). */
  async restart(): Promise<void> {
    await this.app.stop();
    await this.boot();
  }

  /** POSTs an activity to /api/messages (serviceUrl pointed at the fake connector). */
  send(activity: TeamsActivity, headers: Record<string, string> = {}): Promise<HttpResult> {
    return postActivity(this.app.url, { ...activity, serviceUrl: this.connector.url }, headers);
  }

  async stop(): Promise<void> {
    await this.app.stop();
    await this.client.close();
    await this.connector.stop();
  }
}

/** POSTs an activity to `<baseUrl>/api/messages` as Teams does; the body parsed when it is JSON. */
export async function postActivity(
  baseUrl: string,
  activity: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<HttpResult> {
  const res = await fetch(`${baseUrl}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(activity),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    /* not JSON */
  }
  return { status: res.status, body };
}

/** The card an Action.Execute answered with (HTTP invoke response), or undefined. */
export function invokeCard(res: HttpResult): Record<string, unknown> | undefined {
  const body = res.body as { statusCode?: number; type?: string; value?: unknown } | undefined;
  return body?.type === 'application/vnd.microsoft.card.adaptive'
    ? (body.value as Record<string, unknown>)
    : undefined;
}

/** The message an Action.Execute answered with, or undefined. */
export function invokeMessage(res: HttpResult): string | undefined {
  const body = res.body as { type?: string; value?: unknown } | undefined;
  return body?.type === 'application/vnd.microsoft.activity.message'
    ? String(body.value)
    : undefined;
}

/** All strings in a card, joined: for asserting on what the user sees. */
export function cardText(card: unknown): string {
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === 'string') out.push(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(card);
  return out.join('\n');
}

/** Inputs of a rendered card by id → value (what the user sees filled in). */
export function inputValues(card: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (typeof o.type === 'string' && o.type.startsWith('Input.') && typeof o.id === 'string')
        out[o.id] = o.value;
      Object.values(o).forEach(walk);
    }
  };
  walk(card);
  return out;
}
