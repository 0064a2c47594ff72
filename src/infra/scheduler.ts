import type { Logger } from '../core/logger';

export interface Loop {
  /** Waits for a run in progress, then stops. */
  stop(): Promise<void>;
}

/**
 * Runs `task` every `intervalMs`, never two runs at once (the next starts `intervalMs` after the
 * previous one ended). A failing run is logged and the loop goes on.
 */
export function startLoop(
  name: string,
  task: () => Promise<unknown>,
  intervalMs: number,
  log: Logger,
): Loop {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;

  const runOnce = async () => {
    try {
      await task();
    } catch (e) {
      log.error(
        { loop: name, error: { name: (e as Error).name, code: (e as { code?: unknown }).code } },
        'scheduled run failed',
      );
    }
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = runOnce().finally(() => {
        running = undefined;
        schedule();
      });
    }, intervalMs);
    timer.unref();
  };
  schedule();

  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
