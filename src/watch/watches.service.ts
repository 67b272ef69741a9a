import { createHash, randomBytes } from 'node:crypto';
import { asReadBy, caseAccess, caseScope, requireCaseRead, requireCaseWrite } from '../access/access.service.ts';
import { KeyedQueue, lockoutMs, secondsUntil, ShadowLockouts } from '../auth/attempt-limits.ts';
import type { Principal } from '../auth/roles.ts';
import { InvalidInputError, NotFoundError, RetractedRecordError, UnprocessableError } from '../lib/errors.ts';
import { newId } from '../lib/ids.ts';
import { findCaseOfPerson } from '../persons/persons.repository.ts';
import { recordChange } from '../records/changes.ts';
import { decodeKeyCursor, pageOf } from '../records/list-cursor.ts';
import { diffChanges } from '../records/versioning.ts';
import type { ServiceContext } from '../services.ts';
import { insertInboundSenders } from './channels.repository.ts';
import { contactTimeProblem, latestContact, parseDuration } from './deadlines.ts';
import { messageTime, normaliseSender, type InboundGateway } from './inbound.ts';
import { hashPin, matchPin, pinProblem } from './pins.ts';
import { scheduleFields, watchDeadline, type ScheduleInput } from './schedule.ts';
import { loadSenderKey } from './sender-key.ts';
import {
  advanceLastContact,
  clearPinFailures,
  findCheckinById,
  findWatchById,
  findWatchBySecretHash,
  findWatchForUpdate,
  insertCheckin,
  insertWatch,
  listCheckinRows,
  listWatchRows,
  reservePinAttempt,
  watchSortKey,
  type WatchForCheckin,
} from './watches.repository.ts';
import type { ContactInput, CreateWatchInput, ListWatchesQuery } from './watches.schemas.ts';
import type { Checkin, CheckinChannel, EscalationTier, NotifyTarget, Watch, WatchScheduleFields } from './watches.types.ts';

/** Fields no revision and no audit entry ever carries a value of (recorded as "changed" only). */
const SECRET_IN_HISTORY = ['pin', 'duress_pin', 'escalation', 'inbound'] as const;
/** What a reader without the right to secrets, and every list, goes without. */
export const WATCH_SECRET_FIELDS = ['escalation'] as const;

/** The check-in link's secret: 256 random bits, as base64url (43 characters). */
const SECRET_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export function hashCheckinSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

function duration(field: string, text: string, options: { allowZero?: boolean } = {}): number {
  const parsed = parseDuration(text, options);
  if (!parsed.ok) throw new InvalidInputError(`${field} ${parsed.problem}`, { [field]: parsed.problem });
  return parsed.seconds;
}

/** A schedule as given, checked (exactly one of interval and times, a known zone, sound rest periods), or a 400 naming each field. */
export function checkedSchedule(input: ScheduleInput): WatchScheduleFields {
  const result = scheduleFields(input);
  if (result.ok) return result.fields;
  const [field, problem] = Object.entries(result.problems)[0]!;
  throw new InvalidInputError(`${field} ${problem}`, result.problems);
}

function escalationPlan(input: CreateWatchInput['escalation']): EscalationTier[] {
  return input.map((tier, index) => ({
    after: tier.after,
    after_seconds: duration(`escalation.${index}.after`, tier.after, { allowZero: true }),
    ack_within: tier.ack_within,
    ack_within_seconds: duration(`escalation.${index}.ack_within`, tier.ack_within),
    notify: tier.notify.map((target): NotifyTarget => ('email' in target ? { email: target.email.trim().toLowerCase() } : { webhook: target.webhook, secret: target.secret })),
  }));
}

/** The senders who may check in by message, each once, as the keyed hashes the store keeps of them. */
async function inboundSenders(ctx: ServiceContext, input: CreateWatchInput['inbound']): Promise<Array<{ gateway: InboundGateway; sender_hash: string }>> {
  if (!input?.length) return [];
  const key = await loadSenderKey(ctx);
  const hashes = new Map<string, { gateway: InboundGateway; sender_hash: string }>();
  for (const [index, entry] of input.entries()) {
    const sender = normaliseSender(entry.gateway, entry.from);
    if (!sender) {
      const problem = entry.gateway === 'telegram' ? 'is no Telegram id or username' : 'is no phone number in international form';
      throw new InvalidInputError(`inbound.${index}.from ${problem}`, { [`inbound.${index}.from`]: problem });
    }
    const sender_hash = key.hash(entry.gateway, sender);
    hashes.set(`${entry.gateway}:${sender_hash}`, { gateway: entry.gateway, sender_hash });
  }
  return [...hashes.values()];
}

