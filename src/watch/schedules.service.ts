import { requireCaseWrite } from '../access/access.service.ts';
import type { Principal } from '../auth/roles.ts';
import { InvalidInputError, NotFoundError, RetractedRecordError, StaleVersionError, StateConflictError, UnprocessableError } from '../lib/errors.ts';
import { recordChange } from '../records/changes.ts';
import { assertCurrentVersion, diffChanges } from '../records/versioning.ts';
import type { ServiceContext } from '../services.ts';
import { MAX_DURATION_SECONDS, parseDuration } from './deadlines.ts';
import { activeTravel, watchDeadline, type ScheduleInput } from './schedule.ts';
import type { TravelInput, UpdateWatchInput } from './schedules.schemas.ts';
import { findWatchById, findWatchForUpdate, updateWatchSchedule, type WatchScheduleChange } from './watches.repository.ts';
import { checkedSchedule, getWatch } from './watches.service.ts';
import type { Watch, WatchTravel } from './watches.types.ts';

/** The fields of a watch's history a schedule change can touch (the travel note is sealed in revisions like every note). */
function historyOf(watch: Watch, now: Date) {
  const travel = activeTravel(watch.travel, now);
  return {
    interval: watch.interval,
    times: watch.times,
    time_zone: watch.time_zone,
    rest: watch.rest,
    grace: watch.grace,
    state: watch.state,
    travel: travel && { until: travel.until, interval: travel.interval, note: travel.note },
    next_deadline: watch.next_deadline,
  };
}

/**
 * Runs a change of a watch's schedule in one transaction: the watch read and locked there (so a
 * check-in in between is counted), refused if retracted, ended or not at the expected version;
 * `decide` returns the change, or null for none; the revision and audit entry go with it.
 */
async function changeSchedule(
  ctx: ServiceContext,
  principal: Principal,
  id: string,
  expected: number | undefined,
  decide: (watch: Watch, now: Date) => WatchScheduleChange | null,
): Promise<Watch> {
  const first = await findWatchById(ctx.db, ctx.cipher, id);
  if (!first) throw new NotFoundError('watch');
  await requireCaseWrite(ctx, principal, first.case_id, 'watch');
  await ctx.db.transaction().execute(async (trx) => {
    const watch = await findWatchForUpdate(trx, ctx.cipher, ctx.dialect, id);
    if (!watch) throw new NotFoundError('watch');
    if (watch.retracted_at) throw new RetractedRecordError('this watch');
    if (watch.state === 'ended') throw new UnprocessableError('this watch has ended; set up a new one', { watch: 'has ended' });
    if (expected !== undefined) assertCurrentVersion(watch.version, expected);
    const now = ctx.clock.now();
    const change = decide(watch, now);
    if (!change) return;
    const after: Watch = {
      ...watch,
      ...(change.schedule ?? {}),
      state: change.state ?? watch.state,
      travel: change.travel === undefined ? watch.travel : change.travel,
      next_deadline: change.next_deadline ?? watch.next_deadline,
    };
    const changes = diffChanges(historyOf(watch, now), historyOf(after, now));
    if (Object.keys(changes).length === 0) return;
    const at = now.toISOString();
    if (!(await updateWatchSchedule(trx, ctx.cipher, id, watch.version, at, change))) throw new StaleVersionError(watch.version + 1, watch.version);
    await recordChange(ctx, trx, {
      case_id: watch.case_id,
      entity: 'watch',
      entity_id: id,
      version: watch.version + 1,
      action: 'update',
      actor: principal.actor,
      at,
      changes,
      reason: null,
    });
  });
  return getWatch(ctx, principal, id);
}

/**
 * PATCH: the schedule (interval or times, time zone, grace, rest periods) and the state. A new
 * schedule counts from the last contact as before, but never makes her due before the change;
 * pausing stops deadlines; resuming counts afresh from now; ended is final.
 */
