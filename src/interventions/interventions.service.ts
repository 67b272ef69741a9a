import type { Kysely } from 'kysely';
import { caseAccess, caseScope, requireCaseRead, requireCaseWrite } from '../access/access.service.ts';
import type { Principal } from '../auth/roles.ts';
import { CASE_LIST_LIMIT, decodeKeyCursor, pageOf } from '../records/list-cursor.ts';
import { parseEdtf } from '../lib/edtf.ts';
import { NotFoundError, RetractedRecordError, StaleVersionError, UnprocessableError } from '../lib/errors.ts';
import { newId } from '../lib/ids.ts';
import { findCaseOfPerson, personExists } from '../persons/persons.repository.ts';
import { retractRecord } from '../records/retraction.ts';
import { recordChange } from '../records/changes.ts';
import { assertCurrentVersion, diffChanges } from '../records/versioning.ts';
import type { Database } from '../db/schema.ts';
import type { ServiceContext } from '../services.ts';
import { loadSearchKey } from '../search/search-keys.ts';
import { indexRecordText, searchKeyIn } from '../search/text-index.ts';
import {
  findInterventionById,
  insertIntervention,
  interventionSortKey,
  listInterventionRows,
  updateInterventionRow,
  type InterventionFields,
} from './interventions.repository.ts';
import type { CreateInterventionInput, ListInterventionsQuery, UpdateInterventionInput } from './interventions.schemas.ts';
import type { Intervention } from './interventions.types.ts';
import { followUpAfter, isBackwardMove, STALE_DRAFT_DAYS, addDays } from './follow-up.ts';

const ENTITY = 'intervention';

/** A new intervention's fields; without a follow-up day, writeIntervention sets the default one. */
export type NewInterventionFields = Omit<InterventionFields, 'follow_up_on'> & { follow_up_on?: string | null | undefined };
const NO_PERSON = 'names no person, or a retracted one';

/** An intervention as stored, for the services' own use: no access check. */
async function loadIntervention(ctx: ServiceContext, id: string): Promise<Intervention> {
  const intervention = await findInterventionById(ctx.db, ctx.cipher, id);
  if (!intervention) throw new NotFoundError('intervention');
  return intervention;
}

export async function getIntervention(ctx: ServiceContext, principal: Principal, id: string): Promise<Intervention> {
  const intervention = await loadIntervention(ctx, id);
  await requireCaseRead(ctx, principal, intervention.case_id, 'intervention');
  return intervention;
}

/** An intervention to edit: 404 for a non-member, 403 for a member who may not change the case. */
export async function getInterventionForEdit(ctx: ServiceContext, principal: Principal, id: string): Promise<Intervention> {
  const intervention = await loadIntervention(ctx, id);
  await requireCaseWrite(ctx, principal, intervention.case_id, 'intervention');
  return intervention;
}

/** The case of a live person the principal may read; a person they may not read "does not exist" (422). */
async function caseOfNamedPerson(ctx: ServiceContext, principal: Principal, personId: string): Promise<string> {
  const found = await findCaseOfPerson(ctx.db, personId);
  if (!found || found.retracted || !(await caseAccess(ctx, principal, found.case_id)).read) {
    throw new UnprocessableError('person_id names no person, or a retracted one', { person_id: NO_PERSON });
  }
  return found.case_id;
}

