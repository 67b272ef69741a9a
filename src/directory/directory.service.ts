import type { Principal } from '../auth/roles.ts';
import { canWrite } from '../auth/roles.ts';
import { ForbiddenError, InvalidInputError, NotFoundError, RetractedRecordError, StaleVersionError, UnprocessableError } from '../lib/errors.ts';
import { newId } from '../lib/ids.ts';
import { recordChange } from '../records/changes.ts';
import { decodeKeyCursor, pageOf } from '../records/list-cursor.ts';
import { retractRecord } from '../records/retraction.ts';
import { assertCurrentVersion, diffChanges } from '../records/versioning.ts';
import type { ServiceContext } from '../services.ts';
import {
  findDirectoryEntryById,
  findLiveDirectoryEntries,
  insertDirectoryEntry,
  listDirectoryRows,
  updateDirectoryEntryRow,
  type DirectoryEntryFields,
} from './directory.repository.ts';
import type { CreateDirectoryEntryInput, ListDirectoryQuery, UpdateDirectoryEntryInput } from './directory.schemas.ts';
import type { DirectoryEntry } from './directory.types.ts';

const ENTITY = 'directory_entry';
const FIELD_NAMES = ['kind', 'name', 'country', 'salutation', 'address', 'email', 'phone', 'fax', 'website', 'languages', 'note'] as const;

/**
 * The directory is the organisation's, not a case's: every signed-in member reads it; only
 * coordinators and admins keep it (a researcher's letter goes to the offices they chose).
 */
export function canEditDirectory(principal: Pick<Principal, 'role' | 'readOnly'>): boolean {
  return canWrite(principal) && (principal.role === 'coordinator' || principal.role === 'admin');
}

export function requireDirectoryEditor(principal: Principal): void {
  if (!canEditDirectory(principal)) throw new ForbiddenError('only coordinators and admins may change the directory');
}

function assertNotBlank(value: string | undefined): void {
  if (value !== undefined && value.trim() === '') throw new InvalidInputError('name must not be blank', { name: 'must not be blank' });
}

async function loadEntry(ctx: ServiceContext, id: string): Promise<DirectoryEntry> {
  const entry = await findDirectoryEntryById(ctx.db, ctx.cipher, id);
  if (!entry) throw new NotFoundError('directory entry');
  return entry;
}

export function getDirectoryEntry(ctx: ServiceContext, _principal: Principal, id: string): Promise<DirectoryEntry> {
  return loadEntry(ctx, id);
}

/** For an edit page: the entry, if the principal may change it (403 otherwise). */
export async function getDirectoryEntryForEdit(ctx: ServiceContext, principal: Principal, id: string): Promise<DirectoryEntry> {
  const entry = await loadEntry(ctx, id);
  requireDirectoryEditor(principal);
  return entry;
}

export async function createDirectoryEntry(ctx: ServiceContext, principal: Principal, input: CreateDirectoryEntryInput): Promise<DirectoryEntry> {
  requireDirectoryEditor(principal);
  assertNotBlank(input.name);
  const fields: DirectoryEntryFields = {
    kind: input.kind,
    name: input.name,
    country: input.country ?? null,
    salutation: input.salutation ?? null,
    address: input.address ?? null,
    email: input.email ?? null,
    phone: input.phone ?? null,
    fax: input.fax ?? null,
    website: input.website ?? null,
    languages: input.languages ?? [],
    note: input.note ?? null,
  };
  const id = newId();
  const at = ctx.clock.now().toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    await insertDirectoryEntry(trx, ctx.cipher, { id, at, fields });
    await recordChange(ctx, trx, { case_id: null, entity: ENTITY, entity_id: id, version: 1, action: 'create', actor: principal.actor, at, changes: diffChanges(null, { ...fields }), reason: null });
  });
  return loadEntry(ctx, id);
}

export async function updateDirectoryEntry(ctx: ServiceContext, principal: Principal, id: string, input: UpdateDirectoryEntryInput, expected: number): Promise<DirectoryEntry> {
  const before = await loadEntry(ctx, id);
  requireDirectoryEditor(principal);
  if (before.retracted_at) throw new RetractedRecordError('this directory entry');
  assertCurrentVersion(before.version, expected);
  assertNotBlank(input.name);
  const fields: Partial<DirectoryEntryFields> = {};
  for (const name of FIELD_NAMES) if (input[name] !== undefined) (fields as Record<string, unknown>)[name] = input[name];
  const beforeSubset = Object.fromEntries(Object.keys(fields).map((k) => [k, before[k as keyof DirectoryEntry]]));
  const changes = diffChanges(beforeSubset, fields);
  if (Object.keys(changes).length === 0) return before;
  const at = ctx.clock.now().toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    if (!(await updateDirectoryEntryRow(trx, ctx.cipher, id, expected, { at, fields }))) throw new StaleVersionError(expected + 1, expected);
    await recordChange(ctx, trx, { case_id: null, entity: ENTITY, entity_id: id, version: expected + 1, action: 'update', actor: principal.actor, at, changes, reason: null });
  });
  return loadEntry(ctx, id);
}

/** Interventions already addressed to a retracted entry keep its name (they are history). */
export async function retractDirectoryEntry(ctx: ServiceContext, principal: Principal, id: string, reason: string, expected: number | undefined): Promise<DirectoryEntry> {
  const before = await loadEntry(ctx, id);
  requireDirectoryEditor(principal);
  await retractRecord(ctx, principal, { table: 'directory_entries', entity: ENTITY, what: 'this directory entry', record: before, caseId: null }, reason, expected);
  return loadEntry(ctx, id);
}

export async function listDirectory(ctx: ServiceContext, _principal: Principal, query: ListDirectoryQuery): Promise<{ items: DirectoryEntry[]; next_cursor: string | null }> {
  const limit = query.limit ?? 50;
  const keys = decodeKeyCursor(query.cursor, 2);
  const rows = await listDirectoryRows(ctx.db, ctx.cipher, {
    kind: query.kind,
    countries: query.country ? [query.country] : undefined,
    includeRetracted: query.include_retracted,
    after: keys ? { name: keys[0]!, id: keys[1]! } : undefined,
    limit,
  });
  return pageOf(rows, limit, (e) => [e.name, e.id]);
}

// Enough for any organisation's list of addressees, and a bound on one page's work.
const MAX_CHOICES = 1000;

/** Every live entry, by name, for the addressee picker. */
export async function listDirectoryChoices(ctx: ServiceContext): Promise<DirectoryEntry[]> {
  return (await listDirectoryRows(ctx.db, ctx.cipher, { limit: MAX_CHOICES })).slice(0, MAX_CHOICES);
}

/** The live entries named by `ids` (unknown or retracted ones refused: 422), in the order given. */
export async function directoryEntriesByIds(ctx: ServiceContext, ids: string[]): Promise<DirectoryEntry[]> {
  const entries = await findLiveDirectoryEntries(ctx.db, ctx.cipher, ids);
  if (entries.length !== new Set(ids).size) throw new UnprocessableError('to names no directory entry, or a retracted one', { to: 'names no directory entry, or a retracted one' });
  return entries;
}

/** The live entries for the jurisdictions of a case (its countries), by name. */
export async function directoryEntriesForCountries(ctx: ServiceContext, countries: string[]): Promise<DirectoryEntry[]> {
  if (countries.length === 0) return [];
  return (await listDirectoryRows(ctx.db, ctx.cipher, { countries, limit: 20 })).slice(0, 20);
}
