import { parseDuration } from './deadlines.ts';
import type { RestPeriod, Watch, WatchScheduleFields } from './watches.types.ts';

/*
 * When a watch runs out, for every kind of schedule: an interval, or fixed wall-clock times in the
 * person's time zone; rest periods during which she is never due; travel mode. Pure functions over
 * instants; time zones come from the runtime's ICU data through Intl (Node ships full ICU, and
 * Intl's answers are all these rules need, so no time-zone library).
 */

export interface Schedule {
  /** Set for an interval schedule; null when `times` is. */
  interval_seconds: number | null;
  /** Local wall-clock check-in times (HH:MM), sorted; null for an interval schedule. */
  times: string[] | null;
  time_zone: string;
  grace_seconds: number;
  rest: RestPeriod[];
}

/** A trip: from its start until `until`, a travel interval (or, with none, no deadline at all) replaces the schedule. */
export interface Travel {
  started_at: Date;
  until: Date;
  interval_seconds: number | null;
}

/** How early a check-in may come and still count for the fixed time ahead of it (at most half the gap to the time before). */
export const EARLY_CHECKIN_SECONDS = 3600;
export const MAX_TIMES = 24;
export const MAX_REST_PERIODS = 4;

const MINUTES_PER_DAY = 1440;
const DAY_MS = 86_400_000;
const LOCAL_TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** Minutes since local midnight of an `HH:MM` time, or null. */
export function parseLocalTime(text: string): number | null {
  const match = LOCAL_TIME.exec(text);
  return match ? Number(match[1]) * 60 + Number(match[2]) : null;
}

function minutesOf(text: string): number {
  const minutes = parseLocalTime(text);
  if (minutes === null) throw new Error(`not a local time: ${text}`);
  return minutes;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(zone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    if (formatters.size > 500) formatters.clear();
    formatters.set(zone, formatter);
  }
  return formatter;
}

/**
 * The IANA zone name to store for `text`, or null if the runtime knows no such zone. Spelling is
 * kept (Europe/Kyiv stays Europe/Kyiv, not ICU's Europe/Kiev); only its case is corrected.
 */
export function timeZoneName(text: string): string | null {
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]{0,63}$/.test(text)) return null;
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat('en-US', { timeZone: text }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
  return resolved.toLowerCase() === text.toLowerCase() ? resolved : text;
}

export interface LocalDate {
  year: number;
  month: number;
  day: number;
}

/** The wall clock in `zone` at an instant: its date and the seconds since local midnight. */
export function wallClock(at: Date, zone: string): LocalDate & { seconds: number } {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(zone).formatToParts(at)) if (part.type !== 'literal') parts[part.type] = Number(part.value);
  return { year: parts.year!, month: parts.month!, day: parts.day!, seconds: parts.hour! * 3600 + parts.minute! * 60 + parts.second! };
}

/** How far the zone's clock is ahead of UTC at an instant, in ms (whole seconds). */
function offsetMs(at: number, zone: string): number {
  const wall = wallClock(new Date(at), zone);
  return Date.UTC(wall.year, wall.month - 1, wall.day) + wall.seconds * 1000 - Math.floor(at / 1000) * 1000;
}

function addDays(date: LocalDate, days: number): LocalDate {
  const moved = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: moved.getUTCFullYear(), month: moved.getUTCMonth() + 1, day: moved.getUTCDate() };
}

/**
 * The instants at which the clock in `zone` shows `seconds` past midnight on `date`, earliest first:
 * one, or two when clocks go back (the hour repeats). A time that clocks skip when they go forward
 * gets the first instant after the gap: the moment they jump.
 */
export function localInstants(date: LocalDate, seconds: number, zone: string): Date[] {
  const local = Date.UTC(date.year, date.month - 1, date.day) + seconds * 1000;
  // No zone changes its offset twice within two days, so the offsets a day either side are the candidates.
  const before = offsetMs(local - DAY_MS, zone);
  const after = offsetMs(local + DAY_MS, zone);
  const found = [...new Set([before, after])]
    .map((offset) => local - offset)
    .filter((instant) => offsetMs(instant, zone) === local - instant)
    .sort((a, b) => a - b);
  if (found.length > 0) return found.map((instant) => new Date(instant));
  if (after <= before) return [new Date(local - before)];
  // In the gap: find the jump between the last instant on the old offset and the first on the new.
  let low = local - after;
  let high = local - before;
  while (high - low > 1000) {
    const middle = Math.floor((low + high) / 2000) * 1000;
    if (offsetMs(middle, zone) === before) low = middle;
    else high = middle;
  }
  return [new Date(high)];
}

/** The instant of a local date and time; for a time that happens twice, the earlier. */
export function localInstant(date: LocalDate, seconds: number, zone: string): Date {
  return localInstants(date, seconds, zone)[0]!;
}

