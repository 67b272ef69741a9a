import type { Kysely } from 'kysely';
import type { Principal } from '../auth/roles.ts';
import type { Database } from '../db/schema.ts';
import { CASE_LIST_LIMIT, decodeKeyCursor, pageOf } from '../records/list-cursor.ts';
import { parseEdtf } from '../lib/edtf.ts';
import { InvalidInputError, NotFoundError, RetractedRecordError, StaleVersionError, UnprocessableError } from '../lib/errors.ts';
import { newId } from '../lib/ids.ts';
import { personExists } from '../persons/persons.repository.ts';
import { retractRecord } from '../records/retraction.ts';
import { recordChange } from '../records/changes.ts';
import { assertCurrentVersion, diffChanges } from '../records/versioning.ts';
import type { ServiceContext } from '../services.ts';
import {
  findSourceById,
  insertSource,
  listSourceRows,
  updateSourceRow,
  type SourceFields,
} from './sources.repository.ts';
import type { CreateSourceInput, ListSourcesQuery, UpdateSourceInput } from './sources.schemas.ts';
import { SOURCE_SECRET_FIELDS, type Source } from './sources.types.ts';

const ENTITY = 'source';

/**
 * Only web addresses: a `javascript:` or `data:` URL in a record would run in whoever clicks it,
 * and `user@host` authorities are a classic way to disguise where a link goes.
 */
export function assertWebUrl(url: string, field = 'url'): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new InvalidInputError(`${field} is not a web address`, { [field]: 'must be an http:// or https:// address' });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new InvalidInputError(`${field} must be an http:// or https:// address`, { [field]: 'must be an http:// or https:// address' });
  }
  if (!parsed.hostname) throw new InvalidInputError(`${field} has no host`, { [field]: 'must name a host' });
  if (parsed.username || parsed.password) {
    throw new InvalidInputError(`${field} must not carry a user name or password`, { [field]: 'must not carry a user name or password' });
  }
}

function assertNotBlank(value: string | undefined, field: string): void {
  if (value !== undefined && value.trim() === '') throw new InvalidInputError(`${field} must not be blank`, { [field]: 'must not be blank' });
}

async function assertCase(db: Kysely<Database>, personId: string | null | undefined): Promise<void> {
  if (!personId) return;
  if (!(await personExists(db, personId))) {
    throw new UnprocessableError('person_id names no person, or a retracted one', { person_id: 'names no person, or a retracted one' });
  }
}

function checkFields(input: Partial<CreateSourceInput>): void {
  assertNotBlank(input.title, 'title');
  if (input.url) assertWebUrl(input.url);
}

export async function getSource(ctx: ServiceContext, id: string): Promise<Source> {
  const source = await findSourceById(ctx.db, id);
  if (!source) throw new NotFoundError('source');
  return source;
}

export async function createSource(ctx: ServiceContext, principal: Principal, input: CreateSourceInput): Promise<Source> {
  checkFields(input);
  const date = input.date ? parseEdtf(input.date) : null;
  const fields: SourceFields = {
    person_id: input.person_id ?? null,
    kind: input.kind,
    title: input.title,
    publisher: input.publisher ?? null,
    url: input.url ?? null,
    date: date?.edtf ?? null,
    language: input.language ?? null,
    reliability: input.reliability ?? null,
    confidential: input.confidential ?? false,
    confidential_identity: input.confidential_identity ?? null,
  };
  const id = newId();
  const at = ctx.clock.now().toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    await assertCase(trx, fields.person_id);
    await insertSource(trx, { id, at, date_earliest: date?.earliest ?? null, fields });
    await recordChange(ctx, trx, {
      case_id: fields.person_id,
      entity: ENTITY,
      entity_id: id,
      version: 1,
      action: 'create',
      actor: principal.actor,
      at,
      changes: diffChanges(null, { ...fields }, SOURCE_SECRET_FIELDS),
      reason: null,
    });
  });
  return getSource(ctx, id);
}

export async function updateSource(
  ctx: ServiceContext,
  principal: Principal,
  id: string,
  input: UpdateSourceInput,
  expected: number,
): Promise<Source> {
  const before = await getSource(ctx, id);
  if (before.retracted_at) throw new RetractedRecordError('this source');
  assertCurrentVersion(before.version, expected);
  checkFields(input);
  const { version: _version, ...given } = input;
  const fields = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)) as Partial<SourceFields>;
  const date = fields.date ? parseEdtf(fields.date) : fields.date === null ? null : undefined;
  if (date) fields.date = date.edtf;
  const beforeSubset = Object.fromEntries(Object.keys(fields).map((k) => [k, before[k as keyof Source]]));
  const changes = diffChanges(beforeSubset, fields, SOURCE_SECRET_FIELDS);
  if (Object.keys(changes).length === 0) return before;
  const at = ctx.clock.now().toISOString();
  // A source moved to another case is recorded in the case it now belongs to (unfiled: the one it left).
  const caseId = fields.person_id ?? before.person_id;
  await ctx.db.transaction().execute(async (trx) => {
    if (fields.person_id !== undefined) await assertCase(trx, fields.person_id);
    const dateEarliest = date === undefined ? undefined : (date?.earliest ?? null);
    if (!(await updateSourceRow(trx, id, expected, { at, date_earliest: dateEarliest, fields }))) {
      throw new StaleVersionError(expected + 1, expected);
    }
    await recordChange(ctx, trx, {
      case_id: caseId,
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
  return getSource(ctx, id);
}

export async function retractSource(
  ctx: ServiceContext,
  principal: Principal,
  id: string,
  reason: string,
  expected: number | undefined,
): Promise<Source> {
  const before = await getSource(ctx, id);
  await retractRecord(ctx, principal, { table: 'sources', entity: ENTITY, what: 'this source', record: before, caseId: before.person_id }, reason, expected);
  return getSource(ctx, id);
}

export async function listSources(ctx: ServiceContext, query: ListSourcesQuery): Promise<{ items: Source[]; next_cursor: string | null }> {
  const limit = query.limit ?? 50;
  const [afterId] = decodeKeyCursor(query.cursor, 1) ?? [];
  const rows = await listSourceRows(ctx.db, {
    caseId: query.person_id,
    kind: query.kind,
    includeRetracted: query.include_retracted,
    afterId,
    limit,
  });
  return pageOf(rows, limit, (s) => [s.id]);
}

/** Every source filed under a case, in recording order: for pages, demo data and export. */
export async function listSourcesForPerson(
  ctx: ServiceContext,
  personId: string,
  options: { includeRetracted?: boolean } = {},
): Promise<Source[]> {
  const rows = await listSourceRows(ctx.db, { caseId: personId, includeRetracted: options.includeRetracted, limit: CASE_LIST_LIMIT });
  return rows.slice(0, CASE_LIST_LIMIT);
}
