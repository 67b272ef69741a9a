import { caseScope, listScope, requireCaseRead, requireCaseWrite } from '../access/access.service.ts';
import type { CaseScope } from '../access/access.repository.ts';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { Principal } from '../auth/roles.ts';
import { parseEdtf } from '../lib/edtf.ts';
import { NotFoundError, RetractedRecordError, StaleVersionError, StateConflictError, UnprocessableError } from '../lib/errors.ts';
import { newId } from '../lib/ids.ts';
import { recordChange } from '../records/changes.ts';
import { assertCurrentVersion } from '../records/versioning.ts';
import { findPersonById, listNamesOfPersons, listPersonsByIds, updatePersonFields, type PersonFilter } from '../persons/persons.repository.ts';
import type { CreatePersonInput } from '../persons/persons.schemas.ts';
import { assertMayPublish, hidePersonSecrets, statusLoader } from '../persons/persons.service.ts';
import { normaliseName, type Person } from '../persons/persons.types.ts';
import type { ServiceContext } from '../services.ts';
import { DUPLICATE_THRESHOLD, scoreDuplicate, type DuplicateReason, type DuplicateSubject } from './duplicates.ts';
import {
  findDistinctPair,
  hasMergedRecords,
  insertDistinctPair,
  lockMergeSides,
  listDistinctPartners,
  listMergedInto,
  listRelativeIds,
  orderedPair,
  redecideDistinctPair,
  undoDistinctPair,
  type DistinctPair,
} from './duplicates.repository.ts';
import { nameKeys } from './name-keys.ts';
import { inWriteTransaction } from './rebuild.repository.ts';
import { loadSearchKey } from './search-keys.ts';
import { findCandidates } from './search.repository.ts';

/**
 * Duplicate review (issue 6): the persons a record (or a draft of one) may duplicate, found by its
 * own name keys within the reader's cases and scored field by field (duplicates.ts); merging one
 * record into another (duplicate_of, a revision; both ids keep resolving), un-merging, and deciding
 * that two records are different people.
 */

/**
 * How many candidates (those sharing the most name keys first) one check may score: bounds the
 * work, about 2.5 ms a candidate (mostly tokenizing name forms again in matchPerson). The review
 * page and the API score more than the checks that run on every create and person page view.
 */
export const REVIEW_BUDGET = 120;
export const QUICK_BUDGET = 40;
export const MAX_DUPLICATES = 20;
/** What a create answer carries. */
export const CREATE_DUPLICATES = 5;

export interface DuplicateCandidate {
  /** Secrets hidden. */
  person: Person;
  score: number;
  reasons: DuplicateReason[];
}

const ENTITY = 'person';
const PAIR_ENTITY = 'distinct_pair';

/** The first name form of each relative, by person. */
async function relativeNames(ctx: ServiceContext, personIds: string[], scope: CaseScope): Promise<Map<string, string[]>> {
  const relatives = await listRelativeIds(ctx.db, personIds, scope);
  const allIds = [...new Set([...relatives.values()].flat())];
  const names = await listNamesOfPersons(ctx.db, ctx.cipher, allIds);
  return new Map([...relatives].map(([id, others]) => [id, others.flatMap((other) => names.get(other)?.slice(0, 1).map((n) => n.text) ?? [])]));
}

async function findCandidatesFor(
  ctx: ServiceContext,
  principal: Principal,
  subject: DuplicateSubject & { id?: string },
  exclude: ReadonlySet<string>,
  limit: number,
  budget: number,
): Promise<DuplicateCandidate[]> {
  const key = await loadSearchKey(ctx);
  const keys = [...new Set(subject.names.slice(0, 30).flatMap((name) => nameKeys(name.text)))].map((nameKey) => key.hash(nameKey));
  if (keys.length === 0) return [];
  const scope = await listScope(ctx, principal);
  const ids = (await findCandidates(ctx.db, keys, scope, budget + exclude.size)).filter((id) => !exclude.has(id)).slice(0, budget);
  // A record merged into another is represented by its survivor.
  const persons = (await listPersonsByIds(ctx.db, ctx.cipher, ids, { scope }, statusLoader(ctx))).filter((p) => p.duplicate_of === null);
  if (persons.length === 0) return [];
  const relatives = await relativeNames(ctx, [...(subject.id ? [subject.id] : []), ...persons.map((p) => p.id)], scope);
  const own = subject.id ? (relatives.get(subject.id) ?? []) : [];
  return persons
    .map((person) => ({ person: hidePersonSecrets(person), ...scoreDuplicate(subject, person, { a: own, b: relatives.get(person.id) ?? [] }) }))
    .filter((candidate) => candidate.score >= DUPLICATE_THRESHOLD)
    .sort((a, b) => b.score - a.score || a.person.case_number.localeCompare(b.person.case_number))
    .slice(0, limit);
}

