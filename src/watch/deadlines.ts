/** The longest duration a watch takes: a year and a day (a leap year's 366 days). */
export const MAX_DURATION_SECONDS = 366 * 86_400;

/** How far in the future a reported contact may lie: clocks of phones and servers differ a little. */
export const CLOCK_SKEW_MS = 60_000;

// P[nW][nD][T[nH][nM][nS]]: years and months have no fixed length, so a deadline cannot rest on them.
const DURATION = /^P(?:(\d{1,6})W)?(?:(\d{1,6})D)?(?:T(?:(\d{1,8})H)?(?:(\d{1,8})M)?(?:(\d{1,9})S)?)?$/;

export type DurationResult = { ok: true; seconds: number } | { ok: false; problem: string };

/**
 * An ISO 8601 duration (`PT24H`, `PT90S`, `P1D`, `P1DT2H`, `P2W`) in seconds. No artificial minimum,
 * so a drill can run in seconds; zero only where `allowZero` says so (an escalation tier's `after`).
 */
export function parseDuration(text: string, options: { allowZero?: boolean } = {}): DurationResult {
  const match = DURATION.exec(text);
  if (!match || text === 'P' || text.endsWith('T')) {
    if (/^P(?:\d+Y)|^P[^T]*\d+M/.test(text)) return { ok: false, problem: 'years and months have no fixed length: give days or weeks (P30D)' };
    return { ok: false, problem: 'is not an ISO 8601 duration such as PT24H, PT90S or P1DT2H' };
  }
  const [weeks, days, hours, minutes, seconds] = match.slice(1).map((part) => Number(part ?? 0)) as [number, number, number, number, number];
  const total = weeks * 604_800 + days * 86_400 + hours * 3600 + minutes * 60 + seconds;
  if (total === 0 && !options.allowZero) return { ok: false, problem: 'must be longer than zero' };
  if (total > MAX_DURATION_SECONDS) return { ok: false, problem: 'may be at most 366 days' };
  return { ok: true, seconds: total };
}

/** When the watch runs out: the last contact, plus the interval, plus the grace period. */
export function nextDeadline(lastContact: Date, schedule: { intervalSeconds: number; graceSeconds: number }): Date {
  return new Date(lastContact.getTime() + (schedule.intervalSeconds + schedule.graceSeconds) * 1000);
}

/**
 * The contact a watch counts from after a new one is reported: the later of the two, so a report
 * of an older call (entered late) never pulls the deadline back.
 */
export function latestContact(current: Date | null, reported: Date): Date {
  return current && current.getTime() >= reported.getTime() ? current : reported;
}

/** Why a reported contact time cannot be taken, or null: not in the future, not before the watch began. */
export function contactTimeProblem(at: Date, now: Date, watchCreated: Date): string | null {
  if (Number.isNaN(at.getTime())) return 'is not a time';
  if (at.getTime() > now.getTime() + CLOCK_SKEW_MS) return 'lies in the future';
  if (at.getTime() < watchCreated.getTime()) return 'is before the watch was set up';
  return null;
}

export function isOverdue(deadline: Date, now: Date): boolean {
  return deadline.getTime() < now.getTime();
}
