import { listScope } from '../access/access.service.ts';
import type { Principal } from '../auth/roles.ts';
import { InvalidInputError } from '../lib/errors.ts';
import { listNamesOfPersons, listPersonsByIds } from '../persons/persons.repository.ts';
import { hidePersonSecrets, statusLoader } from '../persons/persons.service.ts';
import type { Person } from '../persons/persons.types.ts';
import type { ServiceContext } from '../services.ts';
import { queryKeys } from './name-keys.ts';
import { personMatcher } from './name-match.ts';
import { applyFilters, hasSearchFilters, readSearchFilters } from './search-filters.ts';
import { collapseMergedHits } from './duplicates.service.ts';
import type { SearchKey } from './search-keys.ts';
import { filterCandidatePersons, findCandidates } from './search.repository.ts';
import type { SearchQuery } from './search.schemas.ts';
import { searchText, type TextHit } from './text-search.service.ts';

/**
 * Finds persons by any form of their names, in any script: the query's phonetic keys find
 * candidates by exact lookup (hashed keys, within the reader's cases), then each candidate's name
 * forms are scored against the query (name-match.ts), which also says why they matched.
 */

/** How many candidates one query may score: bounds the work of any query. */
export const MAX_CANDIDATES = 100;
/** Below this a candidate is not a match. */
export const MIN_SCORE = 0.5;
export const MAX_QUERY = 200;

export interface SearchHit {
  person: Person;
  score: number;
  explanation: string;
}

/** The query as searched (NFKC, trimmed); empty or longer than MAX_QUERY characters is refused. */
export function readSearchQuery(q: string): string {
  const text = q.normalize('NFKC').trim();
  if (!text) throw new InvalidInputError('type part of a name to search for', { q: 'empty' });
  if ([...text].length > MAX_QUERY) throw new InvalidInputError(`a search is at most ${MAX_QUERY} characters`, { q: `at most ${MAX_QUERY} characters` });
  return text;
}

export async function searchPersons(ctx: ServiceContext, key: SearchKey, principal: Principal, query: SearchQuery): Promise<SearchHit[]> {
  const text = readSearchQuery(query.q);
  const filters = readSearchFilters(query);
  const keys = queryKeys(text).map((nameKey) => key.hash(nameKey));
  if (keys.length === 0) return [];
  const scope = await listScope(ctx, principal);
  const ids = await findCandidates(ctx.db, keys, scope, MAX_CANDIDATES);
  const filter = { status: query.status, ethnicity: query.ethnicity, risk: query.risk, includeRetracted: query.include_retracted };
  const limit = query.limit ?? 20;
  // Place and dates are sealed: with those filters every candidate is read in full and filtered first.
  // Otherwise candidates are ranked on their names alone, and only the persons shown are read in full
  // (a few more than the limit, since merged records collapse into their survivors).
  const kept = hasSearchFilters(filters)
    ? applyFilters(await listPersonsByIds(ctx.db, ctx.cipher, ids, { ...filter, scope }, statusLoader(ctx)), filters)
    : await filterCandidatePersons(ctx.db, ids, filter);
  const names = await listNamesOfPersons(ctx.db, ctx.cipher, kept.map((person) => person.id));
  const match = personMatcher(text);
  const ranked = kept
    .map((person) => ({ id: person.id, case_number: person.case_number, ...match(names.get(person.id) ?? []) }))
    .filter((hit) => hit.score >= MIN_SCORE)
    .sort((a, b) => b.score - a.score || a.case_number.localeCompare(b.case_number))
    .slice(0, limit * 2);
  const persons = new Map((await listPersonsByIds(ctx.db, ctx.cipher, ranked.map((hit) => hit.id), { ...filter, scope }, statusLoader(ctx))).map((person) => [person.id, person]));
  const hits = ranked.flatMap((hit) => {
    const person = persons.get(hit.id);
    return person ? [{ person: hidePersonSecrets(person), score: hit.score, explanation: hit.explanation }] : [];
  });
  return collapseMergedHits(ctx, { ...filter, scope }, (persons) => applyFilters(persons, filters), hits, limit);
}

/**
 * The one search box: persons by name (`in` names), records by the words of their free text (`in`
 * text), or both (the default). The status, ethnicity and risk filters apply to persons found by name.
 */
export async function searchEverything(ctx: ServiceContext, key: SearchKey, principal: Principal, query: SearchQuery): Promise<{ persons: SearchHit[]; text: TextHit[] }> {
  const text = readSearchQuery(query.q);
  const scope = query.in ?? 'all';
  const persons = scope === 'text' ? [] : await searchPersons(ctx, key, principal, query);
  const hits = scope === 'names' ? [] : await searchText(ctx, key, principal, text, { limit: query.limit ?? 20, includeRetracted: query.include_retracted });
  return { persons, text: hits };
}
