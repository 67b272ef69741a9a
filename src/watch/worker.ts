import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { ServiceContext } from '../services.ts';
import type { DeliveryChannels } from '../notify/channels.ts';
import { runDossierStep } from '../notify/dossier.service.ts';
import { findNextDueTime } from '../notify/notifications.repository.ts';
import { runDeliveryStep, runEscalationStep, type DeliveryResult } from '../notify/notify.service.ts';
import { logEarlierRevisions } from '../vault/backfill.ts';
import { integrateLog } from '../vault/log.service.ts';
import type { NoteSigner } from '../vault/signed-note.ts';
import { runDeadlineSweep, type SweepResult } from './alerts.service.ts';
import { DEFAULT_GUARD, guardTime, type GuardEvent, type GuardOptions, type GuardState } from './clock-guard.ts';

/** The longest pause between passes: how late work written by another process can be noticed. */
export const WORKER_INTERVAL_MS = 1000;
/** The shortest pause, so a store that keeps failing is not hammered. */
const MIN_PAUSE_MS = 20;
/** How long a notice a worker took stays its own; longer than any one delivery attempt may take. */
export const LEASE_MS = 60_000;
export const HEARTBEAT_EVERY_MS = 60_000;

export interface PassResult extends SweepResult, DeliveryResult {
  /** Escalation tiers called. */
  tiers: number;
  /** Dossiers released. */
  dossiers: number;
  /** Statements the transparency log took in. */
  logged: number;
}

export interface WorkerOptions {
  channels: DeliveryChannels;
  /** Vigil's public address, for the links in notices. */
  baseUrl: string;
  /** The longest pause between passes; a pass comes sooner when something falls due sooner. */
  intervalMs?: number;
  leaseMs?: number;
  /** The longest one delivery attempt may take: the channels' timeout. */
  attemptMs?: number;
  /** A monitor (healthchecks.io, Uptime Kuma…) that notices when these calls stop: a Vigil that died. */
  heartbeat?: { url: string; everyMs?: number } | undefined;
  /** Signs the transparency log's checkpoints: with it, each pass places the statements that wait (src/vault). */
  logSigner?: NoteSigner | undefined;
  /** Monotonic milliseconds, for the clock-jump guard; tests that move a manual clock pass it in. */
  monotonic?: () => number;
  guard?: GuardOptions;
  /** Told about each pass that did something, about held clock jumps, and about failures (the loop carries on). */
  onPass?: (result: PassResult) => void;
  onClockJump?: (event: Exclude<GuardEvent, null>, wallMs: number, trustedMs: number) => void;
  onError?: (error: unknown) => void;
}

export interface Worker {
  /** Stops the loop; resolves once a pass that is running has finished. */
  stop(): Promise<void>;
}

/** One pass: open alerts for what ran out, call the tiers that fell due, send what is waiting; then the log. */
export async function runWorkerPass(ctx: ServiceContext, options: WorkerOptions & { owner: string }): Promise<PassResult> {
  const sweep = await runDeadlineSweep(ctx);
  const tiers = await runEscalationStep(ctx);
  const dossiers = await runDossierStep(ctx);
  const delivery = await runDeliveryStep(ctx, {
    channels: options.channels,
    owner: options.owner,
    leaseMs: options.leaseMs ?? LEASE_MS,
    baseUrl: options.baseUrl,
    ...(options.attemptMs ? { attemptMs: options.attemptMs } : {}),
  });
  // Last: the alarm never waits for the log.
  let logged = 0;
  if (options.logSigner) {
    await logEarlierRevisions(ctx);
    logged = (await integrateLog(ctx, options.logSigner)).integrated;
  }
  return { ...sweep, tiers, dossiers, ...delivery, logged };
}

function didSomething(result: PassResult): boolean {
  return Object.values(result).some((count) => count > 0);
}

async function beat(url: string): Promise<void> {
  const response = await fetch(url, { method: 'GET', redirect: 'manual', signal: AbortSignal.timeout(10_000), headers: { 'user-agent': 'Vigil' } });
  await response.body?.cancel();
  if (!response.ok) throw new Error(`the heartbeat monitor answered ${response.status}`);
}

/**
 * Runs passes until stopped, never two at once in one process. Everything a pass decides on is in
 * the database, so workers in several processes share the work (their leases and compare-and-sets
 * settle who does what), and a worker killed at any moment leaves nothing lost. The pause after a
 * pass lasts until the next thing falls due, at most `intervalMs`.
 */
export function startWorker(ctx: ServiceContext, options: WorkerOptions): Worker {
  const intervalMs = options.intervalMs ?? WORKER_INTERVAL_MS;
  const monotonic = options.monotonic ?? (() => performance.now());
  const owner = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  let guard: GuardState | null = null;
  let lastBeat = -Infinity;
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> = Promise.resolve();

  // The passes see the guarded time: the wall clock, unless it just jumped.
  const guarded = (): { ctx: ServiceContext; nowMs: number } => {
    const wall = ctx.clock.now().getTime();
    const mono = monotonic();
    const step = guardTime(guard, wall, mono, options.guard ?? DEFAULT_GUARD);
    guard = step.state;
    if (step.event) options.onClockJump?.(step.event, wall, step.nowMs);
    const offset = step.nowMs - wall;
    return { ctx: offset === 0 ? ctx : { ...ctx, clock: { now: () => new Date(ctx.clock.now().getTime() + offset) } }, nowMs: step.nowMs };
  };

  const pass = async (): Promise<number> => {
    try {
      const { ctx: passCtx } = guarded();
      const result = await runWorkerPass(passCtx, { ...options, owner });
      if (didSomething(result)) options.onPass?.(result);
      if (options.heartbeat && monotonic() - lastBeat >= (options.heartbeat.everyMs ?? HEARTBEAT_EVERY_MS)) {
        lastBeat = monotonic();
        // Only after a pass that went through: a worker that runs but cannot work must go quiet.
        beat(options.heartbeat.url).catch((error: unknown) => options.onError?.(error));
      }
      const nowIso = passCtx.clock.now().toISOString();
      const due = await findNextDueTime(ctx.db, nowIso);
      return due ? Math.min(intervalMs, Math.max(MIN_PAUSE_MS, Date.parse(due) - Date.parse(nowIso) + 1)) : intervalMs;
    } catch (error) {
      options.onError?.(error);
      return intervalMs;
    }
  };
  const schedule = (delay: number) => {
    if (stopped) return;
    timer = setTimeout(() => {
      timer = null;
      running = pass().then(schedule);
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