export async function updateWatch(ctx: ServiceContext, principal: Principal, id: string, input: UpdateWatchInput, expected: number): Promise<Watch> {
  if (input.interval !== undefined && input.times !== undefined) {
    throw new InvalidInputError('interval and times exclude each other: give one', { interval: 'and times exclude each other: give one' });
  }
  return changeSchedule(ctx, principal, id, expected, (watch, now) => {
    const touched = (['interval', 'times', 'time_zone', 'grace', 'rest'] as const).some((field) => input[field] !== undefined);
    const switchesToTimes = input.times !== undefined && watch.times === null;
    const merged: ScheduleInput = {
      interval: input.times !== undefined ? undefined : (input.interval ?? watch.interval ?? undefined),
      times: input.interval !== undefined ? undefined : (input.times ?? watch.times ?? undefined),
      // Fixed times without the zone they were meant in would silently be UTC: a switch must name it.
      time_zone: input.time_zone ?? (switchesToTimes ? undefined : watch.time_zone),
      grace: input.grace ?? watch.grace,
      rest: input.rest ?? watch.rest,
    };
    const schedule = touched ? checkedSchedule(merged) : undefined;
    const state = input.state ?? watch.state;
    const resumes = watch.state === 'paused' && state === 'active';
    const change: WatchScheduleChange = { ...(schedule ? { schedule } : {}), ...(state !== watch.state ? { state } : {}) };
    if (resumes) {
      change.counting_from = now.toISOString();
      change.next_deadline = watchDeadline({ ...watch, ...schedule, last_contact_at: null, counting_from: change.counting_from }).toISOString();
    } else if (schedule) {
      change.next_deadline = watchDeadline({ ...watch, ...schedule }, { notBefore: now }).toISOString();
    }
    return change;
  });
}

/**
 * Travel mode: until `until`, the travel interval (counted from the trip's start or a later
 * contact) replaces the schedule; without one no deadline falls before `until`. Afterwards the
 * schedule resumes from the last contact, and she is due at the earliest when the trip ends.
 */
export async function startTravel(ctx: ServiceContext, principal: Principal, id: string, input: TravelInput, expected: number | undefined): Promise<Watch> {
  const until = new Date(input.until);
  const now = ctx.clock.now();
  if (Number.isNaN(until.getTime())) throw new InvalidInputError('until is not a time', { until: 'is not a time' });
  if (until.getTime() <= now.getTime()) throw new InvalidInputError('until lies in the past', { until: 'lies in the past' });
  if (until.getTime() - now.getTime() > MAX_DURATION_SECONDS * 1000) throw new InvalidInputError('until lies more than 366 days ahead', { until: 'lies more than 366 days ahead' });
  let intervalSeconds: number | null = null;
  if (input.interval !== undefined) {
    const parsed = parseDuration(input.interval);
    if (!parsed.ok) throw new InvalidInputError(`interval ${parsed.problem}`, { interval: parsed.problem });
    intervalSeconds = parsed.seconds;
  }
  return changeSchedule(ctx, principal, id, expected, (watch, at) => {
    const travel: WatchTravel = {
      started_at: at.toISOString(),
      until: until.toISOString(),
      interval: input.interval ?? null,
      interval_seconds: intervalSeconds,
      note: input.note ?? null,
    };
    return { travel, next_deadline: watchDeadline({ ...watch, travel }, { notBefore: at }).toISOString() };
  });
}

/** Ends travel mode now: the schedule resumes from the last contact, never due before now. */
export async function endTravel(ctx: ServiceContext, principal: Principal, id: string, expected: number | undefined): Promise<Watch> {
  return changeSchedule(ctx, principal, id, expected, (watch, now) => {
    if (!activeTravel(watch.travel, now)) throw new StateConflictError('this watch is not travelling', watch.state);
    return { travel: null, next_deadline: watchDeadline({ ...watch, travel: null }, { notBefore: now }).toISOString() };
  });
}
