export const ALERT_KINDS = ['missed', 'duress', 'sos', 'manual', 'drill'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

export const ALERT_STATES = ['open', 'acknowledged', 'resolved'] as const;
export type AlertState = (typeof ALERT_STATES)[number];

/** What a human found out; detained and disappeared also go on the person's timeline. */
export const RESOLVE_OUTCOMES = ['contact_restored', 'detained', 'disappeared'] as const;
/** Also `cancelled`: an SOS the person called off with her real PIN (never given by a human). */
export const ALERT_OUTCOMES = [...RESOLVE_OUTCOMES, 'cancelled'] as const;
export type AlertOutcome = (typeof ALERT_OUTCOMES)[number];

/**
 * Contact with an at-risk person is in doubt: opened by the worker (an SOS: at once), closed by a human
 * (an SOS also by the person herself, with her real PIN: `cancelled`).
 */
export interface Alert {
  id: string;
  case_id: string;
  watch_id: string | null;
  person_id: string;
  kind: AlertKind;
  state: AlertState;
  opened_at: string;
  tier: number;
  acknowledged_at: string | null;
  acknowledged_by: string | null;
  resolved_at: string | null;
  resolved_by: string | null;
  outcome: AlertOutcome | null;
  note: string | null;
  /** For a missed deadline: the deadline that passed. */
  deadline_at: string | null;
  /** For a duress alert: the check-in made with the duress PIN. */
  checkin_id: string | null;
  /** How many escalation tiers were called so far. */
  notified_tiers: number;
  /** When the next tier falls due, if the alert stays open; null when none is left. */
  next_step_at: string | null;
  version: number;
  created_at: string;
  updated_at: string;
}
