import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { ServiceContext } from '../services.ts';
import { appendStatement } from '../vault/log.service.ts';
import { LOGGED_ENTITIES, revisionStatement } from '../vault/statements.ts';
import { insertRevision, type NewRevision } from './revisions.repository.ts';

/**
 * Every change to a record goes through here, inside the change's transaction: the revision
 * (who, when, which fields, sealed), its audit entry (who, what, which record; no values), and, for
 * the case file's own records, its statement in the transparency log, so that "this was on record
 * then" can be proven (src/vault).
 */
export async function recordChange(ctx: ServiceContext, trx: Kysely<Database>, revision: NewRevision): Promise<void> {
  const id = await insertRevision(trx, ctx.cipher, revision);
  if (LOGGED_ENTITIES.has(revision.entity)) await appendStatement(ctx, trx, 'revision', id, revisionStatement(id, revision));
  await ctx.audit.appendIn(trx, {
    actor: revision.actor,
    action: `${revision.entity}.${revision.action}`,
    case_id: revision.case_id,
    entity: revision.entity,
    entity_id: revision.entity_id,
    detail: { version: revision.version },
  });
}