/** A watch as stored, for the services' own use: no access check. */
async function loadWatch(ctx: ServiceContext, id: string): Promise<Watch> {
  const watch = await findWatchById(ctx.db, ctx.cipher, id);
  if (!watch) throw new NotFoundError('watch');
  return watch;
}

function hideSecrets(watch: Watch): Watch {
  return { ...watch, escalation: null, secrets_hidden: true };
}

export async function getWatch(ctx: ServiceContext, principal: Principal, id: string): Promise<Watch> {
  const watch = await loadWatch(ctx, id);
  const access = await requireCaseRead(ctx, principal, watch.case_id, 'watch');
  return asReadBy(ctx, principal, watch, access, { entity: 'watch', caseId: watch.case_id, secretFields: WATCH_SECRET_FIELDS, hide: hideSecrets });
}

/** A watch named on another page (the dashboard, an alert, the person page): readable or "not found", never with recipients, so no secret read. */
export async function getWatchSummary(ctx: ServiceContext, principal: Principal, id: string): Promise<Watch> {
  const watch = await loadWatch(ctx, id);
  await requireCaseRead(ctx, principal, watch.case_id, 'watch');
  return hideSecrets(watch);
}

/** The latest check-ins of a watch the principal may read, newest first. */
export async function listWatchCheckins(ctx: ServiceContext, principal: Principal, watchId: string, limit = 20): Promise<Checkin[]> {
  const watch = await loadWatch(ctx, watchId);
  await requireCaseRead(ctx, principal, watch.case_id, 'watch');
  return listCheckinRows(ctx.db, ctx.cipher, watchId, Math.min(Math.max(limit, 1), 200));
}

/** A live person the principal may read, or a 422 naming the field (someone they may not read "does not exist"). */
async function caseOfReadablePerson(ctx: ServiceContext, principal: Principal, personId: string, field: string): Promise<string> {
  const found = await findCaseOfPerson(ctx.db, personId);
  if (!found || found.retracted || !(await caseAccess(ctx, principal, found.case_id)).read) {
    throw new UnprocessableError(`${field} names no person, or a retracted one`, { [field]: 'names no person, or a retracted one' });
  }
  return found.case_id;
}

/**
 * A watch is filed under its person's case; whoever sets it up must be able to change that case.
 * The answer carries the check-in link's secret, the only time it is ever shown.
 */
export async function createWatch(ctx: ServiceContext, principal: Principal, input: CreateWatchInput): Promise<{ watch: Watch; checkinSecret: string }> {
  const schedule = checkedSchedule(input);
  for (const field of ['pin', 'duress_pin'] as const) {
    const problem = pinProblem(input[field]);
    if (problem) throw new InvalidInputError(`${field} ${problem}`, { [field]: problem });
  }
  if (input.pin.normalize('NFC') === input.duress_pin.normalize('NFC')) {
    throw new InvalidInputError('the duress PIN must differ from the PIN', { duress_pin: 'must differ from the PIN' });
  }
  const escalation = escalationPlan(input.escalation);
  const proxies = input.proxies ?? [];
  if (proxies.includes(input.person_id)) throw new InvalidInputError('the person checks in herself; she is not her own proxy', { proxies: 'names the person herself' });

  const caseId = await caseOfReadablePerson(ctx, principal, input.person_id, 'person_id');
  await requireCaseWrite(ctx, principal, caseId, 'person');
  for (const [index, proxy] of proxies.entries()) await caseOfReadablePerson(ctx, principal, proxy, `proxies.${index}`);
  const senders = await inboundSenders(ctx, input.inbound);

  const [pinHash, duressHash] = await Promise.all([hashPin(input.pin), hashPin(input.duress_pin)]);
  const secret = randomBytes(32).toString('base64url');
  const id = newId();
  const now = ctx.clock.now();
  const at = now.toISOString();
  const deadline = watchDeadline({ ...schedule, travel: null, last_contact_at: null, counting_from: at }).toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    await insertWatch(trx, ctx.cipher, {
      id,
      case_id: caseId,
      person_id: input.person_id,
      ...schedule,
      proxies,
      pin_hash: pinHash,
      duress_pin_hash: duressHash,
      checkin_secret_hash: hashCheckinSecret(secret),
      escalation,
      next_deadline: deadline,
      at,
    });
    await insertInboundSenders(trx, id, senders, at);
    await recordChange(ctx, trx, {
      case_id: caseId,
      entity: 'watch',
      entity_id: id,
      version: 1,
      action: 'create',
      actor: principal.actor,
      at,
      changes: diffChanges(
        null,
        {
          person_id: input.person_id,
          interval: schedule.interval,
          times: schedule.times,
          time_zone: schedule.time_zone,
          rest: schedule.rest.length > 0 ? schedule.rest : null,
          grace: schedule.grace,
          proxies,
          escalation: true,
          pin: true,
          duress_pin: true,
          state: 'active',
          inbound: senders.length > 0 || null,
          next_deadline: deadline,
        },
        SECRET_IN_HISTORY,
      ),
      reason: null,
    });
  });
  return { watch: await loadWatch(ctx, id), checkinSecret: secret };
}

