import type { ClaimStore } from './claims';
import { claimId, takeClaim } from './claims';
import type { Clock } from './clock';
import type { OperationResult } from './unit-of-work';

/**
 * Once-only card actions. A card that creates something carries a one-time token issued with
 * the card; the operation `op:<tenant>:<user>:<token>` is claimed before the action runs, and the
 * action records its result in the same unit of work as what it creates. A double click, a
 * redelivered activity or a retry after a dropped connection then gets the first result back
 * and creates nothing new. An action that created nothing (a refusal) releases the claim, so the
 * user can correct the card and send it again with the same token.
 */
export interface OperationStore extends ClaimStore {
  result(operationId: string): Promise<OperationResult | null>;
}

export interface OnceOptions {
  /** How long an attempt may hold the operation before another request may take over. */
  leaseMs: number;
  /** How long a concurrent duplicate waits for the first attempt's result. */
  waitMs: number;
  pollMs: number;
  owner: string;
}

export type OnceOutcome<R> =
  { kind: 'ran'; value: R } | { kind: 'replayed'; result: OperationResult } | { kind: 'busy' };

export const operationId = (tenantId: string, userId: string, token: string): string =>
  `op:${tenantId}:${userId}:${token}`;

export class OnceOnly {
  constructor(
    private readonly store: OperationStore,
    private readonly clock: Clock,
    private readonly options: OnceOptions,
    private readonly sleep: (ms: number) => Promise<void> = (ms) =>
      new Promise((resolve) => setTimeout(resolve, ms)),
  ) {}

  /**
   * Runs `attempt` once for the operation, or returns its recorded result. A concurrent duplicate
   * waits (bounded) for the first attempt's result; if the holder died, the duplicate takes over
   * as soon as the holder's lease runs out.
   */
  async run<R>(id: string, attempt: () => Promise<R>): Promise<OnceOutcome<R>> {
    for (let waited = 0; ; waited += this.options.pollMs) {
      const done = await this.store.result(id);
      if (done) return { kind: 'replayed', result: done };
      const seq = await takeClaim(
        this.store,
        id,
        0,
        this.options.owner,
        this.clock.now(),
        this.options.leaseMs,
      );
      if (seq !== null) return this.attempt(id, seq, attempt);
      if (waited >= this.options.waitMs) return { kind: 'busy' };
      await this.sleep(this.options.pollMs);
    }
  }

  private async attempt<R>(
    id: string,
    seq: number,
    attempt: () => Promise<R>,
  ): Promise<OnceOutcome<R>> {
    try {
      return { kind: 'ran', value: await attempt() };
    } finally {
      // Nothing was recorded (refused, or failed before the change): the token may be used again.
      if (!(await this.store.result(id))) await this.store.deleteClaim(claimId(id, seq));
    }
  }
}