async function loadPerson(ctx: ServiceContext, id: string): Promise<Person> {
  const person = await findPersonById(ctx.db, ctx.cipher, id, statusLoader(ctx));
  if (!person) throw new NotFoundError('person');
  return person;
}

/** Ids never offered as duplicates of this person: itself, what it is merged into or from, pairs decided different. */
async function excludedFor(ctx: ServiceContext, person: Person): Promise<Set<string>> {
  const [merged, distinct] = await Promise.all([listMergedInto(ctx.db, [person.id], { all: true }), listDistinctPartners(ctx.db, person.id)]);
  return new Set([person.id, ...(person.duplicate_of ? [person.duplicate_of] : []), ...merged.map((m) => m.id), ...distinct]);
}

/** The persons this one may duplicate, best first, within the reader's cases. */
export async function findDuplicatesOf(
  ctx: ServiceContext,
  principal: Principal,
  id: string,
  options: { limit?: number; budget?: number } = {},
): Promise<DuplicateCandidate[]> {
  const person = await loadPerson(ctx, id);
  await requireCaseRead(ctx, principal, person.case_id, 'person');
  return findCandidatesFor(ctx, principal, person, await excludedFor(ctx, person), options.limit ?? MAX_DUPLICATES, options.budget ?? REVIEW_BUDGET);
}

/** The check a form or an importer runs before creating a person: nothing is written. */
export async function checkDraftDuplicates(
  ctx: ServiceContext,
  principal: Principal,
  draft: CreatePersonInput,
  limit = MAX_DUPLICATES,
  budget = REVIEW_BUDGET,
): Promise<DuplicateCandidate[]> {
  const subject: DuplicateSubject = {
    names: draft.names.map(normaliseName),
    birth: draft.birth ? parseEdtf(draft.birth).edtf : null,
    hometown: draft.hometown ?? null,
    father_name: draft.father_name ?? null,
    sex: draft.sex ?? null,
    ethnicity: draft.ethnicity ?? null,
  };
  return findCandidatesFor(ctx, principal, subject, new Set(), limit, budget);
}

/** The records merged into this person that the reader may see, as ids and case numbers. */
export async function listMergedFrom(ctx: ServiceContext, principal: Principal, id: string): Promise<Array<{ id: string; case_number: string }>> {
  return (await listMergedInto(ctx.db, [id], caseScope(ctx, principal))).map(({ id: mergedId, case_number }) => ({ id: mergedId, case_number }));
}

/**
 * Name search shows the survivor rather than a merged record: a hit on a merged record counts for
 * its survivor (when the reader may see it and it passes the search's filters — else the hit is
 * dropped), saying so; each person once, best score first.
 */
export async function collapseMergedHits<T extends { person: Person; score: number; explanation: string }>(
  ctx: ServiceContext,
  filter: Omit<PersonFilter, 'afterSeq' | 'limit'>,
  keep: (persons: Person[]) => Person[],
  hits: T[],
  limit: number,
): Promise<T[]> {
  const survivorIds = [...new Set(hits.flatMap((hit) => (hit.person.duplicate_of ? [hit.person.duplicate_of] : [])))];
  if (survivorIds.length === 0) return hits.slice(0, limit);
  const survivors = new Map(keep(await listPersonsByIds(ctx.db, ctx.cipher, survivorIds, filter, statusLoader(ctx))).map((p) => [p.id, hidePersonSecrets(p)]));
  // A survivor the reader may see but the filters leave out takes its merged records with it.
  const filteredOut = new Set(survivors.size === survivorIds.length ? [] : (await listPersonsByIds(ctx.db, ctx.cipher, survivorIds, { scope: filter.scope }, statusLoader(ctx))).map((p) => p.id).filter((id) => !survivors.has(id)));
  const best = new Map<string, T>();
  for (const hit of hits) {
    if (hit.person.duplicate_of && filteredOut.has(hit.person.duplicate_of)) continue;
    const survivor = hit.person.duplicate_of ? survivors.get(hit.person.duplicate_of) : undefined;
    const shown = survivor ? { ...hit, person: survivor, explanation: `${hit.explanation} (via merged record ${hit.person.case_number})` } : hit;
    const seen = best.get(shown.person.id);
    if (!seen || shown.score > seen.score) best.set(shown.person.id, shown);
  }
  return [...best.values()].sort((a, b) => b.score - a.score || a.person.case_number.localeCompare(b.person.case_number)).slice(0, limit);
}

