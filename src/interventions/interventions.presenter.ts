import type { Intervention } from './interventions.types.ts';

/** Every field sent is named here, so nothing leaves that was not meant to. */
export function presentIntervention(intervention: Intervention) {
  return {
    id: intervention.id,
    case_id: intervention.case_id,
    person_id: intervention.person_id,
    type: intervention.type,
    addressee: intervention.addressee,
    date: intervention.date,
    status: intervention.status,
    note: intervention.note,
    response: intervention.response,
    follow_up_on: intervention.follow_up_on,
    version: intervention.version,
    created_at: intervention.created_at,
    updated_at: intervention.updated_at,
    retracted: intervention.retracted_at !== null,
    retracted_at: intervention.retracted_at,
    retraction_reason: intervention.retraction_reason,
  };
}
