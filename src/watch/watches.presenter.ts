import { isOverdue } from './deadlines.ts';
import { activeTravel } from './schedule.ts';
import type { Checkin, NotifyTarget, Watch } from './watches.types.ts';

/** A recipient as shown: a webhook's secret never leaves the store. */
function presentTarget(target: NotifyTarget) {
  return 'email' in target ? { email: target.email } : { webhook: target.webhook };
}

/**
 * Every field sent is named here. PINs and the check-in link are never among them (the link is
 * added once, to the answer that creates the watch); recipients only for readers of secrets.
 */
export function presentWatch(watch: Watch, now: Date) {
  const travel = activeTravel(watch.travel, now);
  return {
    id: watch.id,
    case_id: watch.case_id,
    person_id: watch.person_id,
    interval: watch.interval,
    times: watch.times,
    time_zone: watch.time_zone,
    rest: watch.rest.map((period) => ({ from: period.from, to: period.to })),
    travel: travel && { started_at: travel.started_at, until: travel.until, interval: travel.interval, note: travel.note },
    grace: watch.grace,
    proxies: watch.proxies,
    ...(watch.escalation && !watch.secrets_hidden
      ? { escalation: watch.escalation.map((tier) => ({ after: tier.after, ack_within: tier.ack_within, notify: tier.notify.map(presentTarget) })) }
      : {}),
    last_contact_at: watch.last_contact_at,
    next_deadline: watch.next_deadline,
    overdue: watch.state === 'active' && isOverdue(new Date(watch.next_deadline), now),
    state: watch.state,
    version: watch.version,
    created_at: watch.created_at,
    updated_at: watch.updated_at,
    retracted: watch.retracted_at !== null,
  };
}

export function presentContact(checkin: Checkin, watch: Watch) {
  return {
    id: checkin.id,
    watch_id: checkin.watch_id,
    at: checkin.at,
    recorded_at: checkin.recorded_at,
    channel: checkin.channel,
    by_person_id: checkin.by_person_id,
    note: checkin.note,
    last_contact_at: watch.last_contact_at,
    next_deadline: watch.next_deadline,
  };
}
