import type { Kysely } from 'kysely';
import { caseAccess, caseScope, requireCaseRead, requireCaseWrite } from '../access/access.service.ts';
import { existingActorIds } from '../actors/actors.repository.ts';
import type { Principal } from '../auth/roles.ts';
import type { Database } from '../db/schema.ts';
import { parseEdtf, type EdtfDate } from '../lib/edtf.ts';
import { ForbiddenError, InvalidInputError, NotFoundError, RetractedRecordError, StaleVersionError, UnprocessableError } from '../lib/errors.ts';
import { newId } from '../lib/ids.ts';
import { findCaseOfPerson } from '../persons/persons.repository.ts';
import { personReadable } from '../persons/persons.service.ts';
import { retractRecord } from '../records/retraction.ts';
import { recordChange } from '../records/changes.ts';
import { assertCurrentVersion, diffChanges } from '../records/versioning.ts';
import type { ServiceContext } from '../services.ts';
import { loadSearchKey } from '../search/search-keys.ts';
import { indexRecordText } from '../search/text-index.ts';
import { moveCitationsToCase, retractCitationsFor, type CitationInput } from '../sources/citations.repository.ts';
import { citeSources } from '../sources/citations.service.ts';
import {
  retractActs,
  eventSortKey,
  findEventById,
  insertActs,
  insertEvent,
  listEventRows,
  setActsCase,
  updateEventRow,
  type EventFields,
  type NewAct,
} from './events.repository.ts';
import type { ActInput, CreateEventInput, ListEventsQuery, UpdateEventInput } from './events.schemas.ts';
import type { Act, Event } from './events.types.ts';
import { CASE_LIST_LIMIT, decodeKeyCursor, pageOf } from '../records/list-cursor.ts';

const ENTITY = 'event';

type PreparedAct = NewAct & { citationInputs: CitationInput[] };

function prepareActs(inputs: ActInput[]): PreparedAct[] {
  return inputs.map((input) => {
    const date = input.date ? parseEdtf(input.date) : null;
    return {
      id: newId(),
      type: input.type,
      victim_id: input.victim_id,
      perpetrators: (input.perpetrators ?? []).map((p) => ({ actor_id: p.actor_id, involvement: p.involvement ?? 'unknown' })),
      date: date?.edtf ?? null,
      date_earliest: date?.earliest ?? null,
      place: input.place ?? null,
      status_at_end: input.status_at_end ?? null,
      citationInputs: input.citations ?? [],
    };
  });
}

/** What history records of citations and acts: everything but row ids, so a replaced act stays readable. */
function citationSnapshot(c: { source_id: string; hand?: string | undefined; field?: string | null | undefined; note?: string | null | undefined }) {
  return { source_id: c.source_id, hand: c.hand ?? 'second_hand', field: c.field ?? null, note: c.note ?? null };
}

function actSnapshot(act: NewAct, citations: Array<Parameters<typeof citationSnapshot>[0]>) {
  return {
    type: act.type,
    victim_id: act.victim_id,
    perpetrators: act.perpetrators,
    date: act.date,
    place: act.place,
    status_at_end: act.status_at_end,
    citations: citations.map(citationSnapshot),
  };
}

const savedActSnapshot = (act: Act) => actSnapshot(act, act.citations);
const preparedActSnapshot = (act: PreparedAct) => actSnapshot(act, act.citationInputs);

/** An event sorts by its own date, or else by the earliest of its acts. */
function sortDate(date: EdtfDate | null, acts: Array<{ date_earliest: string | null }>): string | null {
  if (date) return date.earliest;
  const days = acts.flatMap((a) => (a.date_earliest ? [a.date_earliest] : [])).sort();
  return days[0] ?? null;
}

function assertNotBlank(value: string | undefined, field: string): void {
  if (value !== undefined && value.trim() === '') throw new InvalidInputError(`${field} must not be blank`, { [field]: 'must not be blank' });
}

const NO_PERSON = 'names no person, or a retracted one';

/**
 * Every person and actor named must exist, not be retracted, and be readable by the principal (one
 * in a case they may not read is refused exactly as a missing one); all bad fields are named at once.
 */
async function assertReferences(ctx: ServiceContext, principal: Principal, personId: string | null | undefined, acts: ActInput[] | undefined): Promise<void> {
  const fields: Record<string, string> = {};
  const personIds = new Set([...(personId ? [personId] : []), ...(acts ?? []).map((a) => a.victim_id)]);
  const readable = new Set<string>();
  for (const id of personIds) if (await personReadable(ctx, principal, id)) readable.add(id);
  const actorIds = [...new Set((acts ?? []).flatMap((a) => (a.perpetrators ?? []).map((p) => p.actor_id)))];
  const liveActors = await existingActorIds(ctx.db, actorIds, caseScope(ctx, principal));
  if (personId && !readable.has(personId)) fields.person_id = NO_PERSON;
  (acts ?? []).forEach((act, i) => {
    if (!readable.has(act.victim_id)) fields[`acts.${i}.victim_id`] = NO_PERSON;
    (act.perpetrators ?? []).forEach((p, j) => {
      if (!liveActors.has(p.actor_id)) fields[`acts.${i}.perpetrators.${j}.actor_id`] = 'names no actor, or a retracted one';
    });
  });
  if (Object.keys(fields).length) throw new UnprocessableError('the event names a person or actor that does not exist', fields);
}

