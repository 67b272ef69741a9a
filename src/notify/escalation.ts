import type { EscalationTier } from '../watch/watches.types.ts';

/**
 * The escalation rules of DESIGN §6 as plain functions. Tier 1's `after` counts from the alert's
 * opening; each later tier's `after` counts from the moment the previous tier's `ack_within` ran
 * out, counted from when that tier was actually notified (a worker that was down must not shorten
 * anyone's window). An acknowledgement stops further tiers; that is the caller's state check.
 */

export type EscalationDecision =
  /** Notify tier `tier` (1-based) now; the one after falls due at `nextStepAt`, or never (null). */
  | { action: 'notify'; tier: number; nextStepAt: string | null }
  /** Nothing is due yet: look again at `nextStepAt`. */
  | { action: 'wait'; nextStepAt: string }
  /** Every tier was notified: stop. */
  | { action: 'done' };

function plus(at: Date, seconds: number): Date {
  return new Date(at.getTime() + seconds * 1000);
}

/** When tier `tier + 1` falls due once tier `tier` was notified at `notifiedAt`, or null after the last one. */
export function nextTierDue(plan: readonly EscalationTier[], tier: number, notifiedAt: Date): string | null {
  const current = plan[tier - 1];
  const next = plan[tier];
  if (!current || !next) return null;
  return plus(notifiedAt, current.ack_within_seconds + next.after_seconds).toISOString();
}

/**
 * What the worker does for an open alert whose step fell due. `notifiedTiers` tiers are behind it;
 * `stepDueAt` is the time the step was due (the opening, for a fresh alert). `failedForGood` says a
 * delivery of the last notified tier failed for good: then the next tier is due at once.
 */
export function decideEscalation(
  plan: readonly EscalationTier[],
  state: { openedAt: Date; notifiedTiers: number; stepDueAt: Date | null },
  now: Date,
): EscalationDecision {
  const tier = state.notifiedTiers + 1;
  const tierPlan = plan[tier - 1];
  if (!tierPlan) return { action: 'done' };
  // A fresh alert is due "at its opening"; tier 1 itself may be set to wait (after > 0).
  const due = tier === 1 ? plus(state.openedAt, tierPlan.after_seconds) : (state.stepDueAt ?? now);
  if (due.getTime() > now.getTime()) return { action: 'wait', nextStepAt: due.toISOString() };
  return { action: 'notify', tier, nextStepAt: nextTierDue(plan, tier, now) };
}

/** Pauses between delivery attempts; after the last one fails, the delivery has failed for good. */
export const RETRY_DELAYS_SECONDS = [10, 30, 60, 120, 300] as const;
export const MAX_ATTEMPTS = RETRY_DELAYS_SECONDS.length + 1;

/**
 * When to try again after attempt `attempts` failed, or null when it has failed for good. A spread
 * of up to a fifth, fixed per notification, keeps a burst of failures from retrying in lockstep.
 */
export function retryAt(attempts: number, now: Date, spread: number): string | null {
  const delay = RETRY_DELAYS_SECONDS[attempts - 1];
  if (delay === undefined) return null;
  return new Date(now.getTime() + delay * 1000 * (1 + Math.min(Math.max(spread, 0), 1) / 5)).toISOString();
}

/** A number in [0, 1) from an id, the same every time: the notification's own spread. */
export function spreadOf(id: string): number {
  let hash = 0;
  for (let index = 0; index < id.length; index++) hash = (hash * 31 + id.charCodeAt(index)) >>> 0;
  return (hash % 1000) / 1000;
}
