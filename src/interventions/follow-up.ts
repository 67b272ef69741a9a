/**
 * Follow-up reminders (issue 7), pure: when an intervention should be chased, and which status
 * moves are allowed. An appeal moves forward only — draft → sent → acknowledged → responded →
 * closed, steps may be skipped — because each status records something that happened (a letter
 * went out, an answer came); "un-sending" one would rewrite history. A mistake is corrected by
 * retracting the intervention and recording it anew.
 */

const STATUS_ORDER = ['draft', 'sent', 'acknowledged', 'responded', 'closed'] as const;

/** Statuses that wait on the addressee: only these are chased. */
export const AWAITING_STATUSES: readonly string[] = ['sent', 'acknowledged'];
/** Statuses after which there is nothing to chase: the follow-up day is cleared. */
const SETTLED_STATUSES: ReadonlySet<string> = new Set(['responded', 'closed']);

/** Days after sending before chasing: a week where a person's safety is at stake, else two. */
const URGENT_TYPES: ReadonlySet<string> = new Set(['wgeid_urgent', 'letter_to_authorities']);
export const FOLLOW_UP_DAYS = { urgent: 7, standard: 14 } as const;
/** A draft older than this is listed on the dashboard as not yet sent. */
export const STALE_DRAFT_DAYS = 7;

export function isBackwardMove(from: string, to: string): boolean {
  return STATUS_ORDER.indexOf(to as never) < STATUS_ORDER.indexOf(from as never);
}

/** `day` (YYYY-MM-DD) plus `days`, in UTC. */
export function addDays(day: string, days: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

export function defaultFollowUp(type: string, sentOn: string): string {
  return addDays(sentOn, URGENT_TYPES.has(type) ? FOLLOW_UP_DAYS.urgent : FOLLOW_UP_DAYS.standard);
}

/**
 * The follow-up day an intervention ends up with after a change: cleared once settled; when it
 * starts waiting on the addressee — enters `sent` or `acknowledged` from any other status, or is
 * created as either — without one given or kept, the send day plus the type's delay; otherwise as
 * given or as it was. The send day (`sentOn`) is the caller's: on creation the intervention's own
 * day, else today; on an update the day the same change sets, else today (UTC, ctx.clock) — a
 * draft's stored day is only when it was drafted or saved, so it does not start the clock.
 */
export function followUpAfter(input: { type: string; before: { status: string; follow_up_on: string | null } | null; status: string; given: string | null | undefined; sentOn: string }): string | null {
  if (SETTLED_STATUSES.has(input.status)) return null;
  const kept = input.given !== undefined ? input.given : (input.before?.follow_up_on ?? null);
  const startsWaiting = AWAITING_STATUSES.includes(input.status) && !AWAITING_STATUSES.includes(input.before?.status ?? '');
  if (startsWaiting && kept === null && input.given === undefined) return defaultFollowUp(input.type, input.sentOn);
  return kept;
}
