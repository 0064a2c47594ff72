import type { Logger } from '../core/logger';

export interface Loop {
  /** Waits for a run in progress, then stops. */
  stop(): Promise<void>;
}

/**
 * Runs `task` every `intervalMs`, never two runs at once (the next starts `intervalMs` after the
 * previous one ended; at once when the run resolved to `{ again: true }`). A failing run is
 * logged and the loop goes on.
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

  const runOnce = async (): Promise<boolean> => {
    try {
      const result = (await task()) as { again?: unknown } | undefined;
      return result?.again === true;
    } catch (e) {
      log.error(
        { loop: name, error: { name: (e as Error).name, code: (e as { code?: unknown }).code } },
        'scheduled run failed',
      );
      return false;
    }
  };
  const schedule = (delayMs: number) => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = runOnce().then((again) => {
        running = undefined;
        schedule(again ? 0 : intervalMs);
      });
    }, delayMs);
    timer.unref();
  };
  schedule(intervalMs);

  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