/**
 * Merges `id` into `into`: `id` keeps resolving, with duplicate_of naming its survivor. Both cases
 * must be writable by the principal (404 for one it may not read). Refused: itself, a survivor that
 * is itself merged (422: merge into its survivor instead; a merge never follows a chain the
 * reviewer did not see), a record others are merged into (422), a pair decided different (422),
 * a record already merged (409), a retracted one (409).
 */
export async function mergePerson(ctx: ServiceContext, principal: Principal, id: string, into: string, reason: string, expected: number | undefined): Promise<Person> {
  const person = await loadPerson(ctx, id);
  await requireCaseWrite(ctx, principal, person.case_id, 'person');
  if (into === id) throw new UnprocessableError('a person cannot be merged into itself', { into: 'names this person' });
  const survivor = await findPersonById(ctx.db, ctx.cipher, into, statusLoader(ctx));
  if (!survivor || !(await requireCaseRead(ctx, principal, survivor.case_id, 'person').then(() => true, () => false))) {
    throw new UnprocessableError('into names no person', { into: 'names no person' });
  }
  await requireCaseWrite(ctx, principal, survivor.case_id, 'person');
  if (person.retracted_at) throw new RetractedRecordError('this person');
  if (survivor.retracted_at) throw new UnprocessableError('the person to merge into has been retracted', { into: 'is retracted' });
  if (person.duplicate_of) throw new StateConflictError(`this person is already merged into another record; un-merge it first`, 'merged');
  if (survivor.duplicate_of) {
    throw new UnprocessableError(`${survivor.case_number} is itself merged into another record: merge into that one`, { into: 'is itself merged' });
  }
  if (await hasMergedRecords(ctx.db, id)) {
    // Said alike whether the records merged into it are readable or not: the message must not tell of an unreadable case.
    throw new UnprocessableError('this record cannot be merged: it is the survivor of another merge', { into: 'this person is a survivor' });
  }
  const pair = await findDistinctPair(ctx.db, ctx.cipher, id, into);
  if (pair && !pair.undone_at) throw new UnprocessableError('these two were marked as different people: undo that first', { into: 'marked as a different person' });
  const version = expected ?? person.version;
  assertCurrentVersion(person.version, version);
  await setDuplicateOf(ctx, principal, person, version, into, 'merge', reason, async (trx) => {
    // Checked again under lock: two opposite merges at once must not both pass the checks above and make a cycle.
    const sides = await lockMergeSides(trx, ctx.dialect, [id, into]);
    const now = sides.get(into);
    if (!now || now.retracted_at) throw new UnprocessableError('the person to merge into has been retracted', { into: 'is retracted' });
    if (now.duplicate_of) throw new UnprocessableError(`${survivor.case_number} is itself merged into another record: merge into that one`, { into: 'is itself merged' });
    if (await hasMergedRecords(trx, id)) throw new UnprocessableError('this record cannot be merged: it is the survivor of another merge', { into: 'this person is a survivor' });
  });
  return hidePersonSecrets(await loadPerson(ctx, id));
}

/** Un-merges a merged record: duplicate_of cleared, with a revision. */
export async function unmergePerson(ctx: ServiceContext, principal: Principal, id: string, reason: string, expected: number | undefined): Promise<Person> {
  const person = await loadPerson(ctx, id);
  await requireCaseWrite(ctx, principal, person.case_id, 'person');
  if (person.retracted_at) throw new RetractedRecordError('this person');
  if (!person.duplicate_of) throw new StateConflictError('this person is not merged into another record', 'not_merged');
  // A published person unmerged is back on the public register: for a coordinator or an administrator.
  assertMayPublish(principal, person, { duplicate_of: null });
  const version = expected ?? person.version;
  assertCurrentVersion(person.version, version);
  await setDuplicateOf(ctx, principal, person, version, null, 'unmerge', reason);
  return hidePersonSecrets(await loadPerson(ctx, id));
}

async function setDuplicateOf(
  ctx: ServiceContext,
  principal: Principal,
  person: Person,
  version: number,
  to: string | null,
  action: 'merge' | 'unmerge',
  reason: string,
  recheck?: (trx: Kysely<Database>) => Promise<void>,
): Promise<void> {
  const at = ctx.clock.now().toISOString();
  await inWriteTransaction(ctx.db, ctx.dialect, async (trx) => {
    await recheck?.(trx);
    if (!(await updatePersonFields(trx, ctx.cipher, person.id, version, { at, fields: { duplicate_of: to } }))) throw new StaleVersionError(version + 1, version);
    await recordChange(ctx, trx, {
      case_id: person.case_id,
      entity: ENTITY,
      entity_id: person.id,
      version: version + 1,
      action,
      actor: principal.actor,
      at,
      changes: { duplicate_of: { from: person.duplicate_of, to } },
      reason,
    });
  });
}

