import { caseScope, requireCaseRead, requireCaseWrite, type CaseAccess, asReadBy } from '../access/access.service.ts';
import type { Principal } from '../auth/roles.ts';
import { CASE_LIST_LIMIT, decodeKeyCursor, pageOf } from '../records/list-cursor.ts';
import { parseEdtf } from '../lib/edtf.ts';
import { InvalidInputError, NotFoundError, RetractedRecordError, StaleVersionError, UnprocessableError } from '../lib/errors.ts';
import { newId } from '../lib/ids.ts';
import { findCaseOfPerson } from '../persons/persons.repository.ts';
import { personReadable } from '../persons/persons.service.ts';
import { retractRecord } from '../records/retraction.ts';
import { recordChange } from '../records/changes.ts';
import { assertCurrentVersion, diffChanges } from '../records/versioning.ts';
import type { ServiceContext } from '../services.ts';
import { loadSearchKey } from '../search/search-keys.ts';
import { indexRecordText } from '../search/text-index.ts';
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

/**
 * The case a source is filed under: the case of the person named. A person the principal may not
 * read is refused exactly as one that does not exist (422), so a 422 confirms nothing.
 */
async function caseOfNamedPerson(ctx: ServiceContext, principal: Principal, personId: string | null): Promise<string | null> {
  if (!personId) return null;
  const found = await findCaseOfPerson(ctx.db, personId);
  if (!found || !(await personReadable(ctx, principal, personId))) {
    throw new UnprocessableError('person_id names no person, or a retracted one', { person_id: 'names no person, or a retracted one' });
  }
  return found.case_id;
}

function checkFields(input: Partial<CreateSourceInput>): void {
  assertNotBlank(input.title, 'title');
  if (input.url) assertWebUrl(input.url);
}

/** A source as stored, for the services' own use: no access check. */
async function loadSource(ctx: ServiceContext, id: string): Promise<Source> {
  const source = await findSourceById(ctx.db, ctx.cipher, id);
  if (!source) throw new NotFoundError('source');
  return source;
}

function hideSourceSecrets(source: Source): Source {
  return { ...source, confidential_identity: null, secrets_hidden: true };
}

/** Secrets only for a reader with the right to them (never a viewer, even of an organisation-wide source), each such read audited. */
function asRead(ctx: ServiceContext, principal: Principal, source: Source, access: CaseAccess): Promise<Source> {
  return asReadBy(ctx, principal, source, access, { entity: ENTITY, caseId: source.person_id, secretFields: SOURCE_SECRET_FIELDS, hide: hideSourceSecrets });
}

export async function getSource(ctx: ServiceContext, principal: Principal, id: string): Promise<Source> {
  const source = await loadSource(ctx, id);
  return asRead(ctx, principal, source, await requireCaseRead(ctx, principal, source.person_id, 'source'));
}

/** A confidential identity lives only under a case, where need-to-know guards it; never organisation-wide. */
function assertSecretStaysInCase(caseId: string | null, identity: string | null): void {
  if (caseId === null && identity) {
    throw new UnprocessableError('a confidential identity is kept only on a source filed under a case (give person_id)', { confidential_identity: 'needs a case (person_id)' });
  }
}

