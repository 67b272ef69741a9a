import type { Kysely } from 'kysely';
import { requireCaseRead, requireCaseWrite } from '../access/access.service.ts';
import type { Principal } from '../auth/roles.ts';
import { parseEdtf } from '../lib/edtf.ts';
import { NotFoundError, RetractedRecordError } from '../lib/errors.ts';
import { newId } from '../lib/ids.ts';
import { refreshDetentionYear } from '../stats/stats.repository.ts';
import { findCaseOfPerson, lockPersonRow, setCurrentStatus } from '../persons/persons.repository.ts';
import { retractRecord } from '../records/retraction.ts';
import { recordChange } from '../records/changes.ts';
import { diffChanges } from '../records/versioning.ts';
import type { Database } from '../db/schema.ts';
import type { ServiceContext } from '../services.ts';
import type { SearchKey } from '../search/search-keys.ts';
import { indexRecordText, searchKeyIn } from '../search/text-index.ts';
import { citeSources } from '../sources/citations.service.ts';
import type { CreateStatusInput } from './statuses.schemas.ts';
import { findLatestStatus, findStatusEntry, insertStatusEntry, listTimeline } from './statuses.repository.ts';
import type { StatusEntry } from './statuses.types.ts';

const ENTITY = 'status_entry';

/** The person's case, if the principal may read it (404 otherwise). */
async function caseOfPerson(ctx: ServiceContext, personId: string): Promise<{ case_id: string; retracted: boolean }> {
  const found = await findCaseOfPerson(ctx.db, personId);
  if (!found) throw new NotFoundError('person');
  return found;
}

/** The person's case, if the principal may change it and the person is not retracted. */
export async function assertWritablePerson(ctx: ServiceContext, principal: Principal, personId: string): Promise<string> {
  const found = await caseOfPerson(ctx, personId);
  await requireCaseWrite(ctx, principal, found.case_id, 'person');
  if (found.retracted) throw new RetractedRecordError('this person');
  return found.case_id;
}

/** Adds a timeline entry; the person's current status follows the latest entry by date. */
export async function addStatusEntry(
  ctx: ServiceContext,
  principal: Principal,
  personId: string,
  input: CreateStatusInput,
): Promise<StatusEntry> {
  const caseId = await assertWritablePerson(ctx, principal, personId);
  const id = await ctx.db.transaction().execute((trx) => writeStatusEntry(ctx, trx, principal, { personId, caseId }, input));
  return (await findStatusEntry(ctx.db, ctx.cipher, id))!;
}

/**
 * addStatusEntry inside the caller's transaction, for a change that must write the entry or
 * nothing (an alert resolved as a detention); the caller has checked access with assertWritablePerson.
 */
export async function writeStatusEntry(
  ctx: ServiceContext,
  trx: Kysely<Database>,
  principal: Principal,
  person: { personId: string; caseId: string },
  input: CreateStatusInput,
  searchKey?: SearchKey,
  /** A new one, or the id the entry had in a Vigil JSON export being imported (src/import). */
  id = newId(),
): Promise<string> {
  const { personId, caseId } = person;
  const date = parseEdtf(input.date);
  const at = ctx.clock.now().toISOString();
  const fields = {
    status: input.status,
    date: date.edtf,
    place: input.place ?? null,
    whereabouts_acknowledged: input.whereabouts_acknowledged ?? null,
    contact_permitted: input.contact_permitted ?? null,
    note: input.note ?? null,
  };
  await lockPersonRow(trx, ctx.dialect, personId);
  await insertStatusEntry(trx, ctx.cipher, {
    id,
    case_id: caseId,
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
  await indexRecordText(trx, searchKey ?? (await searchKeyIn(ctx, trx)), ENTITY, { id, case_id: caseId, fields }, true);
  const citations = await citeSources(ctx, trx, principal, { type: 'status_entry', id, caseId, at }, input.citations);
  await setCurrentStatus(trx, personId, await findLatestStatus(trx, personId));
  await refreshDetentionYear(trx, personId);
  await recordChange(ctx, trx, {
    case_id: caseId,
    entity: ENTITY,
    entity_id: id,
    version: 1,
    action: 'create',
    actor: principal.actor,
    at,
    changes: diffChanges(null, { ...fields, citations: citations.map((c) => c.source_id) }),
    reason: null,
  });
  return id;
}

export async function listStatuses(ctx: ServiceContext, principal: Principal, personId: string, includeRetracted = false): Promise<StatusEntry[]> {
  await requireCaseRead(ctx, principal, (await caseOfPerson(ctx, personId)).case_id, 'person');
  return listTimeline(ctx.db, ctx.cipher, personId, includeRetracted);
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
  const entry = await findStatusEntry(ctx.db, ctx.cipher, entryId);
  if (!entry || entry.person_id !== personId) throw new NotFoundError('status entry');
  await requireCaseWrite(ctx, principal, entry.case_id, 'status entry');
  await retractRecord(
    ctx,
    principal,
    { table: 'status_entries', entity: ENTITY, what: 'this status entry', record: entry, caseId: entry.case_id },
    reason,
    expected,
    async (trx) => {
      await lockPersonRow(trx, ctx.dialect, personId);
      await setCurrentStatus(trx, personId, await findLatestStatus(trx, personId));
      await refreshDetentionYear(trx, personId);
    },
  );
  return (await findStatusEntry(ctx.db, ctx.cipher, entryId))!;
}
