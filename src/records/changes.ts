import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { ServiceContext } from '../services.ts';
import { insertRevision, type NewRevision } from './revisions.repository.ts';

/**
 * Every change to a record goes through here, inside the change's transaction: the revision
 * (who, when, which fields, sealed) and its audit entry (who, what, which record; no values).
 */
export async function recordChange(ctx: ServiceContext, trx: Kysely<Database>, revision: NewRevision): Promise<void> {
  await insertRevision(trx, ctx.cipher, revision);
  await ctx.audit.appendIn(trx, {
    actor: revision.actor,
    action: `${revision.entity}.${revision.action}`,
    case_id: revision.case_id,
    entity: revision.entity,
    entity_id: revision.entity_id,
    detail: { version: revision.version },
  });
}
