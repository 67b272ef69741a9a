/** Where one escalation tier's notice goes: an address, or a signed webhook (its secret is never sent out). */
export type NotifyTarget = { email: string } | { webhook: string; secret: string };

/** One tier of the escalation plan (DESIGN §6); durations as given, and in seconds. */
export interface EscalationTier {
  after: string;
  after_seconds: number;
  ack_within: string;
  ack_within_seconds: number;
  notify: NotifyTarget[];
}

/** A daily rest period in the watch's time zone (local HH:MM); it may run past midnight. */
export interface RestPeriod {
  from: string;
  to: string;
}

/** Travel mode as stored; it is over once `until` has passed. */
export interface WatchTravel {
  started_at: string;
  until: string;
  /** Null: no deadlines at all until `until`. */
  interval: string | null;
  interval_seconds: number | null;
  note: string | null;
}

/** A watch's schedule as stored: an interval or fixed times, the zone of times and rest periods, and grace. */
export interface WatchScheduleFields {
  interval: string | null;
  interval_seconds: number | null;
  times: string[] | null;
  time_zone: string;
  rest: RestPeriod[];
  grace: string;
  grace_seconds: number;
}

export const WATCH_STATES = ['active', 'paused', 'ended'] as const;
export type WatchState = (typeof WATCH_STATES)[number];

/** A check-in arrangement for one at-risk person. PINs and the check-in link never leave the store. */
export interface Watch {
  id: string;
  /** The case it is filed under: that of `person_id`. */
  case_id: string;
  person_id: string;
  /** Null when the watch has fixed check-in `times` instead. */
  interval: string | null;
  interval_seconds: number | null;
  /** Local check-in times (HH:MM), sorted; null for an interval schedule. */
  times: string[] | null;
  /** IANA zone of `times` and `rest`. */
  time_zone: string;
  rest: RestPeriod[];
  grace: string;
  grace_seconds: number;
  travel: WatchTravel | null;
  /** When the count began if no contact came since: creation or resumption. */
  counting_from: string;
  proxies: string[];
  /** Null for a reader without the right to secrets (`secrets_hidden`). */
  escalation: EscalationTier[] | null;
  last_contact_at: string | null;
  next_deadline: string;
  state: WatchState;
  version: number;
  created_at: string;
  updated_at: string;
  retracted_at: string | null;
  retraction_reason: string | null;
  secrets_hidden?: true;
}

export const CHECKIN_CHANNELS = ['page', 'phone_call', 'message', 'meeting', 'other', 'api', 'sms', 'signal', 'telegram'] as const;
export type CheckinChannel = (typeof CHECKIN_CHANNELS)[number];

/**
 * One sign of life: the person's own check-in, or contact a proxy or case worker reports. Also the
 * record of an SOS (kind `sos`), which raises its alert at once and is no sign of life: it does not
 * move the deadline.
 */
export interface Checkin {
  id: string;
  watch_id: string;
  case_id: string;
  at: string;
  recorded_at: string;
  channel: CheckinChannel;
  by_person_id: string | null;
  kind: CheckinKind;
  note: string | null;
}

export type CheckinKind = 'ok' | 'duress' | 'sos';
