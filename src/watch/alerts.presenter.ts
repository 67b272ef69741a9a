import type { Alert } from './alerts.types.ts';

/** Every field sent is named here; which check-in raised a duress alert stays in the store. */
export function presentAlert(alert: Alert) {
  return {
    id: alert.id,
    case_id: alert.case_id,
    kind: alert.kind,
    person_id: alert.person_id,
    watch_id: alert.watch_id,
    opened_at: alert.opened_at,
    tier: alert.tier,
    drill: alert.kind === 'drill',
    notified_tiers: alert.notified_tiers,
    next_escalation_at: alert.state === 'open' ? alert.next_step_at : null,
    state: alert.state,
    deadline_at: alert.deadline_at,
    acknowledged_at: alert.acknowledged_at,
    acknowledged_by: alert.acknowledged_by,
    resolved_at: alert.resolved_at,
    resolved_by: alert.resolved_by,
    outcome: alert.outcome,
    note: alert.note,
    version: alert.version,
    created_at: alert.created_at,
    updated_at: alert.updated_at,
  };
}
