import type { TurnContext } from 'botbuilder';
import { CardFactory, MessageFactory } from 'botbuilder';
import type { TeamsAdapter } from '@microsoft/teams-ai';
import type { Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import type { OutboxPayload, ProactiveSender, SendResult } from '../capabilities/delivery';
import { limitOutbound } from './outbound';

/**
 * Posts outbox messages with `adapter.continueConversationAsync`. It never throws: every
 * failure becomes `{ ok: false, status }` (0 = no HTTP answer), with the server's Retry-After.
 *
 * The SDK's HTTP pipeline (@azure/core-rest-pipeline, under botframework-connector) retries on
 * its own: up to 3 more requests for a 429/503 with Retry-After, for 5xx, and for network
 * errors, sleeping in between. The outbox does its own durable, rate-limited retries, so the
 * SDK's retry policy is removed from the connector client of each proactive turn (a fresh
 * client per call; the clients of inbound turns keep theirs). If a later SDK version moves
 * that pipeline, this is logged once and each attempt may cost up to 4 requests.
 */
export interface ProactiveSenderOptions {
  /** The bot's adapter, or a function giving it (the bot is built after the services). */
  adapter: TeamsAdapter | (() => TeamsAdapter);
  /** The bot's app id ('' in local mode). */
  botAppId: string;
  clock: Clock;
  log: Logger;
  /** The whole budget for one send's calls to the conversation's serviceUrl (OUTBOUND_TIMEOUT_MS). */
  timeoutMs: number;
}

const SDK_RETRY_POLICY = 'defaultRetryPolicy';
const SAFE_CODE = /^[A-Za-z0-9_.-]{1,64}$/;

export function createProactiveSender(o: ProactiveSenderOptions): ProactiveSender & {
  /** False once the SDK's retry policy could not be removed (then it multiplies requests). */
  sdkRetriesDisabled(): boolean;
} {
  const adapter = () => (typeof o.adapter === 'function' ? o.adapter() : o.adapter);
  let retriesDisabled = true;
  let warned = false;

  const disableSdkRetries = (context: TurnContext) => {
    const connector: unknown = context.turnState.get(adapter().ConnectorClientKey);
    // ServiceClientContext keeps the @azure/core-client ServiceClient in a private `client`.
    const pipeline = (connector as { client?: { pipeline?: unknown } } | undefined)?.client
      ?.pipeline as
      | {
          getOrderedPolicies(): { name: string }[];
          removePolicy(o: { name: string }): unknown;
        }
      | undefined;
    if (
      pipeline &&
      typeof pipeline.removePolicy === 'function' &&
      typeof pipeline.getOrderedPolicies === 'function'
    ) {
      pipeline.removePolicy({ name: SDK_RETRY_POLICY });
      if (!pipeline.getOrderedPolicies().some((p) => p.name === SDK_RETRY_POLICY)) return;
    }
    retriesDisabled = false;
    if (!warned) {
      warned = true;
      o.log.warn('could not turn off the SDK retry policy: each attempt may make 4 requests');
    }
  };

  return {
    sdkRetriesDisabled: () => retriesDisabled,
    async send(reference: Readonly<Record<string, unknown>>, payload: OutboxPayload) {
      let result: SendResult | undefined;
      try {
        // The stored reference is opaque JSON to the domain; it came from getConversationReference.
        await adapter().continueConversationAsync(o.botAppId, reference, async (context) => {
          disableSdkRetries(context);
          limitOutbound(context, adapter().ConnectorClientKey, o.timeoutMs);
          // A new post (sendToConversation), not a reply to the continuation event's made-up id.
          context.onSendActivities(async (_ctx, activities, next) => {
            for (const activity of activities) delete activity.replyToId;
            return next();
          });
          // Errors are caught here: escaping, they would reach onTurnError, which writes an
          // error message into the very conversation that failed.
          try {
            const response = await context.sendActivity(toActivity(payload));
            result = { ok: true, ...(response?.id && { activityId: response.id }) };
          } catch (e) {
            result = toFailure(e, o.clock.now());
          }
        });
      } catch (e) {
        result = toFailure(e, o.clock.now());
      }
      return result ?? { ok: false, status: 0, code: 'noResult' };
    },
  };
}

function toActivity(payload: OutboxPayload) {
  if (payload.card) {
    const activity = MessageFactory.attachment(CardFactory.adaptiveCard(payload.card));
    if (payload.text) activity.text = payload.text;
    return activity;
  }
  return MessageFactory.text(payload.text ?? '');
}

interface HttpishError {
  statusCode?: unknown;
  code?: unknown;
  response?: { status?: unknown; headers?: { get?(name: string): string | undefined } };
}

/** A thrown SDK error → status, Retry-After and a code that is safe to log (never a message). */
export function toFailure(error: unknown, now: Date): SendResult {
  const e = (typeof error === 'object' && error !== null ? error : {}) as HttpishError;
  const status =
    typeof e.statusCode === 'number'
      ? e.statusCode
      : typeof e.response?.status === 'number'
        ? e.response.status
        : 0;
  const code = typeof e.code === 'string' && SAFE_CODE.test(e.code) ? e.code : undefined;
  const retryAfterMs = parseRetryAfter(e.response?.headers?.get?.('retry-after'), now);
  return {
    ok: false,
    status,
    ...(retryAfterMs !== undefined && { retryAfterMs }),
    ...(code && { code }),
  };
}

/** Retry-After is either seconds or an HTTP date. */
export function parseRetryAfter(value: string | undefined, now: Date): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime());
}
