import type { TurnContext } from 'botbuilder';

/**
 * Calls to a conversation's serviceUrl (a turn's replies, a proactive post) with a deadline.
 *
 * botbuilder's ConnectorClient sends through an @azure/core-rest-pipeline pipeline with no
 * request timeout and a retry policy (3 more attempts with backoff for network errors and
 * 5xx): a serviceUrl that accepts a connection and never answers held a turn indefinitely, one
 * that refuses held it for seconds of retries. A policy placed before the retry policy gives
 * every request of one turn (or one proactive send) one shared deadline: each attempt is
 * aborted when it passes, the retry policy stops (it honours the abort signal), and the call
 * fails with `OutboundTimeoutError`.
 */
export class OutboundTimeoutError extends Error {
  /** Safe to log and to keep as the outbox's failure code. */
  readonly code = 'outboundTimeout';

  constructor(readonly timeoutMs: number) {
    super(`no answer from the conversation's service within ${timeoutMs} ms`);
    this.name = 'OutboundTimeoutError';
  }
}

export const isOutboundTimeout = (e: unknown): e is OutboundTimeoutError =>
  e instanceof OutboundTimeoutError;

const POLICY = 'samverkanOutboundDeadline';

interface PipelineRequestLike {
  abortSignal?: unknown;
  timeout: number;
}
interface PipelineLike {
  addPolicy(policy: {
    name: string;
    sendRequest(
      req: PipelineRequestLike,
      next: (req: PipelineRequestLike) => Promise<unknown>,
    ): Promise<unknown>;
  }): void;
  removePolicy(o: { name: string }): unknown;
}

/**
 * Puts the deadline (starting with the first call) on the connector client of this turn context. Returns false
 * when the SDK's client has no pipeline where it used to be (then calls run without it).
 */
export function limitOutbound(
  context: TurnContext,
  connectorKey: symbol | string,
  timeoutMs: number,
): boolean {
  const connector: unknown = context.turnState.get(connectorKey);
  // ServiceClientContext keeps the @azure/core-client ServiceClient in a private `client`.
  const pipeline = (connector as { client?: { pipeline?: Partial<PipelineLike> } } | undefined)
    ?.client?.pipeline;
  if (typeof pipeline?.addPolicy !== 'function' || typeof pipeline.removePolicy !== 'function')
    return false;
  // The budget starts with the first call (not with the turn: its own work does not count).
  let deadline: AbortSignal | undefined;
  pipeline.removePolicy({ name: POLICY });
  pipeline.addPolicy({
    name: POLICY,
    sendRequest: async (request, next) => {
      deadline ??= AbortSignal.timeout(timeoutMs);
      if (deadline.aborted) throw new OutboundTimeoutError(timeoutMs);
      const own = request.abortSignal;
      request.abortSignal =
        own instanceof AbortSignal ? AbortSignal.any([own, deadline]) : deadline;
      request.timeout = request.timeout > 0 ? Math.min(request.timeout, timeoutMs) : timeoutMs;
      try {
        return await next(request);
      } catch (e) {
        if (deadline?.aborted) throw new OutboundTimeoutError(timeoutMs);
        throw e;
      }
    },
  });
  return true;
}