/** For each fixed time (sorted minutes), how long before it a check-in counts for it, in seconds. */
function earlyWindows(minutes: number[]): number[] {
  return minutes.map((minute, index) => {
    const previous = index === 0 ? minutes[minutes.length - 1]! - MINUTES_PER_DAY : minutes[index - 1]!;
    return Math.min(EARLY_CHECKIN_SECONDS, ((minute - previous) * 60) / 2);
  });
}

/**
 * The first fixed time strictly after `after`. For a check-in (`early`), a fixed time she checked in
 * for shortly before (within its early window) is done, and the next one is due: at 08:50 for the
 * 09:00 check-in, the 21:00 one is next. Each time happens once a day, at its earlier instant when
 * clocks go back.
 */
export function nextFixedTime(after: Date, times: readonly string[], zone: string, options: { early: boolean }): Date {
  const minutes = times.map(minutesOf).sort((a, b) => a - b);
  const windows = earlyWindows(minutes);
  const today = wallClock(after, zone);
  for (let day = -1; day <= 3; day++) {
    const date = addDays(today, day);
    for (const [index, minute] of minutes.entries()) {
      const at = localInstant(date, minute * 60, zone);
      if (at.getTime() <= after.getTime()) continue;
      if (options.early && at.getTime() - windows[index]! * 1000 <= after.getTime()) continue;
      return at;
    }
  }
  throw new Error('no fixed time within three days');
}

/** A rest period is `from` up to, not including, `to`. */
function inPeriod(seconds: number, period: RestPeriod): boolean {
  const from = minutesOf(period.from) * 60;
  const to = minutesOf(period.to) * 60;
  return from < to ? seconds >= from && seconds < to : seconds >= from || seconds < to;
}

/** The instant itself, or, if it lies in a rest period, the first instant after that period ends. */
export function outsideRest(at: Date, rest: readonly RestPeriod[], zone: string): Date {
  let current = at;
  for (let step = 0; step <= rest.length * 2; step++) {
    const wall = wallClock(current, zone);
    const period = rest.find((candidate) => inPeriod(wall.seconds, candidate));
    if (!period) return current;
    const to = minutesOf(period.to) * 60;
    const endsToday = minutesOf(period.from) * 60 < to || wall.seconds < to;
    let end = localInstants(endsToday ? wall : addDays(wall, 1), to, zone).find((instant) => instant.getTime() > current.getTime());
    end ??= localInstant(addDays(wall, endsToday ? 1 : 2), to, zone);
    current = end;
  }
  return current;
}

/**
 * Why a set of fixed times and rest periods cannot be taken, field by field (empty when fine):
 * times well-formed and distinct; rest periods well-formed, not empty, not overlapping, leaving
 * some of the day; no fixed time inside a rest period.
 */
export function scheduleProblems(times: readonly string[] | null, rest: readonly RestPeriod[]): Record<string, string> {
  const problems: Record<string, string> = {};
  if (times) {
    if (times.length === 0) problems.times = 'needs at least one time';
    else if (times.length > MAX_TIMES) problems.times = `takes at most ${MAX_TIMES} times`;
    times.forEach((time, index) => {
      if (parseLocalTime(time) === null) problems[`times.${index}`] = 'is not a local time HH:MM (00:00 to 23:59)';
    });
    if (new Set(times).size !== times.length) problems.times ??= 'names a time twice';
  }
  if (rest.length > MAX_REST_PERIODS) problems.rest = `takes at most ${MAX_REST_PERIODS} periods`;
  const covered = new Uint8Array(MINUTES_PER_DAY);
  rest.forEach((period, index) => {
    const from = parseLocalTime(period.from);
    const to = parseLocalTime(period.to);
    if (from === null || to === null) {
      problems[`rest.${index}`] = 'needs from and to as local times HH:MM';
      return;
    }
    if (from === to) {
      problems[`rest.${index}`] = 'is empty or the whole day: from must differ from to';
      return;
    }
    for (let minute = from; minute !== to; minute = (minute + 1) % MINUTES_PER_DAY) {
      if (covered[minute]) problems[`rest.${index}`] ??= 'overlaps another rest period';
      covered[minute] = 1;
    }
  });
  if (!Object.keys(problems).some((key) => key.startsWith('rest')) && rest.length > 0 && covered.every(Boolean)) {
    problems.rest = 'covers the whole day: leave her some time to check in';
  }
  if (times && !problems.rest) {
    times.forEach((time, index) => {
      const minute = parseLocalTime(time);
      if (minute !== null && covered[minute]) problems[`times.${index}`] ??= 'falls in a rest period';
    });
  }
  return problems;
}

/**
 * When the watch runs out if no contact comes after `from` (the last contact, or the moment the
 * count began: creation, resumption). She is due at the next interval or fixed time; a due moment
 * inside a rest period moves to that period's end, so she has her whole grace period after it.
 * While travelling, the travel interval (counted from the later of `from` and the trip's start)
 * replaces all of that, rest periods included; a trip without one holds every deadline until it
 * ends, and the trip's end is the earliest she is due again. `notBefore`: a change of schedule
 * never makes her due earlier than the change itself.
 */
