import type { Citation } from '../sources/citations.types.ts';
import type { Act, Event } from './events.types.ts';

function presentCitation(c: Citation) {
  return { id: c.id, source_id: c.source_id, hand: c.hand, field: c.field, note: c.note };
}

export function presentAct(act: Act) {
  return {
    id: act.id,
    type: act.type,
    victim_id: act.victim_id,
    perpetrators: act.perpetrators.map((p) => ({ actor_id: p.actor_id, involvement: p.involvement })),
    date: act.date,
    place: act.place,
    status_at_end: act.status_at_end,
    citations: act.citations.map(presentCitation),
  };
}

/** Every field sent is named here, so nothing leaves that was not meant to. */
export function presentEvent(event: Event) {
  return {
    id: event.id,
    person_id: event.person_id,
    title: event.title,
    date: event.date,
    place: event.place,
    description: event.description,
    acts: event.acts.map(presentAct),
    citations: event.citations.map(presentCitation),
    version: event.version,
    created_at: event.created_at,
    updated_at: event.updated_at,
    retracted: event.retracted_at !== null,
    retracted_at: event.retracted_at,
    retraction_reason: event.retraction_reason,
  };
}
