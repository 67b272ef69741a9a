import type { Kysely } from 'kysely';
import type { Principal } from '../auth/roles.ts';
import type { Database } from '../db/schema.ts';
import { RetractedRecordError, StaleVersionError } from '../lib/errors.ts';
import type { ServiceContext } from '../services.ts';
import { retractRow, type VersionedTable } from './records.repository.ts';
import { recordChange } from './changes.ts';
import { assertCurrentVersion } from './versioning.ts';

export interface RetractionTarget {
  table: VersionedTable;
  /** The revision's entity name, e.g. `source`. */
  entity: string;
  /** How an error names it, e.g. `this source`. */
  what: string;
  record: { id: string; version: number; retracted_at: string | null };
  /** The case whose history shows the retraction. */
  caseId: string | null;
}

/**
 * Retracts a record instead of deleting it: checks the version, marks the row, writes the revision.
 * `alsoInTransaction` runs in the same transaction (e.g. deriving a person's status again).
 */
export async function retractRecord(
  ctx: ServiceContext,
  principal: Principal,
  target: RetractionTarget,
  reason: string,
  expected: number | undefined,
  alsoInTransaction?: (trx: Kysely<Database>) => Promise<void>,
): Promise<void> {
  const { record } = target;
  if (record.retracted_at) throw new RetractedRecordError(target.what);
  const version = expected ?? record.version;
  assertCurrentVersion(record.version, version);
  const at = ctx.clock.now().toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    if (!(await retractRow(trx, ctx.cipher, target.table, record.id, version, at, reason))) throw new StaleVersionError(version + 1, version);
    await alsoInTransaction?.(trx);
    await recordChange(ctx, trx, {
      case_id: target.caseId,
      entity: target.entity,
      entity_id: record.id,
      version: version + 1,
      action: 'retract',
      actor: principal.actor,
      at,
      changes: { retracted_at: { from: null, to: at } },
      reason,
    });
  });
}
