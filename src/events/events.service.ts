import type { Kysely } from 'kysely';
import { existingActorIds } from '../actors/actors.repository.ts';
import type { Principal } from '../auth/roles.ts';
import type { Database } from '../db/schema.ts';
import { parseEdtf, type EdtfDate } from '../lib/edtf.ts';
import { InvalidInputError, NotFoundError, RetractedRecordError, StaleVersionError, UnprocessableError } from '../lib/errors.ts';
import { newId } from '../lib/ids.ts';
import { personExists } from '../persons/persons.repository.ts';
import { retractRecord } from '../records/retraction.ts';
import { recordChange } from '../records/changes.ts';
import { assertCurrentVersion, diffChanges } from '../records/versioning.ts';
import type { ServiceContext } from '../services.ts';
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

/** Every person and actor named must exist and not be retracted; all bad fields are named at once. */
async function assertReferences(db: Kysely<Database>, personId: string | null | undefined, acts: ActInput[] | undefined): Promise<void> {
  const fields: Record<string, string> = {};
  const personIds = new Set([...(personId ? [personId] : []), ...(acts ?? []).map((a) => a.victim_id)]);
  const livePersons = new Set<string>();
  for (const id of personIds) if (await personExists(db, id)) livePersons.add(id);
  const liveActors = await existingActorIds(db, [...new Set((acts ?? []).flatMap((a) => (a.perpetrators ?? []).map((p) => p.actor_id)))]);
  if (personId && !livePersons.has(personId)) fields.person_id = 'names no person, or a retracted one';
  (acts ?? []).forEach((act, i) => {
    if (!livePersons.has(act.victim_id)) fields[`acts.${i}.victim_id`] = 'names no person, or a retracted one';
    (act.perpetrators ?? []).forEach((p, j) => {
      if (!liveActors.has(p.actor_id)) fields[`acts.${i}.perpetrators.${j}.actor_id`] = 'names no actor, or a retracted one';
    });
  });
  if (Object.keys(fields).length) throw new UnprocessableError('the event names a person or actor that does not exist', fields);
}

async function writeActs(db: Kysely<Database>, eventId: string, caseId: string | null, acts: PreparedAct[], at: string): Promise<void> {
  await insertActs(db, eventId, caseId, acts);
  for (const [i, act] of acts.entries()) {
    await citeSources(db, { type: 'act', id: act.id, caseId, at }, act.citationInputs, `acts.${i}.citations`);
  }
}

export async function getEvent(ctx: ServiceContext, id: string): Promise<Event> {
  const event = await findEventById(ctx.db, id);
  if (!event) throw new NotFoundError('event');
  return event;
}

export async function createEvent(ctx: ServiceContext, principal: Principal, input: CreateEventInput): Promise<Event> {
  assertNotBlank(input.title, 'title');
  const date = input.date ? parseEdtf(input.date) : null;
  const acts = prepareActs(input.acts ?? []);
  const fields: EventFields = {
    person_id: input.person_id ?? acts[0]?.victim_id ?? null,
    title: input.title,
    date: date?.edtf ?? null,
    place: input.place ?? null,
    description: input.description ?? null,
  };
  const citations = input.citations ?? [];
  const id = newId();
  const at = ctx.clock.now().toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    await assertReferences(trx, input.person_id, input.acts);
    await insertEvent(trx, { id, at, date_earliest: sortDate(date, acts), date_latest: date?.latest ?? null, fields });
    await citeSources(trx, { type: 'event', id, caseId: fields.person_id, at }, citations);
    await writeActs(trx, id, fields.person_id, acts, at);
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
  return getEvent(ctx, id);
}

/** Scalar fields change one by one; `acts` and `citations`, when given, replace the current ones. */
export async function updateEvent(
  ctx: ServiceContext,
  principal: Principal,
  id: string,
  input: UpdateEventInput,
  expected: number,
): Promise<Event> {
  const before = await getEvent(ctx, id);
  if (before.retracted_at) throw new RetractedRecordError('this event');
  assertCurrentVersion(before.version, expected);
  assertNotBlank(input.title, 'title');
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
      ? (input.person_id ?? finalActs[0]?.victim_id ?? null)
      : (before.person_id ?? (newActs ? (newActs[0]?.victim_id ?? null) : null));
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
  await ctx.db.transaction().execute(async (trx) => {
    await assertReferences(trx, input.person_id, input.acts);
    const applied = await updateEventRow(trx, id, expected, {
      at,
      date_earliest: sortDate(eventDate, finalActs),
      date_latest: newDate === undefined ? undefined : (newDate?.latest ?? null),
      fields,
    });
    if (!applied) throw new StaleVersionError(expected + 1, expected);
    if (caseId !== before.person_id) {
      await setActsCase(trx, id, caseId);
      await moveCitationsToCase(trx, 'event', [id], caseId);
      await moveCitationsToCase(trx, 'act', oldActIds, caseId);
    }
    if (input.citations) {
      await retractCitationsFor(trx, 'event', [id], at);
      await citeSources(trx, { type: 'event', id, caseId, at }, input.citations);
    }
    if (newActs) {
      await retractCitationsFor(trx, 'act', oldActIds, at);
      await retractActs(trx, id, at);
      await writeActs(trx, id, caseId, newActs, at);
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
  return getEvent(ctx, id);
}

export async function retractEvent(
  ctx: ServiceContext,
  principal: Principal,
  id: string,
  reason: string,
  expected: number | undefined,
): Promise<Event> {
  const before = await getEvent(ctx, id);
  await retractRecord(ctx, principal, { table: 'events', entity: ENTITY, what: 'this event', record: before, caseId: before.person_id }, reason, expected);
  return getEvent(ctx, id);
}

export async function listEvents(ctx: ServiceContext, query: ListEventsQuery): Promise<{ items: Event[]; next_cursor: string | null }> {
  const limit = query.limit ?? 50;
  const keys = decodeKeyCursor(query.cursor, 3);
  const rows = await listEventRows(ctx.db, {
    personId: query.person_id,
    includeRetracted: query.include_retracted,
    after: keys ? [keys[0]!, keys[1]!, keys[2]!] : undefined,
    limit,
  });
  return pageOf(rows, limit, eventSortKey);
}

/** A case's events (filed under it, or where the person is a victim), in date order: for pages, reports and export. */
export async function listEventsForPerson(
  ctx: ServiceContext,
  personId: string,
  options: { includeRetracted?: boolean } = {},
): Promise<Event[]> {
  const rows = await listEventRows(ctx.db, { personId, includeRetracted: options.includeRetracted, limit: CASE_LIST_LIMIT });
  return rows.slice(0, CASE_LIST_LIMIT);
}