/** An intervention is filed under its person's case; whoever logs it must be able to change that case. */
/** `id`: a new one, or the id a record had in a Vigil JSON export being imported (src/import). */
export async function createIntervention(ctx: ServiceContext, principal: Principal, input: CreateInterventionInput, id = newId()): Promise<Intervention> {
  const date = input.date ? parseEdtf(input.date) : null;
  const fields: NewInterventionFields = {
    person_id: input.person_id,
    type: input.type,
    addressee: input.addressee ?? null,
    date: date?.edtf ?? null,
    status: input.status ?? 'draft',
    note: input.note ?? null,
    response: input.response ?? null,
    follow_up_on: input.follow_up_on,
  };
  const caseId = await caseOfNamedPerson(ctx, principal, fields.person_id);
  await requireCaseWrite(ctx, principal, caseId, 'person');
  await ctx.db.transaction().execute(async (trx) => {
    // Retracted since it was checked: refused the same way.
    if (!(await personExists(trx, fields.person_id))) throw new UnprocessableError('person_id names no person, or a retracted one', { person_id: NO_PERSON });
    return writeIntervention(ctx, trx, principal, caseId, fields, id);
  });
  return loadIntervention(ctx, id);
}

/**
 * createIntervention inside the caller's transaction, for a change that must write it or nothing
 * (the appeal draft of an alert resolved as a disappearance); the caller has checked access.
 */
export async function writeIntervention(ctx: ServiceContext, trx: Kysely<Database>, principal: Principal, caseId: string, given: NewInterventionFields, id = newId()): Promise<string> {
  const date = given.date ? parseEdtf(given.date) : null;
  const at = ctx.clock.now().toISOString();
  const followUp = followUpAfter({ type: given.type, before: null, status: given.status, given: given.follow_up_on, sentOn: date?.earliest ?? at.slice(0, 10) });
  const fields: InterventionFields = { ...given, date: date?.edtf ?? null, follow_up_on: followUp };
  await insertIntervention(trx, ctx.cipher, { id, case_id: caseId, at, date_earliest: date?.earliest ?? null, fields });
  await indexRecordText(trx, await searchKeyIn(ctx, trx), ENTITY, { id, case_id: caseId, fields });
  await recordChange(ctx, trx, {
    case_id: caseId,
    entity: ENTITY,
    entity_id: id,
    version: 1,
    action: 'create',
    actor: principal.actor,
    at,
    changes: diffChanges(null, { ...fields }),
    reason: null,
  });
  return id;
}

/** The person is fixed: an intervention filed under the wrong case is retracted and recorded anew. */
export async function updateIntervention(
  ctx: ServiceContext,
  principal: Principal,
  id: string,
  input: UpdateInterventionInput,
  expected: number,
): Promise<Intervention> {
  const before = await loadIntervention(ctx, id);
  await requireCaseWrite(ctx, principal, before.case_id, 'intervention');
  if (before.retracted_at) throw new RetractedRecordError('this intervention');
  assertCurrentVersion(before.version, expected);
  const { version: _version, ...given } = input;
  if (given.status !== undefined && isBackwardMove(before.status, given.status)) {
    throw new UnprocessableError(
      `an intervention moves forward only (draft → sent → acknowledged → responded → closed): it cannot go back from ${before.status} to ${given.status}; retract it and record it anew if it was wrong`,
      { status: `cannot go back from ${before.status}` },
    );
  }
  const fields = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)) as Partial<Omit<InterventionFields, 'person_id'>>;
  const date = fields.date ? parseEdtf(fields.date) : fields.date === null ? null : undefined;
  if (date) fields.date = date.edtf;
  // The clock starts on a day this change sets (a form resends the unchanged one: that is no new day), else today:
  // a draft's stored day is when it was drafted (follow-up.ts).
  const newDay = date && date.edtf !== before.date ? date.earliest : null;
  const sentOn = newDay ?? ctx.clock.now().toISOString().slice(0, 10);
  const followUp = followUpAfter({ type: fields.type ?? before.type, before, status: fields.status ?? before.status, given: given.follow_up_on, sentOn });
  if (followUp === before.follow_up_on) delete fields.follow_up_on;
  else fields.follow_up_on = followUp;
  const beforeSubset = Object.fromEntries(Object.keys(fields).map((k) => [k, before[k as keyof Intervention]]));
  const changes = diffChanges(beforeSubset, fields);
  if (Object.keys(changes).length === 0) return before;
  const at = ctx.clock.now().toISOString();
  const searchKey = await loadSearchKey(ctx);
  await ctx.db.transaction().execute(async (trx) => {
    const dateEarliest = date === undefined ? undefined : (date?.earliest ?? null);
    if (!(await updateInterventionRow(trx, ctx.cipher, id, expected, { at, date_earliest: dateEarliest, fields }))) {
      throw new StaleVersionError(expected + 1, expected);
    }
    await indexRecordText(trx, searchKey, ENTITY, { id, case_id: before.case_id, fields: { ...before, ...fields } });
    await recordChange(ctx, trx, {
      case_id: before.case_id,
      entity: ENTITY,
      entity_id: id,
      version: expected + 1,
      action: 'update',
      actor: principal.actor,
      at,
      changes,
      reason: null,
    });
  });
  return loadIntervention(ctx, id);
}