/** The case of a person already checked readable; null for none. */
async function caseOf(ctx: ServiceContext, personId: string | null | undefined): Promise<string | null> {
  if (!personId) return null;
  return (await findCaseOfPerson(ctx.db, personId))?.case_id ?? null;
}

async function writeActs(ctx: ServiceContext, db: Kysely<Database>, principal: Principal, eventId: string, caseId: string | null, acts: PreparedAct[], at: string): Promise<void> {
  await insertActs(db, eventId, caseId, acts);
  for (const [i, act] of acts.entries()) {
    await citeSources(ctx, db, principal, { type: 'act', id: act.id, caseId, at }, act.citationInputs, `acts.${i}.citations`);
  }
}

/** The event as the principal may see it, for the services' own use: no check of the event's own case. */
async function loadEvent(ctx: ServiceContext, principal: Principal, id: string): Promise<Event> {
  const event = await findEventById(ctx.db, ctx.cipher, id, caseScope(ctx, principal));
  if (!event) throw new NotFoundError('event');
  return event;
}

/** An event filed under a case the principal may not read does not exist for them; victims outside their cases are withheld. */
export async function getEvent(ctx: ServiceContext, principal: Principal, id: string): Promise<Event> {
  const event = await loadEvent(ctx, principal, id);
  await requireCaseRead(ctx, principal, event.person_id, 'event');
  return event;
}

/** `id`: a new one, or the id a record had in a Vigil JSON export being imported (src/import). */
export async function createEvent(ctx: ServiceContext, principal: Principal, input: CreateEventInput, id = newId()): Promise<Event> {
  assertNotBlank(input.title, 'title');
  const date = input.date ? parseEdtf(input.date) : null;
  const acts = prepareActs(input.acts ?? []);
  await assertReferences(ctx, principal, input.person_id, input.acts);
  // Filed under the named person's case, else the first victim's; with neither, organisation-wide.
  const caseId = await caseOf(ctx, input.person_id ?? acts[0]?.victim_id);
  await requireCaseWrite(ctx, principal, caseId, 'person');
  const fields: EventFields = {
    person_id: caseId,
    title: input.title,
    date: date?.edtf ?? null,
    place: input.place ?? null,
    description: input.description ?? null,
  };
  const citations = input.citations ?? [];
  const at = ctx.clock.now().toISOString();
  const searchKey = await loadSearchKey(ctx);
  await ctx.db.transaction().execute(async (trx) => {
    await insertEvent(trx, ctx.cipher, { id, at, date_earliest: sortDate(date, acts), date_latest: date?.latest ?? null, fields });
    await indexRecordText(trx, searchKey, ENTITY, { id, case_id: caseId, fields });
    await citeSources(ctx, trx, principal, { type: 'event', id, caseId, at }, citations);
    await writeActs(ctx, trx, principal, id, caseId, acts, at);
    await recordChange(ctx, trx, {
      case_id: fields.person_id,
      entity: ENTITY,
      entity_id: id,
      version: 1,
      action: 'create',
      actor: principal.actor,
      at,
      changes: diffChanges(null, { ...fields, citations: citations.map(citationSnapshot), acts: acts.map(preparedActSnapshot) }),
      reason: null,
    });
  });
  return loadEvent(ctx, principal, id);
}

