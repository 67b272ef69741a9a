import { listScope } from '../access/access.service.ts';
import type { Principal } from '../auth/roles.ts';
import { InvalidInputError } from '../lib/errors.ts';
import { listPersonsByIds } from '../persons/persons.repository.ts';
import { hidePersonSecrets, statusLoader } from '../persons/persons.service.ts';
import type { Person } from '../persons/persons.types.ts';
import type { ServiceContext } from '../services.ts';
import { queryKeys } from './name-keys.ts';
import { matchPerson } from './name-match.ts';
import { applyFilters, readSearchFilters } from './search-filters.ts';
import { collapseMergedHits } from './duplicates.service.ts';
import type { SearchKey } from './search-keys.ts';
import { findCandidates } from './search.repository.ts';
import type { SearchQuery } from './search.schemas.ts';
import { searchText, type TextHit } from './text-search.service.ts';

/**
 * Finds persons by any form of their names, in any script: the query's phonetic keys find
 * candidates by exact lookup (hashed keys, within the reader's cases), then each candidate's name
 * forms are scored against the query (name-match.ts), which also says why they matched.
 */

/** How many candidates one query may score: bounds the work of any query. */
export const MAX_CANDIDATES = 300;
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
  const persons = await listPersonsByIds(
    ctx.db,
    ctx.cipher,
    ids,
    { status: query.status, ethnicity: query.ethnicity, risk: query.risk, includeRetracted: query.include_retracted, scope },
    statusLoader(ctx),
  );
  const hits = applyFilters(persons, filters)
    .map((person) => ({ person: hidePersonSecrets(person), ...matchPerson(text, person.names) }))
    .filter((hit) => hit.score >= MIN_SCORE)
    .sort((a, b) => b.score - a.score || a.person.case_number.localeCompare(b.person.case_number));
  return collapseMergedHits(ctx, scope, hits, query.limit ?? 20);
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