/** Watches of the cases the principal may read, soonest deadline first; never with recipients. */
export async function listWatches(ctx: ServiceContext, principal: Principal, query: ListWatchesQuery): Promise<{ items: Watch[]; next_cursor: string | null }> {
  const limit = query.limit ?? 50;
  const keys = decodeKeyCursor(query.cursor, 2);
  const rows = await listWatchRows(ctx.db, ctx.cipher, {
    personId: query.person_id,
    state: query.state,
    after: keys ? [keys[0]!, keys[1]!] : undefined,
    limit,
    scope: caseScope(ctx, principal),
  });
  const page = pageOf(rows, limit, watchSortKey);
  return { items: page.items.map(hideSecrets), next_cursor: page.next_cursor };
}

/**
 * One check-in, its revision and audit entry, and the watch moved forward, in one transaction; the
 * deadline is computed from the watch as locked there, so a schedule change in between is not lost.
 */
async function recordCheckin(
  ctx: ServiceContext,
  watch: Pick<Watch, 'id' | 'case_id'>,
  checkin: { at: Date; channel: CheckinChannel; by_person_id: string | null; kind: 'ok' | 'duress'; note: string | null; actor: string; clearPinFailures?: boolean },
): Promise<Checkin> {
  const id = newId();
  const recordedAt = ctx.clock.now().toISOString();
  const row: Checkin = {
    id,
    watch_id: watch.id,
    case_id: watch.case_id,
    at: checkin.at.toISOString(),
    recorded_at: recordedAt,
    channel: checkin.channel,
    by_person_id: checkin.by_person_id,
    kind: checkin.kind,
    note: checkin.note,
  };
  await ctx.db.transaction().execute(async (trx) => {
    const current = await findWatchForUpdate(trx, ctx.cipher, ctx.dialect, watch.id);
    if (!current) throw new NotFoundError('watch');
    if (checkin.clearPinFailures) await clearPinFailures(trx, watch.id);
    await insertCheckin(trx, ctx.cipher, row);
    const counted = latestContact(current.last_contact_at ? new Date(current.last_contact_at) : null, checkin.at).toISOString();
    if (counted !== current.last_contact_at) {
      const deadline = watchDeadline({ ...current, last_contact_at: counted });
      await advanceLastContact(trx, watch.id, counted, deadline.toISOString());
    }
    await recordChange(ctx, trx, {
      case_id: watch.case_id,
      entity: 'checkin',
      entity_id: id,
      version: 1,
      action: 'create',
      actor: checkin.actor,
      at: recordedAt,
      changes: diffChanges(null, { watch_id: watch.id, at: row.at, channel: row.channel, by_person_id: row.by_person_id, kind: row.kind, note: row.note }),
      reason: null,
    });
  });
  return row;
}

/**
 * Contact a proxy or case worker reports (a call, a message, a meeting), at the time it happened.
 * Who made it must be the person or one of her proxies; an older report never pulls the deadline back.
 */
export async function reportContact(ctx: ServiceContext, principal: Principal, watchId: string, input: ContactInput): Promise<{ checkin: Checkin; watch: Watch }> {
  const watch = await loadWatch(ctx, watchId);
  await requireCaseWrite(ctx, principal, watch.case_id, 'watch');
  if (watch.retracted_at) throw new RetractedRecordError('this watch');
  if (watch.state === 'ended') throw new UnprocessableError('this watch has ended', { watch: 'has ended' });
  const at = new Date(input.at);
  const problem = contactTimeProblem(at, ctx.clock.now(), new Date(watch.created_at));
  if (problem) throw new InvalidInputError(`at ${problem}`, { at: problem });
  const by = input.by_person_id ?? null;
  if (by !== null && by !== watch.person_id && !watch.proxies.includes(by)) {
    throw new UnprocessableError('by_person_id must be the person or one of the watch’s proxies', { by_person_id: 'is neither the person nor a proxy' });
  }
  const checkin = await recordCheckin(ctx, watch, { at, channel: input.channel, by_person_id: by, kind: 'ok', note: input.note ?? null, actor: principal.actor });
  return { checkin: (await findCheckinById(ctx.db, ctx.cipher, checkin.id))!, watch: await loadWatch(ctx, watchId) };
}

/** Per-process guards of the check-in page: one attempt at a time per link, and lockouts for links that do not exist. */
export interface CheckinGuard {
  queue: KeyedQueue;
  unknownLinks: ShadowLockouts;
}

export function createCheckinGuard(): CheckinGuard {
  return { queue: new KeyedQueue(), unknownLinks: new ShadowLockouts() };
}

