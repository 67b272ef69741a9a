import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { sealContext, type FieldCipher } from '../keys/field-cipher.ts';
import { newId } from '../lib/ids.ts';
import type { CaseScope } from '../access/access.repository.ts';
import { inCaseScope } from '../access/access.repository.ts';
import type { Changes } from './versioning.ts';

export type RevisionAction = 'create' | 'update' | 'retract' | 'merge' | 'unmerge' | 'undo';

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

/** Changes and reasons name people and places, so both are sealed. */
export async function insertRevision(db: Kysely<Database>, cipher: FieldCipher, revision: NewRevision, id = newId()): Promise<string> {
  await db
    .insertInto('revisions')
    .values({
      ...revision,
      id,
      changes: cipher.seal(JSON.stringify(revision.changes), sealContext('revisions', 'changes', id)),
      reason: cipher.sealNullable(revision.reason, sealContext('revisions', 'reason', id)),
    })
    .execute();
  return id;
}

function toRevision(cipher: FieldCipher, row: Database['revisions']): Revision {
  return {
    ...row,
    action: row.action as RevisionAction,
    changes: JSON.parse(cipher.open(row.changes, sealContext('revisions', 'changes', row.id))) as Changes,
    reason: cipher.openNullable(row.reason, sealContext('revisions', 'reason', row.id)),
  };
}

/** A case's history, newest first, keyed by revision id (UUIDv7, so time-ordered). */
export async function listRevisionsForCase(
  db: Kysely<Database>,
  cipher: FieldCipher,
  caseId: string,
  options: { before?: string | undefined; limit: number; scope: CaseScope },
): Promise<Revision[]> {
  // A case's history also holds the records filed under another case that name this person: a
  // relation seen from its other end, an event in which the person is a victim.
  let query = db
    .selectFrom('revisions')
    .selectAll()
    .where((eb) =>
      eb.or([
        eb('case_id', '=', caseId),
        // …and only those filed under a case the reader may see, or under none.
        eb.and([
          eb('entity', '=', 'relation'),
          eb('entity_id', 'in', eb.selectFrom('relations').select('id').where('to_person_id', '=', caseId)),
          inCaseScope(eb, 'revisions.case_id', options.scope, true),
        ]),
        eb.and([
          eb('entity', '=', 'event'),
          eb('entity_id', 'in', eb.selectFrom('acts').select('event_id').where('victim_id', '=', caseId)),
          inCaseScope(eb, 'revisions.case_id', options.scope, true),
        ]),
      ]),
    );
  if (options.before) query = query.where('id', '<', options.before);
  const rows = await query.orderBy('id', 'desc').limit(options.limit).execute();
  return rows.map((row) => toRevision(cipher, row));
}

export async function listRevisionsForEntity(db: Kysely<Database>, cipher: FieldCipher, entity: string, entityId: string): Promise<Revision[]> {
  const rows = await db
    .selectFrom('revisions')
    .selectAll()
    .where('entity', '=', entity)
    .where('entity_id', '=', entityId)
    .orderBy('version', 'asc')
    .execute();
  return rows.map((row) => toRevision(cipher, row));
}

/** Revisions in id order (time order) within (after, until]: for logging those written before the log existed. */
export async function listRevisionsBetween(db: Kysely<Database>, cipher: FieldCipher, after: string, until: string, limit: number): Promise<Revision[]> {
  const rows = await db.selectFrom('revisions').selectAll().where('id', '>', after).where('id', '<=', until).orderBy('id').limit(limit).execute();
  return rows.map((row) => toRevision(cipher, row));
}

/** Every revision filed under a case (its own records only), oldest first: what a bundle proves of a case. */
export async function listRevisionsFiledUnder(db: Kysely<Database>, cipher: FieldCipher, caseId: string): Promise<Revision[]> {
  const rows = await db.selectFrom('revisions').selectAll().where('case_id', '=', caseId).orderBy('id', 'asc').execute();
  return rows.map((row) => toRevision(cipher, row));
}
