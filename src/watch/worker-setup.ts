import type { Config } from '../config.ts';
import { createDeliveryChannels, DELIVERY_TIMEOUT_MS } from '../notify/channels.ts';
import type { ServiceContext } from '../services.ts';
import type { NoteSigner } from '../vault/signed-note.ts';
import { LEASE_MS, startWorker, type PassResult, type Worker } from './worker.ts';

/** Where the worker reports: the server's logger, or the CLI's output. */
export interface WorkerLog {
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
  error(object: object, message: string): void;
}

/**
 * The worker as `vigil serve` and `vigil worker` run it: mail and webhooks as configured, the
 * heartbeat if a monitor is set. What it logs are counts and times, never a recipient or a URL.
 */
export function startConfiguredWorker(
  ctx: ServiceContext,
  config: Config,
  options: { baseUrl: string; log: WorkerLog; intervalMs?: number; leaseMs?: number; monotonic?: () => number; logSigner?: NoteSigner },
): Worker {
  // One attempt must end well inside the lease, or another worker could send the same notice meanwhile.
  const timeoutMs = Math.min(DELIVERY_TIMEOUT_MS, Math.floor((options.leaseMs ?? LEASE_MS) / 2));
  const channels = createDeliveryChannels({ smtpUrl: config.smtpUrl, mailFrom: config.mailFrom, clock: ctx.clock, timeoutMs });
  const worker = startWorker(ctx, {
    channels,
    baseUrl: config.baseUrl ?? options.baseUrl,
    heartbeat: config.heartbeatUrl ? { url: config.heartbeatUrl } : undefined,
    logSigner: options.logSigner,
    ...(options.intervalMs ? { intervalMs: options.intervalMs } : {}),
    ...(options.leaseMs ? { leaseMs: options.leaseMs } : {}),
    attemptMs: timeoutMs,
    ...(options.monotonic ? { monotonic: options.monotonic } : {}),
    onPass: (result: PassResult) => options.log.info({ worker: result }, 'worker pass'),
    onClockJump: (event, wallMs, trustedMs) => options.log.warn({ event, wall: new Date(wallMs).toISOString(), trusted: new Date(trustedMs).toISOString() }, 'the system clock jumped'),
    onError: (error) => options.log.error({ err: error instanceof Error ? error.message : String(error) }, 'a worker step failed; it runs again'),
  });
  return {
    async stop() {
      await worker.stop();
      channels.close();
    },
  };
}
