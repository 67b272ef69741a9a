import { sql, type Kysely } from 'kysely';
import type { ActRow, Database, EventRow } from '../db/schema.ts';
import { citationsFor } from '../sources/citations.repository.ts';
import { UNDATED_SORT_KEY } from '../records/list-cursor.ts';
import type { Act, Event, Perpetrator } from './events.types.ts';

type Db = Kysely<Database>;

export type EventFields = Pick<Event, 'person_id' | 'title' | 'date' | 'place' | 'description'>;

/** An act as stored, before its citations are attached. */
export type NewAct = Omit<Act, 'citations'>;

function fieldsToRow(fields: Partial<EventFields>): Partial<EventRow> {
  const row: Partial<EventRow> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    if (key === 'person_id') row.case_id = value;
    else (row as Record<string, unknown>)[key] = value;
  }
  return row;
}

export async function insertEvent(
  db: Db,
  event: { id: string; at: string; date_earliest: string | null; date_latest: string | null; fields: EventFields },
): Promise<void> {
  await db
    .insertInto('events')
    .values({
      ...(fieldsToRow(event.fields) as EventRow),
      id: event.id,
      date_earliest: event.date_earliest,
      date_latest: event.date_latest,
      version: 1,
      created_at: event.at,
      updated_at: event.at,
      retracted_at: null,
      retraction_reason: null,
    })
    .execute();
}

export async function insertActs(db: Db, eventId: string, caseId: string | null, acts: NewAct[]): Promise<void> {
  if (acts.length === 0) return;
  await db
    .insertInto('acts')
    .values(
      acts.map(
        (act, position): ActRow => ({
          id: act.id,
          event_id: eventId,
          case_id: caseId,
          position,
          type: act.type,
          victim_id: act.victim_id,
          perpetrators: JSON.stringify(act.perpetrators),
          date: act.date,
          date_earliest: act.date_earliest,
          place: act.place,
          status_at_end: act.status_at_end,
          retracted_at: null,
        }),
      ),
    )
    .execute();
}

/** Acts are parts of their event: a PATCH replaces them all; the old ones stay, retracted, and in the revision. */
export async function retractActs(db: Db, eventId: string, at: string): Promise<void> {
  await db.updateTable('acts').set({ retracted_at: at }).where('event_id', '=', eventId).where('retracted_at', 'is', null).execute();
}

export async function setActsCase(db: Db, eventId: string, caseId: string | null): Promise<void> {
  await db.updateTable('acts').set({ case_id: caseId }).where('event_id', '=', eventId).execute();
}

/** Applies an update only if the row is still at `expectedVersion`; false means someone was first. */
export async function updateEventRow(
  db: Db,
  id: string,
  expectedVersion: number,
  change: { at: string; date_earliest: string | null; date_latest?: string | null | undefined; fields: Partial<EventFields> },
): Promise<boolean> {
  const result = await db
    .updateTable('events')
    .set({
      ...fieldsToRow(change.fields),
      date_earliest: change.date_earliest,
      ...(change.date_latest !== undefined ? { date_latest: change.date_latest } : {}),
      updated_at: change.at,
      version: expectedVersion + 1,
    })
    .where('id', '=', id)
    .where('version', '=', expectedVersion)
    .where('retracted_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Events with their acts and the citations of both, in the order of `rows`. */
async function withActs(db: Db, rows: EventRow[]): Promise<Event[]> {
  const eventIds = rows.map((r) => r.id);
  const actRows =
    eventIds.length === 0
      ? []
      : await db
          .selectFrom('acts')
          .selectAll()
          .where('event_id', 'in', eventIds)
          .where('retracted_at', 'is', null)
          .orderBy('event_id')
          .orderBy('position')
          .execute();
  const [eventCitations, actCitations] = await Promise.all([
    citationsFor(db, 'event', eventIds),
    citationsFor(db, 'act', actRows.map((a) => a.id)),
  ]);
  const actsByEvent = new Map<string, Act[]>(eventIds.map((id) => [id, []]));
  for (const row of actRows) {
    actsByEvent.get(row.event_id)?.push({
      id: row.id,
      type: row.type,
      victim_id: row.victim_id,
      perpetrators: JSON.parse(row.perpetrators) as Perpetrator[],
      date: row.date,
      date_earliest: row.date_earliest,
      place: row.place,
      status_at_end: row.status_at_end,
      citations: actCitations.get(row.id) ?? [],
    });
  }
  return rows.map((row) => ({
    id: row.id,
    person_id: row.case_id,
    title: row.title,
    date: row.date,
    date_earliest: row.date_earliest,
    place: row.place,
    description: row.description,
    acts: actsByEvent.get(row.id) ?? [],
    citations: eventCitations.get(row.id) ?? [],
    version: row.version,
    created_at: row.created_at,
    updated_at: row.updated_at,
    retracted_at: row.retracted_at,
    retraction_reason: row.retraction_reason,
  }));
}

export async function findEventById(db: Db, id: string): Promise<Event | null> {
  const row = await db.selectFrom('events').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? ((await withActs(db, [row]))[0] ?? null) : null;
}

export interface EventFilter {
  /** Events filed under this case, or where this person is the victim of an act. */
  personId?: string | undefined;
  includeRetracted?: boolean | undefined;
  /** Keyset: sort date (undated last), recording time, id. */
  after?: [string, string, string] | undefined;
  limit: number;
}

const sortDate = sql<string>`coalesce(events.date_earliest, ${sql.lit(UNDATED_SORT_KEY)})`;

export function eventSortKey(event: Event): [string, string, string] {
  return [event.date_earliest ?? UNDATED_SORT_KEY, event.created_at, event.id];
}

/** Events by the earliest day they can mean, ties by recording time; one extra row tells whether more follow. */
export async function listEventRows(db: Db, filter: EventFilter): Promise<Event[]> {
  let query = db.selectFrom('events').selectAll();
  const personId = filter.personId;
  if (personId) {
    query = query.where((eb) =>
      eb.or([
        eb('events.case_id', '=', personId),
        eb('events.id', 'in', eb.selectFrom('acts').select('acts.event_id').where('acts.victim_id', '=', personId).where('acts.retracted_at', 'is', null)),
      ]),
    );
  }
  if (!filter.includeRetracted) query = query.where('events.retracted_at', 'is', null);
  if (filter.after) {
    const [date, createdAt, id] = filter.after;
    query = query.where(sql<boolean>`(${sortDate}, events.created_at, events.id) > (${date}, ${createdAt}, ${id})`);
  }
  const rows = await query.orderBy(sortDate).orderBy('events.created_at').orderBy('events.id').limit(filter.limit + 1).execute();
  return withActs(db, rows);
}