export async function retractIntervention(
  ctx: ServiceContext,
  principal: Principal,
  id: string,
  reason: string,
  expected: number | undefined,
): Promise<Intervention> {
  const before = await loadIntervention(ctx, id);
  await requireCaseWrite(ctx, principal, before.case_id, 'intervention');
  await retractRecord(ctx, principal, { table: 'interventions', entity: ENTITY, what: 'this intervention', record: before, caseId: before.case_id }, reason, expected);
  return loadIntervention(ctx, id);
}

/** A page of the interventions filed under cases the principal may read. */
export async function listInterventions(
  ctx: ServiceContext,
  principal: Principal,
  query: ListInterventionsQuery,
): Promise<{ items: Intervention[]; next_cursor: string | null }> {
  const limit = query.limit ?? 50;
  const keys = decodeKeyCursor(query.cursor, 3);
  const rows = await listInterventionRows(ctx.db, ctx.cipher, {
    personId: query.person_id,
    status: query.status,
    followUpDue: query.follow_up_due ? followUpDueOn(ctx.clock.now()) : undefined,
    includeRetracted: query.include_retracted,
    after: keys ? [keys[0]!, keys[1]!, keys[2]!] : undefined,
    limit,
    scope: caseScope(ctx, principal),
  });
  return pageOf(rows, limit, interventionSortKey);
}

/** What "due for a follow-up" means on the day of `now` (UTC): see listInterventionRows. */
function followUpDueOn(now: Date): { today: string; staleDraftsBefore: string } {
  const today = now.toISOString().slice(0, 10);
  return { today, staleDraftsBefore: `${addDays(today, -STALE_DRAFT_DAYS)}T${now.toISOString().slice(11)}` };
}

/** Interventions to chase today in the cases the principal may read, by follow-up day (stale drafts by when they were drafted), oldest first: for the dashboard. */
export async function listFollowUpsDue(ctx: ServiceContext, principal: Principal, limit: number): Promise<{ items: Intervention[]; more: boolean }> {
  const rows = await listInterventionRows(ctx.db, ctx.cipher, { followUpDue: followUpDueOn(ctx.clock.now()), byFollowUp: true, limit, scope: caseScope(ctx, principal) });
  return { items: rows.slice(0, limit), more: rows.length > limit };
}

/** A case's advocacy log in date order: for pages, reports (WGEID element e) and export. */
export async function listInterventionsForPerson(
  ctx: ServiceContext,
  principal: Principal,
  personId: string,
  options: { includeRetracted?: boolean } = {},
): Promise<Intervention[]> {
  const found = await findCaseOfPerson(ctx.db, personId);
  if (!found) throw new NotFoundError('person');
  await requireCaseRead(ctx, principal, found.case_id, 'person');
  const rows = await listInterventionRows(ctx.db, ctx.cipher, {
    personId,
    includeRetracted: options.includeRetracted,
    limit: CASE_LIST_LIMIT,
    scope: caseScope(ctx, principal),
  });
  return rows.slice(0, CASE_LIST_LIMIT);
}
