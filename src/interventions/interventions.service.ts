import type { Principal } from '../auth/roles.ts';
import { CASE_LIST_LIMIT, decodeKeyCursor, pageOf } from '../records/list-cursor.ts';
import { parseEdtf } from '../lib/edtf.ts';
import { NotFoundError, RetractedRecordError, StaleVersionError, UnprocessableError } from '../lib/errors.ts';
import { newId } from '../lib/ids.ts';
import { personExists } from '../persons/persons.repository.ts';
import { retractRecord } from '../records/retraction.ts';
import { recordChange } from '../records/changes.ts';
import { assertCurrentVersion, diffChanges } from '../records/versioning.ts';
import type { ServiceContext } from '../services.ts';
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

const ENTITY = 'intervention';

export async function getIntervention(ctx: ServiceContext, id: string): Promise<Intervention> {
  const intervention = await findInterventionById(ctx.db, id);
  if (!intervention) throw new NotFoundError('intervention');
  return intervention;
}

export async function createIntervention(ctx: ServiceContext, principal: Principal, input: CreateInterventionInput): Promise<Intervention> {
  const date = input.date ? parseEdtf(input.date) : null;
  const fields: InterventionFields = {
    person_id: input.person_id,
    type: input.type,
    addressee: input.addressee ?? null,
    date: date?.edtf ?? null,
    status: input.status ?? 'draft',
    note: input.note ?? null,
    response: input.response ?? null,
  };
  const id = newId();
  const at = ctx.clock.now().toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    if (!(await personExists(trx, fields.person_id))) {
      throw new UnprocessableError('person_id names no person, or a retracted one', { person_id: 'names no person, or a retracted one' });
    }
    await insertIntervention(trx, { id, at, date_earliest: date?.earliest ?? null, fields });
    await recordChange(ctx, trx, {
      case_id: fields.person_id,
      entity: ENTITY,
      entity_id: id,
      version: 1,
      action: 'create',
      actor: principal.actor,
      at,
      changes: diffChanges(null, { ...fields }),
      reason: null,
    });
  });
  return getIntervention(ctx, id);
}

/** The person is fixed: an intervention filed under the wrong case is retracted and recorded anew. */
export async function updateIntervention(
  ctx: ServiceContext,
  principal: Principal,
  id: string,
  input: UpdateInterventionInput,
  expected: number,
): Promise<Intervention> {
  const before = await getIntervention(ctx, id);
  if (before.retracted_at) throw new RetractedRecordError('this intervention');
  assertCurrentVersion(before.version, expected);
  const { version: _version, ...given } = input;
  const fields = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)) as Partial<Omit<InterventionFields, 'person_id'>>;
  const date = fields.date ? parseEdtf(fields.date) : fields.date === null ? null : undefined;
  if (date) fields.date = date.edtf;
  const beforeSubset = Object.fromEntries(Object.keys(fields).map((k) => [k, before[k as keyof Intervention]]));
  const changes = diffChanges(beforeSubset, fields);
  if (Object.keys(changes).length === 0) return before;
  const at = ctx.clock.now().toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    const dateEarliest = date === undefined ? undefined : (date?.earliest ?? null);
    if (!(await updateInterventionRow(trx, id, expected, { at, date_earliest: dateEarliest, fields }))) {
      throw new StaleVersionError(expected + 1, expected);
    }
    await recordChange(ctx, trx, {
      case_id: before.person_id,
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
  return getIntervention(ctx, id);
}

export async function retractIntervention(
  ctx: ServiceContext,
  principal: Principal,
  id: string,
  reason: string,
  expected: number | undefined,
): Promise<Intervention> {
  const before = await getIntervention(ctx, id);
  await retractRecord(ctx, principal, { table: 'interventions', entity: ENTITY, what: 'this intervention', record: before, caseId: before.person_id }, reason, expected);
  return getIntervention(ctx, id);
}

export async function listInterventions(
  ctx: ServiceContext,
  query: ListInterventionsQuery,
): Promise<{ items: Intervention[]; next_cursor: string | null }> {
  const limit = query.limit ?? 50;
  const keys = decodeKeyCursor(query.cursor, 3);
  const rows = await listInterventionRows(ctx.db, {
    personId: query.person_id,
    status: query.status,
    includeRetracted: query.include_retracted,
    after: keys ? [keys[0]!, keys[1]!, keys[2]!] : undefined,
    limit,
  });
  return pageOf(rows, limit, interventionSortKey);
}

/** A case's advocacy log in date order: for pages, reports (WGEID element e) and export. */
export async function listInterventionsForPerson(
  ctx: ServiceContext,
  personId: string,
  options: { includeRetracted?: boolean } = {},
): Promise<Intervention[]> {
  const rows = await listInterventionRows(ctx.db, { personId, includeRetracted: options.includeRetracted, limit: CASE_LIST_LIMIT });
  return rows.slice(0, CASE_LIST_LIMIT);
}