async function loadPairSides(ctx: ServiceContext, principal: Principal, id: string, otherId: string): Promise<[Person, Person]> {
  const person = await loadPerson(ctx, id);
  await requireCaseWrite(ctx, principal, person.case_id, 'person');
  if (otherId === id) throw new UnprocessableError('a person is not a duplicate of itself', { other_id: 'names this person' });
  const other = await findPersonById(ctx.db, ctx.cipher, otherId, statusLoader(ctx));
  if (!other || !(await requireCaseRead(ctx, principal, other.case_id, 'person').then(() => true, () => false))) {
    throw new UnprocessableError('other_id names no person', { other_id: 'names no person' });
  }
  await requireCaseWrite(ctx, principal, other.case_id, 'person');
  return [person, other];
}

function pairRevision(principal: Principal, pair: { id: string; person_a: string; person_b: string }, caseId: string, version: number, action: 'create' | 'undo', at: string, reason: string | null) {
  return {
    case_id: caseId,
    entity: PAIR_ENTITY,
    entity_id: pair.id,
    version,
    action,
    actor: principal.actor,
    at,
    changes: { different_people: { ...(action === 'undo' ? { from: [pair.person_a, pair.person_b], to: null } : { to: [pair.person_a, pair.person_b] }) } },
    reason,
  } as const;
}

/**
 * Decides that two persons are different people: the pair is no longer offered as a duplicate
 * (either way round). Deciding it again is harmless. Written to both cases' history.
 */
export async function markDistinct(ctx: ServiceContext, principal: Principal, id: string, otherId: string, reason: string | null): Promise<DistinctPair> {
  const [person, other] = await loadPairSides(ctx, principal, id, otherId);
  if (person.duplicate_of === other.id || other.duplicate_of === person.id) {
    throw new UnprocessableError('one of these is merged into the other: un-merge it first', { other_id: 'is merged with this person' });
  }
  const existing = await findDistinctPair(ctx.db, ctx.cipher, id, otherId);
  if (existing && !existing.undone_at) return existing;
  const [a, b] = orderedPair(id, otherId);
  const cases = [...new Set([person.case_id, other.case_id])];
  const at = ctx.clock.now().toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    let pair: { id: string; person_a: string; person_b: string };
    let version: number;
    if (existing) {
      if (!(await redecideDistinctPair(trx, ctx.cipher, existing.id, existing.version, { decided_by: principal.actor, decided_at: at, reason }))) {
        throw new StaleVersionError(existing.version + 1, existing.version);
      }
      [pair, version] = [existing, existing.version + 1];
    } else {
      pair = { id: newId(), person_a: a, person_b: b };
      const caseOf = (pid: string) => (pid === person.id ? person.case_id : other.case_id);
      // Decided by someone else meanwhile: that decision stands, and this one writes nothing.
      if (!(await insertDistinctPair(trx, ctx.cipher, { ...pair, case_a: caseOf(a), case_b: caseOf(b), decided_by: principal.actor, decided_at: at, reason }))) return;
      version = 1;
    }
    for (const caseId of cases) await recordChange(ctx, trx, pairRevision(principal, pair, caseId, version, 'create', at, reason));
  });
  return (await findDistinctPair(ctx.db, ctx.cipher, id, otherId))!;
}

/** Undoes a "different people" decision: the pair may be offered as duplicates again. */
export async function undoDistinct(ctx: ServiceContext, principal: Principal, id: string, otherId: string, reason: string | null): Promise<DistinctPair> {
  const [person, other] = await loadPairSides(ctx, principal, id, otherId);
  const existing = await findDistinctPair(ctx.db, ctx.cipher, id, otherId);
  if (!existing || existing.undone_at) throw new StateConflictError('these two are not marked as different people', 'not_marked');
  const at = ctx.clock.now().toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    if (!(await undoDistinctPair(trx, existing.id, existing.version, { by: principal.actor, at }))) throw new StaleVersionError(existing.version + 1, existing.version);
    for (const caseId of new Set([person.case_id, other.case_id])) await recordChange(ctx, trx, pairRevision(principal, existing, caseId, existing.version + 1, 'undo', at, reason));
  });
  return (await findDistinctPair(ctx.db, ctx.cipher, id, otherId))!;
}

/** The pairs decided different that involve this person and that the reader may see both sides of. */
export async function listDistinctOf(ctx: ServiceContext, principal: Principal, id: string): Promise<Person[]> {
  const person = await loadPerson(ctx, id);
  await requireCaseRead(ctx, principal, person.case_id, 'person');
  const partners = await listDistinctPartners(ctx.db, id);
  const scope = await listScope(ctx, principal);
  return (await listPersonsByIds(ctx.db, ctx.cipher, partners, { scope, includeRetracted: true }, statusLoader(ctx))).map(hidePersonSecrets);
}
