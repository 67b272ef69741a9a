import { findSetting, saveSetting } from '../auth/settings.repository.ts';
import { listRevisionsBetween } from '../records/revisions.repository.ts';
import type { ServiceContext } from '../services.ts';
import { lockLogSize } from './log.repository.ts';
import { appendStatement } from './log.service.ts';
import { LOGGED_ENTITIES, revisionStatement } from './statements.ts';

/**
 * Revisions written before the log existed get their statements too, a batch per worker pass, in
 * time order, from the first up to the last one the migration saw (later ones were logged as they
 * were written). Their leaves prove only that the log held them from then on, not earlier.
 * Under the sequencer's lock, so two workers never log one revision twice.
 */
export async function logEarlierRevisions(ctx: ServiceContext, limit = 1000): Promise<number> {
  const until = await findSetting(ctx.db, 'log_backfill_until');
  // Done (or nothing to do): a read, no lock, on every later pass.
  if (until === undefined || ((await findSetting(ctx.db, 'log_backfill_after')) ?? '') >= until) return 0;
  return ctx.db.transaction().execute(async (trx) => {
    await lockLogSize(trx, ctx.dialect);
    const after = (await findSetting(trx, 'log_backfill_after')) ?? '';
    if (after >= until) return 0;
    const revisions = await listRevisionsBetween(trx, ctx.cipher, after, until, limit);
    for (const revision of revisions) {
      if (LOGGED_ENTITIES.has(revision.entity)) await appendStatement(ctx, trx, 'revision', revision.id, revisionStatement(revision.id, revision));
    }
    await saveSetting(trx, 'log_backfill_after', revisions.at(-1)?.id ?? until);
    return revisions.length;
  });
}
