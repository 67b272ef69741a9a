import type { Principal } from '../auth/roles.ts';
import { parseEdtf } from '../lib/edtf.ts';
import { NotFoundError, RetractedRecordError } from '../lib/errors.ts';
import { newId } from '../lib/ids.ts';
import { getPerson } from '../persons/persons.service.ts';
import { lockPersonRow, setCurrentStatus } from '../persons/persons.repository.ts';
import { retractRecord } from '../records/retraction.ts';
import { insertRevision } from '../records/revisions.repository.ts';
import { diffChanges } from '../records/versioning.ts';
import type { ServiceContext } from '../services.ts';
import { citeSources } from '../sources/citations.service.ts';
import type { CreateStatusInput } from './statuses.schemas.ts';
import { findLatestStatus, findStatusEntry, insertStatusEntry, listTimeline } from './statuses.repository.ts';
import type { StatusEntry } from './statuses.types.ts';

const ENTITY = 'status_entry';

async function assertOpenCase(ctx: ServiceContext, personId: string): Promise<void> {
  const person = await getPerson(ctx, personId);
  if (person.retracted_at) throw new RetractedRecordError('this person');
}

/** Adds a timeline entry; the person's current status follows the latest entry by date. */
export async function addStatusEntry(
  ctx: ServiceContext,
  principal: Principal,
  personId: string,
  input: CreateStatusInput,
): Promise<StatusEntry> {
  await assertOpenCase(ctx, personId);
  const date = parseEdtf(input.date);
  const at = ctx.clock.now().toISOString();
  const id = newId();
  const fields = {
    status: input.status,
    date: date.edtf,
    place: input.place ?? null,
    whereabouts_acknowledged: input.whereabouts_acknowledged ?? null,
    contact_permitted: input.contact_permitted ?? null,
    note: input.note ?? null,
  };
  await ctx.db.transaction().execute(async (trx) => {
    await lockPersonRow(trx, ctx.dialect, personId);
    await insertStatusEntry(trx, {
      id,
      case_id: personId,
      person_id: personId,
      ...fields,
      date_earliest: date.earliest,
      date_latest: date.latest,
      version: 1,
      created_at: at,
      updated_at: at,
      retracted_at: null,
      retraction_reason: null,
    });
    const citations = await citeSources(trx, { type: 'status_entry', id, caseId: personId, at }, input.citations);
    await setCurrentStatus(trx, personId, await findLatestStatus(trx, personId));
    await insertRevision(trx, {
      case_id: personId,
      entity: ENTITY,
      entity_id: id,
      version: 1,
      action: 'create',
      actor: principal.actor,
      at,
      changes: diffChanges(null, { ...fields, citations: citations.map((c) => c.source_id) }),
      reason: null,
    });
  });
  return (await findStatusEntry(ctx.db, id))!;
}

export async function listStatuses(ctx: ServiceContext, personId: string, includeRetracted = false): Promise<StatusEntry[]> {
  await getPerson(ctx, personId);
  return listTimeline(ctx.db, personId, includeRetracted);
}

/** A wrong entry is retracted with a reason, never deleted; the current status is derived again. */
export async function retractStatusEntry(
  ctx: ServiceContext,
  principal: Principal,
  personId: string,
  entryId: string,
  reason: string,
  expected: number | undefined,
): Promise<StatusEntry> {
  const entry = await findStatusEntry(ctx.db, entryId);
  if (!entry || entry.person_id !== personId) throw new NotFoundError('status entry');
  await retractRecord(
    ctx,
    principal,
    { table: 'status_entries', entity: ENTITY, what: 'this status entry', record: entry, caseId: personId },
    reason,
    expected,
    async (trx) => {
      await lockPersonRow(trx, ctx.dialect, personId);
      await setCurrentStatus(trx, personId, await findLatestStatus(trx, personId));
    },
  );
  return (await findStatusEntry(ctx.db, entryId))!;
}
