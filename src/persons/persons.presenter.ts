import { textFlags } from '../lib/text.ts';
import type { Revision } from '../records/revisions.repository.ts';
import type { StatusEntry } from '../timeline/statuses.types.ts';
import type { Person } from './persons.types.ts';

/** Every field sent is named here, so nothing leaves that was not meant to. */
export function presentStatus(entry: StatusEntry) {
  return {
    id: entry.id,
    person_id: entry.person_id,
    status: entry.status,
    date: entry.date,
    place: entry.place,
    whereabouts_acknowledged: entry.whereabouts_acknowledged,
    contact_permitted: entry.contact_permitted,
    note: entry.note,
    citations: entry.citations.map((c) => ({ id: c.id, source_id: c.source_id, hand: c.hand, field: c.field, note: c.note })),
    version: entry.version,
    created_at: entry.created_at,
    retracted: entry.retracted_at !== null,
    retracted_at: entry.retracted_at,
    retraction_reason: entry.retraction_reason,
  };
}

export function presentPerson(person: Person, extra: { timeline?: StatusEntry[]; merged_from?: string[] } = {}) {
  return {
    id: person.id,
    case_id: person.case_id,
    case_number: person.case_number,
    names: person.names.map((n) => ({ text: n.text, script: n.script, lang: n.lang, kind: n.kind, flags: textFlags(n.text) })),
    sex: person.sex,
    birth: person.birth,
    ethnicity: person.ethnicity,
    citizenships: person.citizenships,
    hometown: person.hometown,
    residence: person.residence,
    occupation: person.occupation,
    father_name: person.father_name,
    // Secret fields (DESIGN §4) are left out, not sent empty, for a reader who may not see them.
    ...(person.secrets_hidden ? {} : { national_id: person.national_id, notes: person.notes }),
    risk: person.risk,
    verification: person.verification,
    consent: person.consent,
    published: person.published,
    duplicate_of: person.duplicate_of,
    ...(extra.merged_from ? { merged_from: extra.merged_from } : {}),
    current_status: person.current_status ? presentStatus(person.current_status) : null,
    ...(extra.timeline ? { timeline: extra.timeline.map(presentStatus) } : {}),
    version: person.version,
    created_at: person.created_at,
    updated_at: person.updated_at,
    retracted: person.retracted_at !== null,
    retracted_at: person.retracted_at,
    retraction_reason: person.retraction_reason,
  };
}

export function presentRevision(revision: Revision) {
  return {
    id: revision.id,
    entity: revision.entity,
    entity_id: revision.entity_id,
    version: revision.version,
    action: revision.action,
    actor: revision.actor,
    at: revision.at,
    changes: revision.changes,
    reason: revision.reason,
  };
}