export function scheduleDeadline(input: { schedule: Schedule; travel: Travel | null; from: Date; fromContact: boolean; notBefore?: Date | null }): Date {
  const { schedule, travel, from } = input;
  const graceMs = schedule.grace_seconds * 1000;
  const notBefore = input.notBefore ? input.notBefore.getTime() : -Infinity;
  if (travel && travel.interval_seconds !== null) {
    const due = Math.max(from.getTime(), travel.started_at.getTime()) + travel.interval_seconds * 1000;
    if (due < travel.until.getTime()) return new Date(Math.max(due, notBefore) + graceMs);
  }
  if (!schedule.times && schedule.interval_seconds === null) throw new Error('a schedule needs an interval or fixed times');
  let due = schedule.times
    ? nextFixedTime(from, schedule.times, schedule.time_zone, { early: input.fromContact }).getTime()
    : from.getTime() + schedule.interval_seconds! * 1000;
  if (travel) due = Math.max(due, travel.until.getTime());
  due = Math.max(due, notBefore);
  return new Date(outsideRest(new Date(due), schedule.rest, schedule.time_zone).getTime() + graceMs);
}

export interface ScheduleInput {
  interval?: string | undefined;
  times?: string[] | undefined;
  time_zone?: string | undefined;
  grace: string;
  rest?: RestPeriod[] | undefined;
}

/**
 * A schedule as given (on creation, or merged with the stored one on a change), checked: exactly
 * one of interval and times; fixed times need their time zone; the zone defaults to UTC otherwise.
 */
export function scheduleFields(input: ScheduleInput): { ok: true; fields: WatchScheduleFields } | { ok: false; problems: Record<string, string> } {
  const problems: Record<string, string> = {};
  const times = input.times ?? null;
  if (input.interval !== undefined && times !== null) problems.interval = 'and times exclude each other: give one';
  if (input.interval === undefined && times === null) problems.interval = 'or times is required: an interval (PT24H) or fixed times (["09:00", "21:00"])';
  let intervalSeconds: number | null = null;
  if (input.interval !== undefined) {
    const parsed = parseDuration(input.interval);
    if (parsed.ok) intervalSeconds = parsed.seconds;
    else problems.interval ??= parsed.problem;
  }
  const grace = parseDuration(input.grace, { allowZero: true });
  if (!grace.ok) problems.grace = grace.problem;
  let zone: string | null = 'UTC';
  if (input.time_zone !== undefined) {
    zone = timeZoneName(input.time_zone);
    if (!zone) problems.time_zone = 'is not a time zone this server knows (IANA names such as Asia/Almaty)';
  } else if (times !== null) {
    problems.time_zone = 'is required with fixed times: the person’s IANA time zone, such as Asia/Almaty';
  }
  const rest = input.rest ?? [];
  Object.assign(problems, scheduleProblems(times, rest), problems);
  if (Object.keys(problems).length > 0 || !grace.ok || !zone) return { ok: false, problems };
  return {
    ok: true,
    fields: {
      interval: input.interval ?? null,
      interval_seconds: intervalSeconds,
      times: times && [...times].sort(),
      time_zone: zone,
      rest: rest.map((period) => ({ from: period.from, to: period.to })),
      grace: input.grace,
      grace_seconds: grace.seconds,
    },
  };
}

type ScheduledWatch = Pick<Watch, 'interval_seconds' | 'times' | 'time_zone' | 'grace_seconds' | 'rest' | 'travel' | 'last_contact_at' | 'counting_from'>;

export function scheduleOf(watch: Omit<ScheduledWatch, 'travel' | 'last_contact_at' | 'counting_from'>): Schedule {
  return { interval_seconds: watch.interval_seconds, times: watch.times, time_zone: watch.time_zone, grace_seconds: watch.grace_seconds, rest: watch.rest };
}

export function travelOf(travel: Watch['travel']): Travel | null {
  return travel ? { started_at: new Date(travel.started_at), until: new Date(travel.until), interval_seconds: travel.interval_seconds } : null;
}

/**
 * The watch's deadline as things stand: counted from the later of its last contact and the moment
 * its count began (creation, resumption), so a contact reported late never pulls it back.
 */
export function watchDeadline(watch: ScheduledWatch, options: { notBefore?: Date } = {}): Date {
  const began = new Date(watch.counting_from);
  const contact = watch.last_contact_at === null ? null : new Date(watch.last_contact_at);
  const fromContact = contact !== null && contact.getTime() >= began.getTime();
  return scheduleDeadline({
    schedule: scheduleOf(watch),
    travel: travelOf(watch.travel),
    from: fromContact ? contact : began,
    fromContact,
    notBefore: options.notBefore ?? null,
  });
}

/** Travel mode while it lasts; null once its end has passed. */
export function activeTravel<T extends { until: string }>(travel: T | null, now: Date): T | null {
  return travel && Date.parse(travel.until) > now.getTime() ? travel : null;
}
