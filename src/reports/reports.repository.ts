import type { Kysely } from 'kysely';
import type { CaseScope } from '../access/access.repository.ts';
import { existingActorIds, findActorById } from '../actors/actors.repository.ts';
import type { Database } from '../db/schema.ts';
import { listEventRows } from '../events/events.repository.ts';
import { listInterventionRows } from '../interventions/interventions.repository.ts';
import type { FieldCipher } from '../keys/field-cipher.ts';
import { findPersonById, listCasePersonsWithPublicity, listNamesOfPersons } from '../persons/persons.repository.ts';
import { listRelatedPersonIds } from '../relations/relations.repository.ts';
import { CASE_LIST_LIMIT } from '../records/list-cursor.ts';
import { citationsFor, existingSourceIds } from '../sources/citations.repository.ts';
import type { Citation } from '../sources/citations.types.ts';
import { findSourceById } from '../sources/sources.repository.ts';
import { listTimeline } from '../timeline/statuses.repository.ts';
import type { PublicCaseFile } from './public-document.ts';
import type { CaseFileSource } from './wgeid.ts';

type Db = Kysely<Database>;

const sourceIdsOf = (citations: Citation[]) => [...new Set(citations.map((c) => c.source_id))];

/**
 * The case file of one person as a plain snapshot for the report builders, read through the
 * feature repositories (so `db` may be a transaction) and cut to `scope`: events, actors and
 * sources the reader may not see are left out. The national id is in it only with `withSecrets`;
 * no other secret field (notes, contacts, confidential identities) ever is. The person's consent to
 * publicity and to her location comes with it, and the name forms of the other persons of her case
 * (her case, her relations, the co-victims of her events) who have not agreed to be named, for the
 * documents meant to go public to strike (public-document.ts).
 */
export async function loadWgeidCaseFile(
  db: Db,
  cipher: FieldCipher,
  input: { personId: string; scope: CaseScope; withSecrets: boolean; submitter: string | null },
): Promise<PublicCaseFile | null> {
  const { personId, scope } = input;
  // The current status is not needed: the whole timeline is read below.
  const person = await findPersonById(db, cipher, personId, () => Promise.resolve(new Map()));
  if (!person) return null;
  const [personCitations, timeline, events, interventions] = await Promise.all([
    citationsFor(db, cipher, 'person', [personId]),
    listTimeline(db, cipher, personId, false),
    listEventRows(db, cipher, { caseId: person.case_id, victimId: personId, limit: CASE_LIST_LIMIT, scope }),
    listInterventionRows(db, cipher, { personId, limit: CASE_LIST_LIMIT, scope }),
  ]);
  const ownActs = events.flatMap((event) => event.acts.filter((act) => act.victim_id === personId));
  // Everyone the borrowed text may name besides her: her case, her relations, the other victims of her events.
  const linkedIds = [...(await listRelatedPersonIds(db, personId)), ...events.flatMap((event) => event.acts.flatMap((act) => (act.victim_id ? [act.victim_id] : [])))];
  const publicityOf = await listCasePersonsWithPublicity(db, person.case_id, [...new Set(linkedIds)]);
  const withheld = [...publicityOf].filter(([id, publicity]) => id !== personId && publicity !== 'named').map(([id]) => id);
  const withheldNames = [...new Set([...(await listNamesOfPersons(db, cipher, withheld)).values()].flatMap((names) => names.map((n) => n.text)))];
  const actorIds = [...new Set(ownActs.flatMap((act) => act.perpetrators.map((p) => p.actor_id)))];
  const citedSourceIds = [
    ...new Set([
      ...(personCitations.get(personId) ?? []).map((c) => c.source_id),
      ...timeline.flatMap((entry) => sourceIdsOf(entry.citations)),
      ...events.flatMap((event) => [...sourceIdsOf(event.citations), ...event.acts.flatMap((act) => sourceIdsOf(act.citations))]),
    ]),
  ];
  const [liveActors, readableSources] = await Promise.all([existingActorIds(db, actorIds, scope), existingSourceIds(db, citedSourceIds, scope)]);
  const actors = [];
  for (const id of actorIds.filter((a) => liveActors.has(a))) {
    const actor = await findActorById(db, cipher, id);
    if (actor) actors.push({ id: actor.id, name: actor.name, type: actor.type });
  }
  const sources: CaseFileSource[] = [];
  for (const id of citedSourceIds.filter((s) => readableSources.has(s))) {
    const source = await findSourceById(db, cipher, id);
    if (source) sources.push({ id: source.id, kind: source.kind, title: source.title, date: source.date, confidential: source.confidential });
  }
  return {
    person: {
      id: person.id,
      case_number: person.case_number,
      names: person.names.map((n) => ({ text: n.text, script: n.script, lang: n.lang, kind: n.kind })),
      sex: person.sex,
      birth: person.birth,
      ethnicity: person.ethnicity,
      citizenships: person.citizenships,
      father_name: person.father_name,
      occupation: person.occupation,
      hometown: person.hometown,
      residence: person.residence,
      ...(input.withSecrets ? { national_id: person.national_id } : {}),
      citations: (personCitations.get(personId) ?? []).map((c) => ({ source_id: c.source_id, field: c.field })),
    },
    statuses: timeline.map((entry) => ({
      id: entry.id,
      status: entry.status,
      date: entry.date,
      date_earliest: entry.date_earliest,
      place: entry.place,
      whereabouts_acknowledged: entry.whereabouts_acknowledged,
      source_ids: sourceIdsOf(entry.citations),
    })),
    events: events.slice(0, CASE_LIST_LIMIT).map((event) => ({
      id: event.id,
      title: event.title,
      date: event.date,
      date_earliest: event.date_earliest,
      place: event.place,
      source_ids: sourceIdsOf(event.citations),
      acts: event.acts.map((act) => ({
        id: act.id,
        type: act.type,
        victim_id: act.victim_id,
        date: act.date,
        date_earliest: act.date_earliest,
        place: act.place,
        perpetrators: act.perpetrators.map((p) => ({ actor_id: p.actor_id, involvement: p.involvement })),
        source_ids: sourceIdsOf(act.citations),
      })),
    })),
    actors,
    interventions: interventions.slice(0, CASE_LIST_LIMIT).map((i) => ({
      id: i.id,
      type: i.type,
      addressee: i.addressee,
      date: i.date,
      date_earliest: i.date_earliest,
      status: i.status,
    })),
    sources,
    submitter: input.submitter,
    // What the person agreed may be published about her (an urgent action, a brief): no consent is none.
    publicity: person.consent?.publicity ?? 'none',
    // And where she may be placed: no consent hides every place.
    location: person.consent?.location ?? 'hidden',
    withheld_names: withheldNames,
  };
}
