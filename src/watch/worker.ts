import type { ServiceContext } from '../services.ts';
import { runDeadlineSweep, type SweepResult } from './alerts.service.ts';

/** How often the worker looks for passed deadlines and duress check-ins. */
export const WORKER_INTERVAL_MS = 5000;

export interface WorkerOptions {
  intervalMs?: number;
  /** Told about each pass that opened alerts, and about failures (the loop carries on). */
  onSweep?: (result: SweepResult) => void;
  onError?: (error: unknown) => void;
}

export interface Worker {
  /** Stops the loop; resolves once a pass that is running has finished. */
  stop(): Promise<void>;
}

/**
 * Runs runDeadlineSweep now and then every `intervalMs` after the last pass ended, so passes never
 * overlap in one process. The timer is real; what is due is decided by ctx.clock and the database.
 */
export function startWorker(ctx: ServiceContext, options: WorkerOptions = {}): Worker {
  const intervalMs = options.intervalMs ?? WORKER_INTERVAL_MS;
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> = Promise.resolve();

  const pass = async () => {
    try {
      const result = await runDeadlineSweep(ctx);
      if (result.missed || result.duress) options.onSweep?.(result);
    } catch (error) {
      options.onError?.(error);
    }
  };
  const schedule = (delay: number) => {
    if (stopped) return;
    timer = setTimeout(() => {
      timer = null;
      running = pass().then(() => schedule(intervalMs));
    }, delay);
  };
  schedule(0);
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