export type PageCheckinResult = { result: 'recorded' } | { result: 'refused' } | { result: 'locked'; retryAfterSeconds: number };

const REFUSED: PageCheckinResult = { result: 'refused' };

/**
 * What a right PIN sets off on its watch, given which of the two it was: a check-in, an SOS or its
 * cancel (src/watch/sos.service.ts). It clears the watch's PIN failures in its own transaction.
 */
export type PinAction = (ctx: ServiceContext, watch: Watch, match: 'ok' | 'duress') => Promise<void>;

/** The person's check-in by `channel`, at the time the message says it was sent (within reason), else now. */
export function checkInBy(channel: CheckinChannel, actor: string, sentAt?: Date): PinAction {
  return async (ctx, watch, match) => {
    const at = messageTime(sentAt, ctx.clock.now(), new Date(watch.created_at));
    await recordCheckin(ctx, watch, { at, channel, by_person_id: watch.person_id, kind: match, note: null, actor, clearPinFailures: true });
  };
}

const checkInOnPage = checkInBy('page', 'checkin:page');

/**
 * How a PIN attempt finds its watch: by the link's secret, or by an inbound sender. `key` (a hash)
 * serialises the attempts in this process and keys the lockouts of doors that lead to no watch.
 */
export interface PinDoor {
  key: string;
  find(): Promise<WatchForCheckin | null>;
}

/**
 * The person's own check-in with her PIN (or, given `action`, her SOS or its cancel). The duress PIN
 * takes the very same path with `match` saying `duress`, so nothing observable tells the two apart.
 */
export async function checkInWithPin(ctx: ServiceContext, guard: CheckinGuard, secret: string, pin: string, action: PinAction = checkInOnPage): Promise<PageCheckinResult> {
  const secretHash = hashCheckinSecret(secret);
  const door: PinDoor = { key: secretHash, find: async () => (SECRET_SHAPE.test(secret) ? findWatchBySecretHash(ctx.db, ctx.cipher, secretHash) : null) };
  return attemptWithPin(ctx, guard, door, pin, action);
}

/**
 * One PIN attempt at a watch, by any channel, under one lockout per watch. A door that leads to no
 * watch (or to one that no longer works) is refused and locked out exactly as a wrong PIN would be.
 */
export async function attemptWithPin(ctx: ServiceContext, guard: CheckinGuard, door: PinDoor, pin: string, action: PinAction): Promise<PageCheckinResult> {
  return guard.queue.run(door.key, async () => {
    const found = await door.find();
    const watch = found && !found.retracted && found.state !== 'ended' ? found : null;
    if (!watch) return refuseUnknownLink(ctx, guard, door.key, pin);
    const reserved = await reserveAttempt(ctx, watch, door);
    if (reserved.result === 'locked') return reserved;
    const match = await matchPin(pin, { pin: watch.pin_hash, duress: watch.duress_pin_hash });
    if (!match) return REFUSED;
    const current = await findWatchById(ctx.db, ctx.cipher, watch.id);
    if (!current) return REFUSED;
    await action(ctx, current, match);
    return { result: 'recorded' };
  });
}

async function refuseUnknownLink(ctx: ServiceContext, guard: CheckinGuard, key: string, pin: string): Promise<PageCheckinResult> {
  const now = ctx.clock.now().getTime();
  const wait = guard.unknownLinks.lockedFor(key, now);
  if (wait) return { result: 'locked', retryAfterSeconds: wait };
  // The same two derivations a real watch costs.
  await matchPin(pin, { pin: null, duress: null });
  guard.unknownLinks.fail(key, now);
  return REFUSED;
}

/**
 * Counts the attempt as a failure (with the lock a failure earns) before the PIN is looked at; a
 * right PIN clears it. A locked watch is refused without checking the PIN, right or wrong alike.
 */
async function reserveAttempt(ctx: ServiceContext, first: WatchForCheckin, door: PinDoor): Promise<{ result: 'reserved' } | { result: 'locked'; retryAfterSeconds: number }> {
  let watch: WatchForCheckin | null = first;
  for (let attempt = 0; attempt < 5 && watch; attempt++) {
    const now = ctx.clock.now().getTime();
    const lockedUntil = watch.locked_until ? Date.parse(watch.locked_until) : 0;
    if (lockedUntil > now) return { result: 'locked', retryAfterSeconds: secondsUntil(lockedUntil, now) };
    const lock = lockoutMs(watch.failed_pins + 1);
    if (await reservePinAttempt(ctx.db, watch.id, watch.failed_pins, lock ? new Date(now + lock).toISOString() : null)) return { result: 'reserved' };
    // Another process counted an attempt in between: read the count again.
    watch = await door.find();
  }
  return { result: 'locked', retryAfterSeconds: 1 };
}
