import { sql, type Kysely } from 'kysely';
import { inCaseScope, type CaseScope } from '../access/access.repository.ts';
import type { ActRow, Database, EventRow } from '../db/schema.ts';
import { sealContext, type FieldCipher } from '../keys/field-cipher.ts';
import { openRetractionReason } from '../records/records.repository.ts';
import { citationsFor } from '../sources/citations.repository.ts';
import { UNDATED_SORT_KEY } from '../records/list-cursor.ts';
import type { Act, Event, Perpetrator } from './events.types.ts';

type Db = Kysely<Database>;

export type EventFields = Pick<Event, 'person_id' | 'title' | 'date' | 'place' | 'description'>;

/** An act as stored, before its citations are attached. */
export type NewAct = Omit<Act, 'citations'>;

/** Sealed at rest: what happened, to whom, in the recorder's words. Neither is sorted or filtered in SQL. */
const SEALED = ['title', 'description'] as const;

function fieldsToRow(cipher: FieldCipher, id: string, fields: Partial<EventFields>): Partial<EventRow> {
  const row: Partial<EventRow> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    if ((SEALED as readonly string[]).includes(key)) (row as Record<string, unknown>)[key] = cipher.sealNullable(value, sealContext('events', key, id));
    else if (key === 'person_id') row.case_id = value;
    else (row as Record<string, unknown>)[key] = value;
  }
  return row;
}

export async function insertEvent(
  db: Db,
  cipher: FieldCipher,
  event: { id: string; at: string; date_earliest: string | null; date_latest: string | null; fields: EventFields },
): Promise<void> {
  await db
    .insertInto('events')
    .values({
      ...(fieldsToRow(cipher, event.id, event.fields) as EventRow),
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
  cipher: FieldCipher,
  id: string,
  expectedVersion: number,
  change: { at: string; date_earliest: string | null; date_latest?: string | null | undefined; fields: Partial<EventFields> },
): Promise<boolean> {
  const result = await db
    .updateTable('events')
    .set({
      ...fieldsToRow(cipher, id, change.fields),
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

/** The ids among `ids` of persons filed under a case in the reader's scope. */
async function personsInScope(db: Db, ids: string[], scope: CaseScope): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  if (scope.all) return new Set(ids);
  const rows = await db
    .selectFrom('persons')
    .select('id')
    .where('id', 'in', ids)
    .where((eb) => inCaseScope(eb, 'persons.case_id', scope))
    .execute();
  return new Set(rows.map((row) => row.id));
}

/**
 * Events with their acts and the citations of both, in the order of `rows`. An act whose victim
 * is in a case the reader may not see keeps what was done and by whom, but not to whom.
 */
async function withActs(db: Db, cipher: FieldCipher, rows: EventRow[], scope: CaseScope): Promise<Event[]> {
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
  const [eventCitations, actCitations, visible] = await Promise.all([
    citationsFor(db, cipher, 'event', eventIds),
    citationsFor(db, cipher, 'act', actRows.map((a) => a.id)),
    personsInScope(db, [...new Set(actRows.flatMap((a) => (a.victim_id ? [a.victim_id] : [])))], scope),
  ]);
  const actsByEvent = new Map<string, Act[]>(eventIds.map((id) => [id, []]));
  for (const row of actRows) {
    const hidden = row.victim_id !== null && !visible.has(row.victim_id);
    actsByEvent.get(row.event_id)?.push({
      id: row.id,
      type: row.type,
      victim_id: hidden ? null : row.victim_id,
      perpetrators: JSON.parse(row.perpetrators) as Perpetrator[],
      date: row.date,
      date_earliest: row.date_earliest,
      place: row.place,
      status_at_end: row.status_at_end,
      // The act's citations speak about its victim, so they are withheld with it.
      citations: hidden ? [] : (actCitations.get(row.id) ?? []),
      ...(hidden ? { victim_hidden: true as const } : {}),
    });
  }
  return rows.map((row) => ({
    id: row.id,
    person_id: row.case_id,
    title: cipher.open(row.title, sealContext('events', 'title', row.id)),
    date: row.date,
    date_earliest: row.date_earliest,
    place: row.place,
    description: cipher.openNullable(row.description, sealContext('events', 'description', row.id)),
    acts: actsByEvent.get(row.id) ?? [],
    citations: eventCitations.get(row.id) ?? [],
    version: row.version,
    created_at: row.created_at,
    updated_at: row.updated_at,
    retracted_at: row.retracted_at,
    retraction_reason: openRetractionReason(cipher, 'events', row),
  }));
}

/** The event as `scope` may see it (victims outside it withheld); null when there is no such event. */
export async function findEventById(db: Db, cipher: FieldCipher, id: string, scope: CaseScope): Promise<Event | null> {
  const row = await db.selectFrom('events').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? ((await withActs(db, cipher, [row], scope))[0] ?? null) : null;
}

export interface EventFilter {
  /** Events filed under this case… */
  caseId?: string | undefined;
  /** …or where this person is the victim of an act. */
  victimId?: string | undefined;
  includeRetracted?: boolean | undefined;
  /** Keyset: sort date (undated last), recording time, id. */
  after?: [string, string, string] | undefined;
  limit: number;
  /** The cases the reader may see; events filed under no case are for everyone. */
  scope: CaseScope;
}

const sortDate = sql<string>`coalesce(events.date_earliest, ${sql.lit(UNDATED_SORT_KEY)})`;

export function eventSortKey(event: Event): [string, string, string] {
  return [event.date_earliest ?? UNDATED_SORT_KEY, event.created_at, event.id];
}

/** Events by the earliest day they can mean, ties by recording time; one extra row tells whether more follow. */
export async function listEventRows(db: Db, cipher: FieldCipher, filter: EventFilter): Promise<Event[]> {
  let query = db
    .selectFrom('events')
    .selectAll()
    .where((eb) => inCaseScope(eb, 'events.case_id', filter.scope, true));
  const { caseId, victimId } = filter;
  if (caseId || victimId) {
    query = query.where((eb) =>
      eb.or([
        ...(caseId ? [eb('events.case_id', '=', caseId)] : []),
        ...(victimId
          ? [eb('events.id', 'in', eb.selectFrom('acts').select('acts.event_id').where('acts.victim_id', '=', victimId).where('acts.retracted_at', 'is', null))]
          : []),
      ]),
    );
  }
  if (!filter.includeRetracted) query = query.where('events.retracted_at', 'is', null);
  if (filter.after) {
    const [date, createdAt, id] = filter.after;
    query = query.where(sql<boolean>`(${sortDate}, events.created_at, events.id) > (${date}, ${createdAt}, ${id})`);
  }
  const rows = await query.orderBy(sortDate).orderBy('events.created_at').orderBy('events.id').limit(filter.limit + 1).execute();
  return withActs(db, cipher, rows, filter.scope);
}
