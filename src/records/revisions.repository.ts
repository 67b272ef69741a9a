import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { newId } from '../lib/ids.ts';
import type { Changes } from './versioning.ts';

export type RevisionAction = 'create' | 'update' | 'retract';

export interface Revision {
  id: string;
  case_id: string | null;
  entity: string;
  entity_id: string;
  version: number;
  action: RevisionAction;
  actor: string;
  at: string;
  changes: Changes;
  reason: string | null;
}

export type NewRevision = Omit<Revision, 'id'>;

export async function insertRevision(db: Kysely<Database>, revision: NewRevision): Promise<void> {
  await db
    .insertInto('revisions')
    .values({ ...revision, id: newId(), changes: JSON.stringify(revision.changes) })
    .execute();
}

function toRevision(row: Database['revisions']): Revision {
  return { ...row, action: row.action as RevisionAction, changes: JSON.parse(row.changes) as Changes };
}

/** A case's history, newest first, keyed by revision id (UUIDv7, so time-ordered). */
export async function listRevisionsForCase(
  db: Kysely<Database>,
  caseId: string,
  options: { before?: string | undefined; limit: number },
): Promise<Revision[]> {
  // A case's history also holds the records filed under another case that name this person: a
  // relation seen from its other end, an event in which the person is a victim.
  let query = db
    .selectFrom('revisions')
    .selectAll()
    .where((eb) =>
      eb.or([
        eb('case_id', '=', caseId),
        eb.and([eb('entity', '=', 'relation'), eb('entity_id', 'in', eb.selectFrom('relations').select('id').where('to_person_id', '=', caseId))]),
        eb.and([eb('entity', '=', 'event'), eb('entity_id', 'in', eb.selectFrom('acts').select('event_id').where('victim_id', '=', caseId))]),
      ]),
    );
  if (options.before) query = query.where('id', '<', options.before);
  const rows = await query.orderBy('id', 'desc').limit(options.limit).execute();
  return rows.map(toRevision);
}

export async function listRevisionsForEntity(db: Kysely<Database>, entity: string, entityId: string): Promise<Revision[]> {
  const rows = await db
    .selectFrom('revisions')
    .selectAll()
    .where('entity', '=', entity)
    .where('entity_id', '=', entityId)
    .orderBy('version', 'asc')
    .execute();
  return rows.map(toRevision);
}