/** `id`: a new one, or the id a record had in a Vigil JSON export being imported (src/import). */
export async function createSource(ctx: ServiceContext, principal: Principal, input: CreateSourceInput, id = newId()): Promise<Source> {
  checkFields(input);
  const date = input.date ? parseEdtf(input.date) : null;
  const caseId = await caseOfNamedPerson(ctx, principal, input.person_id ?? null);
  await requireCaseWrite(ctx, principal, caseId, 'person');
  assertSecretStaysInCase(caseId, input.confidential_identity ?? null);
  const fields: SourceFields = {
    person_id: caseId,
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
  const at = ctx.clock.now().toISOString();
  const searchKey = await loadSearchKey(ctx);
  await ctx.db.transaction().execute(async (trx) => {
    await insertSource(trx, ctx.cipher, { id, at, date_earliest: date?.earliest ?? null, fields });
    await indexRecordText(trx, searchKey, ENTITY, { id, case_id: fields.person_id, fields });
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
  return loadSource(ctx, id);
}

export async function updateSource(
  ctx: ServiceContext,
  principal: Principal,
  id: string,
  input: UpdateSourceInput,
  expected: number,
): Promise<Source> {
  const before = await loadSource(ctx, id);
  const access = await requireCaseWrite(ctx, principal, before.person_id, 'source');
  if (before.retracted_at) throw new RetractedRecordError('this source');
  assertCurrentVersion(before.version, expected);
  checkFields(input);
  const { version: _version, ...given } = input;
  const fields = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)) as Partial<SourceFields>;
  if (fields.person_id !== undefined) {
    // Moving a source takes the right to write in the case it goes to as well.
    fields.person_id = await caseOfNamedPerson(ctx, principal, fields.person_id);
    await requireCaseWrite(ctx, principal, fields.person_id, 'person');
    if (before.person_id !== null && fields.person_id === null) {
      throw new UnprocessableError('a source filed under a case stays under a case: file it under another case instead', { person_id: 'cannot leave its case' });
    }
  }
  assertSecretStaysInCase(fields.person_id === undefined ? before.person_id : fields.person_id, fields.confidential_identity === undefined ? before.confidential_identity : (fields.confidential_identity ?? null));
  const date = fields.date ? parseEdtf(fields.date) : fields.date === null ? null : undefined;
  if (date) fields.date = date.edtf;
  const beforeSubset = Object.fromEntries(Object.keys(fields).map((k) => [k, before[k as keyof Source]]));
  const changes = diffChanges(beforeSubset, fields, SOURCE_SECRET_FIELDS);
  if (Object.keys(changes).length === 0) return asRead(ctx, principal, before, access);
  const at = ctx.clock.now().toISOString();
  // A source moved to another case is recorded in the case it now belongs to (unfiled: the one it left).
  const caseId = fields.person_id ?? before.person_id;
  const searchKey = await loadSearchKey(ctx);
  await ctx.db.transaction().execute(async (trx) => {
    const dateEarliest = date === undefined ? undefined : (date?.earliest ?? null);
    if (!(await updateSourceRow(trx, ctx.cipher, id, expected, { at, date_earliest: dateEarliest, fields }))) {
      throw new StaleVersionError(expected + 1, expected);
    }
    // Rewritten whole: a source moved to another case takes its keys along.
    await indexRecordText(trx, searchKey, ENTITY, { id, case_id: caseId, fields: { ...before, ...fields } });
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
  // The answer carries the identity, so it is a read like any other.
  return asRead(ctx, principal, await loadSource(ctx, id), access);
}

export async function retractSource(
  ctx: ServiceContext,
  principal: Principal,
  id: string,
  reason: string,
  expected: number | undefined,
): Promise<Source> {
  const before = await loadSource(ctx, id);
  const access = await requireCaseWrite(ctx, principal, before.person_id, 'source');
  await retractRecord(ctx, principal, { table: 'sources', entity: ENTITY, what: 'this source', record: before, caseId: before.person_id }, reason, expected);
  return asRead(ctx, principal, await loadSource(ctx, id), access);
}

/** A page of the sources the principal may see (their cases' and the organisation-wide ones); lists never carry secret fields. */
export async function listSources(ctx: ServiceContext, principal: Principal, query: ListSourcesQuery): Promise<{ items: Source[]; next_cursor: string | null }> {
  const limit = query.limit ?? 50;
  const [afterId] = decodeKeyCursor(query.cursor, 1) ?? [];
  // `person_id` means that person's case; a person one may not read matches nothing, through the scope.
  const caseId = query.person_id ? ((await findCaseOfPerson(ctx.db, query.person_id))?.case_id ?? query.person_id) : undefined;
  const rows = await listSourceRows(ctx.db, ctx.cipher, {
    caseId,
    kind: query.kind,
    includeRetracted: query.include_retracted,
    afterId,
    limit,
    scope: caseScope(ctx, principal),
  });
  const page = pageOf(rows, limit, (s) => [s.id]);
  return { ...page, items: page.items.map(hideSourceSecrets) };
}

/**
 * Every source filed under the person's case, in recording order: for pages, demo data and export.
 * Secret fields only with `withSecrets` and the right to them; each source whose identity is read is audited.
 */
export async function listSourcesForPerson(
  ctx: ServiceContext,
  principal: Principal,
  personId: string,
  options: { includeRetracted?: boolean; withSecrets?: boolean } = {},
): Promise<Source[]> {
  const found = await findCaseOfPerson(ctx.db, personId);
  if (!found) throw new NotFoundError('person');
  const access = await requireCaseRead(ctx, principal, found.case_id, 'person');
  const rows = await listSourceRows(ctx.db, ctx.cipher, {
    caseId: found.case_id,
    includeRetracted: options.includeRetracted,
    limit: CASE_LIST_LIMIT,
    scope: caseScope(ctx, principal),
  });
  const sources = rows.slice(0, CASE_LIST_LIMIT);
  if (!options.withSecrets) return sources.map(hideSourceSecrets);
  return Promise.all(sources.map((source) => asRead(ctx, principal, source, access)));
}
