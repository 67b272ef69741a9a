/**
 * The worker's guard against a jump of the system clock. Between passes the wall clock should move
 * as the monotonic clock does; when it jumps (a bad NTP answer, a VM restored from a snapshot),
 * deadlines in the jumped-over stretch would all fire at once, without cause. So a jump is held: the
 * worker keeps counting time by the monotonic clock, and believes the new wall time only once it has
 * held steady for `confirmMs`. A jump that is undone within that time fires nothing.
 */
export interface GuardState {
  trustedMs: number;
  monoMs: number;
  /** Monotonic time the wall clock was first seen off course, while a jump is held. */
  heldSinceMono: number | null;
}

export interface GuardOptions {
  toleranceMs: number;
  confirmMs: number;
}

export const DEFAULT_GUARD: GuardOptions = { toleranceMs: 60_000, confirmMs: 300_000 };

export type GuardEvent = 'jump-held' | 'jump-accepted' | 'jump-undone' | null;

export function guardTime(previous: GuardState | null, wallMs: number, monoMs: number, options: GuardOptions = DEFAULT_GUARD): { state: GuardState; nowMs: number; event: GuardEvent } {
  if (!previous) return { state: { trustedMs: wallMs, monoMs, heldSinceMono: null }, nowMs: wallMs, event: null };
  const expected = previous.trustedMs + (monoMs - previous.monoMs);
  if (Math.abs(wallMs - expected) <= options.toleranceMs) {
    return { state: { trustedMs: wallMs, monoMs, heldSinceMono: null }, nowMs: wallMs, event: previous.heldSinceMono === null ? null : 'jump-undone' };
  }
  const heldSince = previous.heldSinceMono ?? monoMs;
  if (monoMs - heldSince >= options.confirmMs) return { state: { trustedMs: wallMs, monoMs, heldSinceMono: null }, nowMs: wallMs, event: 'jump-accepted' };
  return { state: { trustedMs: expected, monoMs, heldSinceMono: heldSince }, nowMs: expected, event: previous.heldSinceMono === null ? 'jump-held' : null };
}