/** Scalar fields change one by one; `acts` and `citations`, when given, replace the current ones. */
export async function updateEvent(
  ctx: ServiceContext,
  principal: Principal,
  id: string,
  input: UpdateEventInput,
  expected: number,
): Promise<Event> {
  const before = await loadEvent(ctx, principal, id);
  await requireCaseWrite(ctx, principal, before.person_id, 'event');
  if (before.retracted_at) throw new RetractedRecordError('this event');
  assertCurrentVersion(before.version, expected);
  assertNotBlank(input.title, 'title');
  // Replacing the acts would drop the ones naming persons this principal may not see, unseen.
  if (input.acts && before.acts.some((act) => act.victim_hidden)) {
    throw new ForbiddenError("the event's acts name persons in cases you may not read; only someone who may read every victim can replace them");
  }
  await assertReferences(ctx, principal, input.person_id, input.acts);
  const fields: Partial<EventFields> = {};
  if (input.title !== undefined) fields.title = input.title;
  if (input.place !== undefined) fields.place = input.place;
  if (input.description !== undefined) fields.description = input.description;
  const newDate = input.date === undefined ? undefined : input.date === null ? null : parseEdtf(input.date);
  if (newDate !== undefined) fields.date = newDate?.edtf ?? null;
  const newActs = input.acts ? prepareActs(input.acts) : undefined;
  const finalActs: Array<{ victim_id: string | null; date_earliest: string | null }> = newActs ?? before.acts;
  // An event with no case yet takes the first victim's, as on creation.
  const caseId =
    input.person_id !== undefined
      ? await caseOf(ctx, input.person_id ?? finalActs[0]?.victim_id)
      : (before.person_id ?? (newActs ? await caseOf(ctx, newActs[0]?.victim_id) : null));
  // Moving the event takes the right to write in the case it goes to as well.
  if (caseId !== before.person_id) await requireCaseWrite(ctx, principal, caseId, 'person');
  if (before.person_id !== null && caseId === null) {
    throw new UnprocessableError('an event filed under a case stays under a case: file it under another case instead', { person_id: 'cannot leave its case' });
  }
  fields.person_id = caseId;

  const after: Record<string, unknown> = { ...fields };
  if (newActs) after.acts = newActs.map(preparedActSnapshot);
  if (input.citations) after.citations = input.citations.map(citationSnapshot);
  const beforeState: Record<string, unknown> = {
    ...before,
    acts: before.acts.map(savedActSnapshot),
    citations: before.citations.map(citationSnapshot),
  };
  const changes = diffChanges(Object.fromEntries(Object.keys(after).map((k) => [k, beforeState[k]])), after);
  if (Object.keys(changes).length === 0) return before;

  const eventDate = newDate !== undefined ? newDate : before.date ? parseEdtf(before.date) : null;
  const at = ctx.clock.now().toISOString();
  const oldActIds = before.acts.map((a) => a.id);
  const searchKey = await loadSearchKey(ctx);
  await ctx.db.transaction().execute(async (trx) => {
    const applied = await updateEventRow(trx, ctx.cipher, id, expected, {
      at,
      date_earliest: sortDate(eventDate, finalActs),
      date_latest: newDate === undefined ? undefined : (newDate?.latest ?? null),
      fields,
    });
    if (!applied) throw new StaleVersionError(expected + 1, expected);
    await indexRecordText(trx, searchKey, ENTITY, { id, case_id: caseId, fields: { ...before, ...fields } });
    if (caseId !== before.person_id) {
      await setActsCase(trx, id, caseId);
      await moveCitationsToCase(trx, 'event', [id], caseId);
      await moveCitationsToCase(trx, 'act', oldActIds, caseId);
    }
    if (input.citations) {
      await retractCitationsFor(trx, 'event', [id], at);
      await citeSources(ctx, trx, principal, { type: 'event', id, caseId, at }, input.citations);
    }
    if (newActs) {
      await retractCitationsFor(trx, 'act', oldActIds, at);
      await retractActs(trx, id, at);
      await writeActs(ctx, trx, principal, id, caseId, newActs, at);
    }
    await recordChange(ctx, trx, {
      case_id: caseId ?? before.person_id,
      entity: ENTITY,
      entity_id: id,
      version: expected + 1,
      action: 'update',
      actor: principal.actor,
      at,
      changes,
      reason: null,
    });
  });
  return loadEvent(ctx, principal, id);
}

export async function retractEvent(
  ctx: ServiceContext,
  principal: Principal,
  id: string,
  reason: string,
  expected: number | undefined,
): Promise<Event> {
  const before = await loadEvent(ctx, principal, id);
  await requireCaseWrite(ctx, principal, before.person_id, 'event');
  await retractRecord(ctx, principal, { table: 'events', entity: ENTITY, what: 'this event', record: before, caseId: before.person_id }, reason, expected);
  return loadEvent(ctx, principal, id);
}

/** A page of the events the principal may see: their cases' and the organisation-wide ones. */
export async function listEvents(ctx: ServiceContext, principal: Principal, query: ListEventsQuery): Promise<{ items: Event[]; next_cursor: string | null }> {
  const limit = query.limit ?? 50;
  const keys = decodeKeyCursor(query.cursor, 3);
  let caseId: string | undefined;
  if (query.person_id) {
    // Listing by a person one may not read would tell in which organisation-wide events they are a victim.
    const found = await findCaseOfPerson(ctx.db, query.person_id);
    if (!found || !(await caseAccess(ctx, principal, found.case_id)).read) return { items: [], next_cursor: null };
    caseId = found.case_id;
  }
  const rows = await listEventRows(ctx.db, ctx.cipher, {
    caseId,
    victimId: query.person_id,
    includeRetracted: query.include_retracted,
    after: keys ? [keys[0]!, keys[1]!, keys[2]!] : undefined,
    limit,
    scope: caseScope(ctx, principal),
  });
  return pageOf(rows, limit, eventSortKey);
}

/** The events of a person's case (filed under it, or where the person is a victim), in date order: for pages, reports and export. */
export async function listEventsForPerson(
  ctx: ServiceContext,
  principal: Principal,
  personId: string,
  options: { includeRetracted?: boolean } = {},
): Promise<Event[]> {
  const found = await findCaseOfPerson(ctx.db, personId);
  if (!found) throw new NotFoundError('person');
  await requireCaseRead(ctx, principal, found.case_id, 'person');
  const rows = await listEventRows(ctx.db, ctx.cipher, {
    caseId: found.case_id,
    victimId: personId,
    includeRetracted: options.includeRetracted,
    limit: CASE_LIST_LIMIT,
    scope: caseScope(ctx, principal),
  });
  return rows.slice(0, CASE_LIST_LIMIT);
}
